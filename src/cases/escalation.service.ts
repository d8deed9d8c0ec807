/**
 * The escalation sweep: finds cases whose next escalation time has come (one indexed range query
 * on `sla.nextCheckAt`, in batches, never a scan of all cases), and for each:
 *   at risk   → the assigned officer and the agency's supervisors;
 *   breached  → the supervisors and the agency's head contact (from its SLA policy);
 *   managers  → every active manager, once the case is still breached after the further period.
 * A case that jumps levels (the sweep was down) gets the levels it skipped, except "at risk" once
 * it is already breached.
 *
 * Safe with several instances over one database: an instance claims the case's escalation from the
 * level it read (shared/claims.ts: an insert keyed by case, clock and level, which only one instance
 * wins, on every engine), checks that the case is still as it read it, queues the emails with keys
 * unique per case, level and recipient (so even a claim taken over from a dead sweep cannot send
 * twice), then records the level in one update conditional on the level read. Recording the level
 * moves the next escalation to another claim key, so nothing is released. Emails go through the
 * outbox, each in its recipient's language.
 */
import { createHash, randomUUID } from 'node:crypto';
import { findAgency } from '../directory/index.js';
import { enqueueEmail } from '../notifications/index.js';
import { claim } from '../shared/claims.js';
import { lte } from '../shared/db/operators.js';
import { dateLocale } from '../shared/i18n.js';
import { getCalendarEntryCached, LEVEL_NAMES, levelAt, levelsToNotify, nextCheckAfter, policyFor, storedClock, type EscalationLevel } from '../sla/index.js';
import { staffToNotify } from '../users/index.js';
import { CaseModel, type CaseDoc, type HistoryEntry } from './case.model.js';
import { withHistory } from './history.js';

export interface SweepOptions {
  profile: string;
  publicUrl: string;
  /** Names this instance in its claims. */
  instanceId?: string;
  batch?: number;
  /** How long a claim on a case's escalation holds before another sweep may take it over (default 1 min). */
  leaseMs?: number;
}

export interface SweepResult {
  /** Cases the query returned. */
  due: number;
  /** Cases this instance escalated. */
  escalated: number;
  /** Emails queued. */
  notifications: number;
}

interface Recipient {
  key: string;
  email: string;
  language: 'ar' | 'en';
}

const defaultInstance = `sweep-${randomUUID()}`;

async function staffOf(match: Parameters<typeof staffToNotify>[0]): Promise<Recipient[]> {
  return (await staffToNotify(match)).map((u) => ({ key: u.id, email: u.email, language: u.language }));
}

async function recipientsFor(c: CaseDoc, level: EscalationLevel, profile: string): Promise<Recipient[]> {
  const list: Recipient[] = [];
  if (level === 1) {
    if (c.assignee?.userId) list.push(...(await staffOf({ userId: c.assignee.userId, roles: ['officer', 'supervisor'] })));
    list.push(...(await staffOf({ roles: ['supervisor'], agency: c.agency })));
  } else if (level === 2) {
    list.push(...(await staffOf({ roles: ['supervisor'], agency: c.agency })));
    const policy = await policyFor(profile, { agency: c.agency ?? undefined, category: c.category ?? undefined, type: c.type, priority: (c.priority ?? 'normal') });
    if (policy.headContact) list.push({ key: `head-${createHash('sha256').update(policy.headContact.email.toLowerCase()).digest('hex').slice(0, 16)}`, email: policy.headContact.email, language: policy.headContact.language });
  } else if (level === 3) {
    list.push(...(await staffOf({ roles: ['manager'] })));
  }
  const seen = new Set<string>();
  return list.filter((r) => !seen.has(r.email) && seen.add(r.email));
}

/** Emails write the deadline with Latin digits, whatever the pages use. */
function formatDue(dueAt: Date, timezone: string, language: 'ar' | 'en', profile: string): string {
  return new Intl.DateTimeFormat(dateLocale(language, profile, 'latn'), { timeZone: timezone, dateStyle: 'full', timeStyle: 'short' }).format(dueAt);
}

/** Cases the sweep should look at now (`sla.nextCheckAt` has passed): the sweep's own indexed query, counted for operators. */
export async function countCasesDueForCheck(now: Date, maxTimeMs: number): Promise<number> {
  return CaseModel.countDocuments({ 'sla.nextCheckAt': lte(now) }).maxTimeMS(maxTimeMs).exec();
}

/** One pass; call it on an interval. Returns what it did. */
export async function runSlaSweep(now: Date, options: SweepOptions): Promise<SweepResult> {
  const owner = options.instanceId ?? defaultInstance;
  const due = await CaseModel.find({ 'sla.nextCheckAt': lte(now) })
    .sort({ 'sla.nextCheckAt': 1 })
    .limit(options.batch ?? 200)
    .lean<CaseDoc[]>();
  const result: SweepResult = { due: due.length, escalated: 0, notifications: 0 };
  for (const c of due) {
    const queued = await checkCase(c, now, options, owner);
    if (queued === null) continue;
    result.escalated++;
    result.notifications += queued;
  }
  return result;
}

/** A case to escalate: as read, with its stored clock and deadline, and the level it has reached now. */
interface DueCase {
  c: CaseDoc;
  clock: NonNullable<ReturnType<typeof storedClock>>;
  dueAt: Date;
  target: EscalationLevel;
}

/**
 * One due case: when it has reached a new level, this instance claims its escalation, tells each
 * level's recipients and records the level. Returns the emails queued, or null when this instance
 * did not escalate it (nothing new, the schedule moved, another instance has it, the case moved on).
 */
async function checkCase(c: CaseDoc, now: Date, options: SweepOptions, owner: string): Promise<number | null> {
  const clock = storedClock(c);
  if (!clock || !c.dueAt || !clock.nextCheckAt) return null;
  const target = levelAt(clock, c.dueAt, now);
  const asRead = { _id: c._id, status: c.status, 'sla.level': clock.level, 'sla.nextCheckAt': clock.nextCheckAt };
  if (target <= clock.level) {
    // The schedule moved (a pause, a recompute): put the next check where it now belongs.
    await CaseModel.updateOne(asRead, { $set: { 'sla.nextCheckAt': nextCheckAfter(clock, c.dueAt, clock.level) } }, { timestamps: false });
    return null;
  }
  const escalation = `sla:${c._id.toHexString()}:${clock.startedAt.getTime()}:L${clock.level}`;
  if (!(await claim(escalation, owner, now, options.leaseMs ?? 60_000))) return null; // another instance has it
  if (!(await CaseModel.exists(asRead))) return null; // the case moved on since we read it
  const due: DueCase = { c, clock, dueAt: c.dueAt, target };
  const told = await notifyLevels(due, now, options);
  await recordEscalation(due, told, now);
  return told.notifications;
}

interface Told {
  notifications: number;
  escalations: { level: number; at: Date; recipients: number }[];
  entries: HistoryEntry[];
}

/** Queues the emails of every level from the one after the case's to `target`, and the history entries that say so. */
async function notifyLevels({ c, clock, dueAt, target }: DueCase, now: Date, options: SweepOptions): Promise<Told> {
  const { calendar } = await getCalendarEntryCached(clock.calendar);
  const agency = c.agency ? await findAgency(options.profile, c.agency) : null;
  const told: Told = { notifications: 0, escalations: [], entries: [] };
  for (const level of levelsToNotify(clock.level, target)) {
    const recipients = await recipientsFor(c, level, options.profile);
    for (const r of recipients) {
      await enqueueEmail(
        {
          key: `sla-escalation:${c._id.toHexString()}.${clock.startedAt.getTime()}.L${level}.${r.key}`,
          to: r.email,
          language: r.language,
          template: 'sla-escalation',
          subject: { kind: 'case', id: c._id.toHexString() },
          data: {
            reference: c.reference,
            level: LEVEL_NAMES[level] as 'at_risk' | 'breached' | 'managers',
            agencyName: agency ? (r.language === 'ar' ? agency.name_ar : agency.name_en) : (c.agency ?? '—'),
            dueAt: formatDue(dueAt, calendar.timezone, r.language, options.profile),
            summary: (c.title || c.description).slice(0, 300),
            caseUrl: `${options.publicUrl}/work/cases/${encodeURIComponent(c.reference)}`,
          },
        },
        now,
      );
      told.notifications++;
    }
    told.escalations.push({ level, at: now, recipients: recipients.length });
    // The citizen sees that a late case was escalated; "at risk" stays internal.
    told.entries.push({ at: now, actor: { kind: 'system' }, event: 'escalated', to: LEVEL_NAMES[level], visibility: level >= 2 ? 'public' : 'internal', data: { level, recipients: recipients.length } });
  }
  return told;
}

/** Records the level reached, the next check (none after the last level) and, once breached, that the case is late. */
async function recordEscalation({ c, clock, dueAt, target }: DueCase, told: Told, now: Date): Promise<void> {
  const next = nextCheckAfter(clock, dueAt, target);
  const set: Record<string, unknown> = { 'sla.level': target };
  if (next) set['sla.nextCheckAt'] = next;
  if (target >= 2) {
    set.slaBreached = 1;
    if (!c.escalatedAt) set.escalatedAt = now;
  }
  await CaseModel.updateOne(
    { _id: c._id, status: c.status, 'sla.level': clock.level },
    withHistory({ $set: set, ...(next ? {} : { $unset: { 'sla.nextCheckAt': 1 } }), $push: { 'sla.escalations': { $each: told.escalations } } }, told.entries),
    { timestamps: false },
  );
}
