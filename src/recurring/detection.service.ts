/**
 * Detecting recurring issues as cases arrive. A background step takes the cases filed since its
 * watermark, in filing order (one instance at a time, by a job lease, so the order is the same as
 * the rebuild's), and for each: stores its text vector, compares it with the earlier cases of the
 * same category and place within the window (an indexed, capped query on `recurrence_items`), and
 * joins it to a group or starts one (./grouping.ts). A group that reaches the flag rule becomes a
 * recurring issue and the agency's supervisors are told; a similar case arriving while an issue is
 * monitored (or after it was resolved) makes it recur.
 *
 * Known gap: a case filed without a category (triage) that the watermark passes is not detected
 * when it is routed later; the rebuild sees it.
 */
import { Types } from 'mongoose';
import { CaseModel, type CaseDoc } from '../cases/case.model.js';
import { placeWords } from '../classification/index.js';
import { textOf } from '../classification/classifier.service.js';
import { BH_PLACE_ALIASES } from '../classification/bh-place-aliases.js';
import { getDirectory } from '../directory/index.js';
import { enqueueEmail } from '../notifications/index.js';
import { between, gt, lte, ne, oneOf } from '../shared/db/operators.js';
import { claimJob, finishJob } from '../shared/jobs.js';
import { UserModel } from '../users/user.model.js';
import { assign, reachesFlag, rebuildGroups, type CaseForRecurrence, type Match, type RecurrenceRules } from './grouping.js';
import { RecurrenceItemModel, RecurrenceStateModel, RecurringIssueModel, type RecurrenceItem, type RecurringIssueDoc } from './recurring.model.js';
import { decideReview, MONITORING_DAYS } from './review.js';
import { vectorOf } from './similarity.js';
import { rulesFor } from './rules.service.js';

export interface DetectOptions {
  profile: string;
  publicUrl: string;
  /** Default: the rules stored per category (./rules.service.ts) over DEFAULT_RULES. */
  rules?: RecurrenceRules;
  batch?: number;
  instanceId?: string;
}

export interface DetectResult {
  processed: number;
  joined: number;
  grouped: number;
  flagged: number;
  recurred: number;
}

const DAY_MS = 86_400_000;
const WATERMARK = (profile: string): string => `recurrence-watermark:${profile}`;

const placeWordCache = new Map<string, { at: number; words: string[] }>();
async function placeWordsFor(profile: string): Promise<string[]> {
  const hit = placeWordCache.get(profile);
  if (hit && Date.now() - hit.at < 60_000) return hit.words;
  const d = await getDirectory(profile);
  const words = d ? placeWords(d.municipalities.flatMap((m) => m.areas), profile === 'bh' ? BH_PLACE_ALIASES : []) : [];
  placeWordCache.set(profile, { at: Date.now(), words });
  return words;
}

function asCandidate(i: RecurrenceItem): CaseForRecurrence {
  return {
    id: i._id.toHexString(),
    category: i.category,
    area: i.area ?? null,
    location: typeof i.location?.lat === 'number' && typeof i.location.lng === 'number' ? { lat: i.location.lat, lng: i.location.lng } : null,
    createdAt: i.createdAt,
    citizen: i.citizen,
    vector: { f: [...i.vector.f], w: [...i.vector.w] },
    groupId: i.groupId ? i.groupId.toHexString() : null,
  };
}

/** Processes the cases filed since the watermark; safe to call from every instance on an interval. */
export async function detectRecurrences(now: Date, options: DetectOptions): Promise<DetectResult> {
  const result: DetectResult = { processed: 0, joined: 0, grouped: 0, flagged: 0, recurred: 0 };
  const owner = options.instanceId ?? `detector-${process.pid}`;
  const job = `recurrence-detect:${options.profile}`;
  if (!(await claimJob(job, owner, now, 0, 5 * 60_000))) return result;
  try {
    const state = (await RecurrenceStateModel.findById(WATERMARK(options.profile)).lean()) ?? { after: new Date(0), afterId: '000000000000000000000000' };
    const fixed = options.rules;
    const rulesOf = fixed ? () => fixed : await rulesFor(options.profile);
    const words = await placeWordsFor(options.profile);
    const afterId = new Types.ObjectId(state.afterId);
    const cases = await CaseModel.find({
      profile: options.profile,
      category: ne(null),
      $or: [{ createdAt: gt(state.after) }, { createdAt: state.after, _id: gt(afterId) }],
    })
      .sort({ createdAt: 1, _id: 1 })
      .limit(options.batch ?? 200)
      .lean<CaseDoc[]>();
    for (const c of cases) {
      const outcome = await processCase(c, rulesOf(c.category!), words, now, options);
      result.processed++;
      if (outcome.joined) result.joined++;
      if (outcome.grouped) result.grouped++;
      if (outcome.flagged) result.flagged++;
      if (outcome.recurred) result.recurred++;
      await RecurrenceStateModel.updateOne({ _id: WATERMARK(options.profile) }, { $set: { after: c.createdAt, afterId: c._id.toHexString() } }, { upsert: true });
    }
  } finally {
    await finishJob(job, owner, now);
  }
  return result;
}

async function processCase(c: CaseDoc, rules: RecurrenceRules, words: string[], now: Date, options: DetectOptions): Promise<{ joined: boolean; grouped: boolean; flagged: boolean; recurred: boolean }> {
  const none = { joined: false, grouped: false, flagged: false, recurred: false };
  if (await RecurrenceItemModel.exists({ _id: c._id })) return none; // already processed (a crash after the item, before the watermark)
  const item = {
    _id: c._id,
    profile: c.profile,
    reference: c.reference,
    category: c.category!,
    area: c.area ?? undefined,
    location: typeof c.location?.lat === 'number' && typeof c.location.lng === 'number' ? { lat: c.location.lat, lng: c.location.lng } : undefined,
    agency: c.agency ?? undefined,
    createdAt: c.createdAt,
    citizen: c.citizenId ? c.citizenId.toHexString() : c.contactEmail,
    vector: vectorOf(textOf(c), words),
  };
  const self: CaseForRecurrence = { id: c._id.toHexString(), category: item.category, area: item.area ?? null, location: item.location ?? null, createdAt: item.createdAt, citizen: item.citizen, vector: item.vector };
  let candidates: RecurrenceItem[] = [];
  if (item.area || item.location) {
    candidates = await RecurrenceItemModel.find({
      profile: c.profile,
      category: item.category,
      ...(item.area && !item.location ? { area: item.area } : {}),
      createdAt: between(new Date(c.createdAt.getTime() - rules.windowDays * DAY_MS), new Date(c.createdAt.getTime() + 1)),
    })
      .sort({ createdAt: -1 })
      .limit(rules.candidateCap)
      .lean<RecurrenceItem[]>();
  }
  const a = assign(self, candidates.map(asCandidate), rules);
  if (a.kind === 'none') {
    await RecurrenceItemModel.create(item);
    return none;
  }
  if (a.kind === 'join') {
    await RecurrenceItemModel.create({ ...item, groupId: new Types.ObjectId(a.groupId), match: a.matches[0] });
    const changed = await refreshIssue(new Types.ObjectId(a.groupId), a.matches, self.id, rules, now, options);
    return { joined: true, grouped: false, ...changed };
  }
  const issue = await RecurringIssueModel.create({
    profile: c.profile,
    status: 'forming',
    category: item.category,
    area: item.area,
    agency: item.agency,
    caseCount: 0,
    citizenCount: 0,
    firstSeenAt: c.createdAt,
    lastSeenAt: c.createdAt,
    history: [{ at: now, event: 'formed', to: 'forming', data: { cases: a.members.length + 1 } }],
  });
  await RecurrenceItemModel.updateMany({ _id: oneOf(a.members.map((id) => new Types.ObjectId(id))) }, { $set: { groupId: issue._id } });
  await RecurrenceItemModel.create({ ...item, groupId: issue._id, match: a.matches[0] });
  const changed = await refreshIssue(issue._id, a.matches, self.id, rules, now, options);
  return { joined: false, grouped: true, ...changed };
}

/**
 * An issue's figures from its items: cases, references, citizens (filers, plus followers already
 * counted), first and last seen, and the words its matches share most.
 */
function figuresOf(items: RecurrenceItem[], citizensBefore: readonly string[], matches: Match[] = []): Record<string, unknown> {
  const words = new Map<string, number>();
  for (const i of items) for (const w of i.match?.sharedWords ?? []) words.set(w, (words.get(w) ?? 0) + 1);
  for (const m of matches) for (const w of m.sharedWords) words.set(w, (words.get(w) ?? 0) + 1);
  const citizens = [...new Set([...citizensBefore, ...items.map((i) => i.citizen)])];
  return {
    caseIds: items.map((i) => i._id),
    references: items.map((i) => i.reference),
    citizens,
    caseCount: items.length,
    citizenCount: citizens.length,
    firstSeenAt: items[0]!.createdAt,
    lastSeenAt: items.at(-1)!.createdAt,
    keyTerms: [...words].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10).map(([w]) => w),
  };
}

/** Recomputes an issue's figures after staff moved cases in or out (merge, split). */
export async function recomputeIssue(id: Types.ObjectId, now: Date): Promise<void> {
  const items = await RecurrenceItemModel.find({ groupId: id }).sort({ createdAt: 1 }).lean<RecurrenceItem[]>();
  if (items.length === 0) return;
  const followed = await CaseModel.find({ _id: oneOf(items.map((i) => i._id)) }).select({ followers: 1 }).lean();
  const followers = followed.flatMap((c) => (c.followers ?? []).map((f) => f.toHexString()));
  await RecurringIssueModel.updateOne({ _id: id }, { $set: { ...figuresOf(items, followers), updatedAt: now } }, { timestamps: false });
}

/** Recomputes an issue's figures from its items, and moves it when the new case makes it flag or recur. */
async function refreshIssue(id: Types.ObjectId, matches: Match[], newCaseId: string, rules: RecurrenceRules, now: Date, options: DetectOptions): Promise<{ flagged: boolean; recurred: boolean }> {
  const issue = (await RecurringIssueModel.findById(id).lean<RecurringIssueDoc>())!;
  const items = await RecurrenceItemModel.find({ groupId: id }).sort({ createdAt: 1 }).lean<RecurrenceItem[]>();
  const set: Record<string, unknown> = figuresOf(items, issue.citizens, matches);
  const history: Record<string, unknown>[] = [{ at: now, event: 'case_added', data: { caseId: newCaseId, score: matches[0]?.score ?? null } }];
  let flagged = false;
  let recurred = false;
  if (issue.status === 'forming' && reachesFlag(items, rules)) {
    set.status = 'flagged';
    set.flaggedAt = now;
    history.push({ at: now, event: 'status_changed', from: 'forming', to: 'flagged', data: { rule: `${rules.flagCount} cases within ${rules.windowDays} days` } });
    flagged = true;
  } else if (issue.status === 'monitoring' || issue.status === 'resolved') {
    const { to } = decideReview({ status: issue.status, action: 'recur', actor: 'system', now });
    set.status = to;
    history.push({ at: now, event: 'status_changed', from: issue.status, to, data: { caseId: newCaseId } });
    recurred = true;
  }
  await RecurringIssueModel.updateOne(
    { _id: id },
    { $set: { ...set, updatedAt: now }, $push: { history: { $each: history }, scores: { $each: matches.slice(0, 3).map((m) => ({ a: newCaseId, b: m.caseId, score: m.score })) } } },
    { timestamps: false },
  );
  if (flagged || recurred) await notifySupervisors({ ...issue, ...set }, flagged ? 'flagged' : 'recurred', now, options);
  return { flagged, recurred };
}

async function notifySupervisors(issue: RecurringIssueDoc, event: 'flagged' | 'recurred', now: Date, options: DetectOptions): Promise<void> {
  if (!issue.agency) return;
  const d = await getDirectory(options.profile);
  const supervisors = await UserModel.find({ role: 'supervisor', agency: issue.agency, disabledAt: null }).select({ email: 1, language: 1 }).lean();
  for (const s of supervisors) {
    const language = s.language === 'en' ? 'en' : 'ar';
    const name = (x: { name_ar: string; name_en: string } | undefined): string => (x ? (language === 'ar' ? x.name_ar : x.name_en) : '—');
    await enqueueEmail(
      {
        key: `recurring-issue:${issue._id.toHexString()}.${event}.${issue.caseCount}.${s._id.toHexString()}`,
        to: s.email,
        language,
        template: 'recurring-issue',
        subject: { kind: 'recurring-issue', id: issue._id.toHexString() },
        data: {
          event,
          categoryName: name(d?.categories.find((x) => x.code === issue.category)),
          areaName: name(d?.municipalities.flatMap((m) => m.areas).find((a) => a.code === issue.area)),
          caseCount: issue.caseCount,
          issueUrl: `${options.publicUrl}/work/recurring/${issue._id.toHexString()}`,
        },
      },
      now,
    );
  }
}

/** Issues monitored for the whole period without a similar case are resolved (by the system). */
export async function resolveQuietIssues(now: Date, profile: string, monitoringDays = MONITORING_DAYS): Promise<number> {
  const cutoff = new Date(now.getTime() - monitoringDays * DAY_MS);
  const quiet = await RecurringIssueModel.find({ profile, status: 'monitoring', monitoringSince: lte(cutoff), lastSeenAt: lte(cutoff) }).limit(200).lean<RecurringIssueDoc[]>();
  let resolved = 0;
  for (const i of quiet) {
    const { to } = decideReview({ status: 'monitoring', action: 'resolve', actor: 'system', monitoringSince: i.monitoringSince ?? null, lastSeenAt: i.lastSeenAt, now, monitoringDays });
    const r = await RecurringIssueModel.updateOne(
      { _id: i._id, status: 'monitoring' },
      { $set: { status: to, updatedAt: now }, $push: { history: { at: now, event: 'status_changed', from: 'monitoring', to, data: { rule: `${monitoringDays} days without a similar case` } } } },
      { timestamps: false },
    );
    resolved += r.modifiedCount;
  }
  return resolved;
}

export interface RebuildReport {
  cases: number;
  storedGroups: number;
  rebuiltGroups: number;
  agree: boolean;
  /** Groups (as sorted case references) found by one side only. */
  onlyStored: string[][];
  onlyRebuilt: string[][];
  ms: number;
}

/**
 * Rebuilds the groups from scratch with the same rules (every case in filing order, from the stored
 * vectors) and compares them with what incremental detection stored. Reading only: it reports.
 */
export async function rebuildAndCompare(profile: string, rules?: RecurrenceRules): Promise<RebuildReport> {
  const rulesOf = rules ? () => rules : await rulesFor(profile);
  const started = Date.now();
  // Groups staff merged or split are theirs, not the rules': they are left out of the comparison.
  const manual = new Set((await RecurringIssueModel.find({ profile, manualEdits: true }).select({ _id: 1 }).lean()).map((i) => i._id.toHexString()));
  const items = (await RecurrenceItemModel.find({ profile }).lean<RecurrenceItem[]>()).filter((i) => !(i.groupId && manual.has(i.groupId.toHexString())));
  const refOf = new Map(items.map((i) => [i._id.toHexString(), i.reference]));
  const key = (ids: string[]): string => ids.map((id) => refOf.get(id) ?? id).sort().join(',');
  const stored = new Map<string, string[]>();
  for (const i of items) if (i.groupId) stored.set(i.groupId.toHexString(), [...(stored.get(i.groupId.toHexString()) ?? []), i._id.toHexString()]);
  const rebuilt = rebuildGroups(items.map((i) => ({ ...asCandidate(i), groupId: null })), rulesOf, (first) => first.id);
  const storedKeys = new Set([...stored.values()].map(key));
  const rebuiltKeys = new Set(rebuilt.map((g) => key(g.members.map((m) => m.id))));
  const onlyStored = [...storedKeys].filter((k) => !rebuiltKeys.has(k)).map((k) => k.split(','));
  const onlyRebuilt = [...rebuiltKeys].filter((k) => !storedKeys.has(k)).map((k) => k.split(','));
  return { cases: items.length, storedGroups: storedKeys.size, rebuiltGroups: rebuiltKeys.size, agree: onlyStored.length === 0 && onlyRebuilt.length === 0, onlyStored, onlyRebuilt, ms: Date.now() - started };
}
