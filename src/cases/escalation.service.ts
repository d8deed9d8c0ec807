/**
 * The escalation sweep: finds cases whose next escalation time has come (one indexed range query
 * on `sla.nextCheckAt`, in batches, never a scan of all cases), and for each:
 *   at risk   → the assigned officer and the agency's supervisors;
 *   breached  → the supervisors and the agency's head contact (from its SLA policy);
 *   managers  → every active manager, once the case is still breached after the further period.
 * A case that jumps levels (the sweep was down) gets the levels it skipped, except "at risk" once
 * it is already breached.
 *
 * Safe with several instances over one database: an instance first claims the case's escalation
 * from the level it read (shared/claims.ts: an insert only one instance wins, on every engine), takes
 * a lease on the case (a conditional update on that level and on no live lease), then queues the emails with
 * keys unique per case, level and recipient (so even a lease lost mid-way cannot send twice), then
 * records the level and releases the lease in one conditional update. Emails go through the outbox,
 * each in its recipient's language.
 */
import { createHash, randomUUID } from 'node:crypto';
import { findAgency } from '../directory/index.js';
import { enqueueEmail } from '../notifications/index.js';
import { claim } from '../shared/claims.js';
import { lte } from '../shared/db/operators.js';
import { getCalendarEntryCached, LEVEL_NAMES, levelAt, levelsToNotify, nextCheckAfter, policyFor, storedClock, type EscalationLevel } from '../sla/index.js';
import { staffToNotify } from '../users/index.js';
import { CaseModel, type CaseDoc, type HistoryEntry } from './case.model.js';
import { withHistory } from './history.js';

export interface SweepOptions {
  profile: string;
  publicUrl: string;
  /** Names this instance in leases. */
  instanceId?: string;
  batch?: number;
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

function formatDue(dueAt: Date, timezone: string, language: 'ar' | 'en'): string {
  return new Intl.DateTimeFormat(language === 'ar' ? 'ar-BH-u-nu-latn' : 'en-GB', { timeZone: timezone, dateStyle: 'full', timeStyle: 'short' }).format(dueAt);
}

/** Cases the sweep should look at now (`sla.nextCheckAt` has passed): the sweep's own indexed query, counted for operators. */
export async function countCasesDueForCheck(now: Date, maxTimeMs: number): Promise<number> {
  return CaseModel.countDocuments({ 'sla.nextCheckAt': lte(now) }).maxTimeMS(maxTimeMs).exec();
}

/** One pass; call it on an interval. Returns what it did. */
export async function runSlaSweep(now: Date, options: SweepOptions): Promise<SweepResult> {
  const owner = options.instanceId ?? defaultInstance;
  const leaseMs = options.leaseMs ?? 60_000;
  const due = await CaseModel.find({ 'sla.nextCheckAt': lte(now) })
    .sort({ 'sla.nextCheckAt': 1 })
    .limit(options.batch ?? 200)
    .lean<CaseDoc[]>();
  const result: SweepResult = { due: due.length, escalated: 0, notifications: 0 };

  for (const c of due) {
    const clock = storedClock(c);
    if (!clock || !c.dueAt || !clock.nextCheckAt) continue;
    const target = levelAt(clock, c.dueAt, now);
    const guard = { _id: c._id, status: c.status, 'sla.level': clock.level, 'sla.nextCheckAt': clock.nextCheckAt };
    if (target <= clock.level) {
      // The schedule moved (a pause, a recompute): put the next check where it now belongs.
      await CaseModel.updateOne(guard, { $set: { 'sla.nextCheckAt': nextCheckAfter(clock, c.dueAt, clock.level) } }, { timestamps: false });
      continue;
    }
    const escalation = `sla:${c._id.toHexString()}:${clock.startedAt.getTime()}:L${clock.level}`;
    if (!(await claim(escalation, owner, now, leaseMs))) continue; // another instance has it
    const lease = await CaseModel.updateOne(
      { ...guard, $or: [{ 'sla.lease': null }, { 'sla.lease.until': lte(now) }] },
      { $set: { 'sla.lease': { owner, until: new Date(now.getTime() + leaseMs) } } },
      { timestamps: false },
    );
    if (lease.modifiedCount !== 1) continue; // the case moved on since we read it

    const { calendar } = await getCalendarEntryCached(clock.calendar);
    const agency = c.agency ? await findAgency(options.profile, c.agency) : null;
    const entries: HistoryEntry[] = [];
    const escalations: { level: number; at: Date; recipients: number }[] = [];
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
              dueAt: formatDue(c.dueAt, calendar.timezone, r.language),
              summary: (c.title || c.description).slice(0, 300),
              caseUrl: `${options.publicUrl}/work/cases/${encodeURIComponent(c.reference)}`,
            },
          },
          now,
        );
        result.notifications++;
      }
      escalations.push({ level, at: now, recipients: recipients.length });
      // The citizen sees that a late case was escalated; "at risk" stays internal.
      entries.push({ at: now, actor: { kind: 'system' }, event: 'escalated', to: LEVEL_NAMES[level], visibility: level >= 2 ? 'public' : 'internal', data: { level, recipients: recipients.length } });
    }

    const next = nextCheckAfter(clock, c.dueAt, target);
    const set: Record<string, unknown> = { 'sla.level': target };
    if (next) set['sla.nextCheckAt'] = next;
    if (target >= 2) {
      set.slaBreached = 1;
      if (!c.escalatedAt) set.escalatedAt = now;
    }
    await CaseModel.updateOne(
      { _id: c._id, status: c.status, 'sla.level': clock.level, 'sla.lease.owner': owner },
      withHistory({ $set: set, $unset: { 'sla.lease': 1, ...(next ? {} : { 'sla.nextCheckAt': 1 }) }, $push: { 'sla.escalations': { $each: escalations } } }, entries),
      { timestamps: false },
    );
    result.escalated++;
  }
  return result;
}
