/**
 * Detecting recurring issues as cases arrive. Cases wait in a queue (./queue.ts), filled when a case
 * gets a category: at filing, or when staff route it out of triage. A background step (one instance
 * at a time, by a job lease) takes them in arrival order, the order the rebuild uses, and for each:
 * computes its text vector, compares it with the earlier cases of the same category and place
 * within the window (an indexed, capped query on the sliding window `recurrence_items`), and joins
 * it to a group or starts one (./grouping.ts). A group that reaches the flag rule becomes a
 * recurring issue and the agency's supervisors are told; a similar case arriving while an issue is
 * monitored (or after it was resolved) makes it recur.
 *
 * What a new case costs is bounded by the window, not by the history: the queue holds the cases
 * waiting, the window only the weeks any rule can look back (older entries are pruned), the log is
 * only written, and an issue's figures are updated from what it already holds.
 */
import { Types } from 'mongoose';
import { followersOf } from '../cases/index.js';
import { placeAliasesOf, placeWords } from '../classification/index.js';
import { getDirectory } from '../directory/index.js';
import { enqueueEmail } from '../notifications/index.js';
import { isDuplicateKeyError } from '../shared/db/connect.js';
import { between, lt, lte, oneOf } from '../shared/db/operators.js';
import { claimJob, finishJob } from '../shared/jobs.js';
import { systemClock } from '../shared/clock.js';
import { ReadCache } from '../shared/read-cache.js';
import { staffToNotify } from '../users/index.js';
import { assign, locationOf, reachesFlag, rebuildGroups, type CaseForRecurrence, type Match, type RecurrenceRules } from './grouping.js';
import { RecurrenceItemModel, RecurrenceLogModel, RecurrenceQueueModel, RecurringIssueModel, type RecurrenceItem, type RecurrenceLogEntry, type RecurrenceQueued, type RecurringIssueDoc } from './recurring.model.js';
import { decideReview, MONITORING_DAYS } from './review.js';
import { packVector, unpackVector, vectorOf } from './similarity.js';
import { listRules, rulesFor } from './rules.service.js';

export interface DetectOptions {
  profile: string;
  publicUrl: string;
  /** Default: the rules stored per category (./rules.service.ts) over DEFAULT_RULES. */
  rules?: RecurrenceRules;
  batch?: number;
  instanceId?: string;
  /**
   * Time as detection runs (default the system's). A run takes no new case once half the lease of
   * its job is spent, so a slow database never lets the lease lapse while cases are processed (another
   * instance would take the same cases); the rest wait for the next run.
   */
  clock?: { now(): Date };
}

export interface DetectResult {
  processed: number;
  joined: number;
  grouped: number;
  flagged: number;
  recurred: number;
}

const DAY_MS = 86_400_000;

const placeWordCache = new ReadCache<string[]>(60_000);
/** The place names of a profile's areas, which stored vectors leave out (the place is compared apart). */
export function placeWordsFor(profile: string): Promise<string[]> {
  return placeWordCache.get(profile, async () => {
    const d = await getDirectory(profile);
    return d ? placeWords(d.municipalities.flatMap((m) => m.areas), placeAliasesOf(profile)) : [];
  });
}

type Stored = Pick<RecurrenceItem, '_id' | 'category' | 'area' | 'location' | 'createdAt' | 'citizen' | 'vector'> & { groupId?: Types.ObjectId | null };

function asCandidate(i: Stored): CaseForRecurrence {
  return {
    id: i._id.toHexString(),
    category: i.category,
    area: i.area ?? null,
    location: locationOf(i),
    createdAt: i.createdAt,
    citizen: i.citizen,
    vector: unpackVector(i.vector),
    groupId: i.groupId ? i.groupId.toHexString() : null,
  };
}

/** How far back the window keeps cases: the longest window of any rule, and a day. */
async function retentionDays(profile: string, fixed?: RecurrenceRules): Promise<number> {
  if (fixed) return fixed.windowDays + 1;
  const { defaults, categories } = await listRules(profile);
  return Math.max(defaults.windowDays, ...categories.map((c) => c.rules.windowDays)) + 1;
}

const PRUNE_EVERY_MS = 10 * 60_000;
const prunedAt = new Map<string, number>();

/**
 * The window keeps what any rule can look back to from the oldest case waiting. Pruning is
 * housekeeping (the candidate query reads the window by date anyway), so it runs every ten minutes
 * of the detection clock, not on every step.
 */
async function pruneWindow(profile: string, oldest: Date, now: Date, fixed?: RecurrenceRules): Promise<void> {
  const last = prunedAt.get(profile);
  if (last !== undefined && Math.abs(now.getTime() - last) < PRUNE_EVERY_MS) return;
  await RecurrenceItemModel.deleteMany({ profile, createdAt: lt(new Date(oldest.getTime() - (await retentionDays(profile, fixed)) * DAY_MS)) });
  prunedAt.set(profile, now.getTime());
}

const DETECT_LEASE_MS = 5 * 60_000;

/** Processes the queued cases in arrival order; safe to call from every instance on an interval. */
export async function detectRecurrences(now: Date, options: DetectOptions): Promise<DetectResult> {
  const result: DetectResult = { processed: 0, joined: 0, grouped: 0, flagged: 0, recurred: 0 };
  const owner = options.instanceId ?? `detector-${process.pid}`;
  const job = `recurrence-detect:${options.profile}`;
  const run = await claimJob(job, owner, now, 0, DETECT_LEASE_MS);
  if (!run) return result;
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now().getTime();
  try {
    const queued = await RecurrenceQueueModel.find({ profile: options.profile })
      .sort({ createdAt: 1, _id: 1 })
      .limit(options.batch ?? 200)
      .lean<RecurrenceQueued[]>();
    if (queued.length === 0) return result;
    await pruneWindow(options.profile, queued[0]!.createdAt < now ? queued[0]!.createdAt : now, now, options.rules);
    const fixed = options.rules;
    const rulesOf = fixed ? () => fixed : await rulesFor(options.profile);
    const words = await placeWordsFor(options.profile);
    for (const c of queued) {
      if (clock.now().getTime() - startedAt > DETECT_LEASE_MS / 2) break;
      const outcome = await processCase(c, rulesOf(c.category), words, now, options);
      result.processed++;
      if (outcome.joined) result.joined++;
      if (outcome.grouped) result.grouped++;
      if (outcome.flagged) result.flagged++;
      if (outcome.recurred) result.recurred++;
      await RecurrenceQueueModel.deleteOne({ _id: c._id });
    }
  } finally {
    await finishJob(run, now);
  }
  return result;
}

async function insertTolerant(insert: () => Promise<unknown>): Promise<void> {
  try {
    await insert();
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err; // written before a crash: the retry goes on
  }
}

/**
 * The candidates of a case: earlier cases of its category in the window (the indexed, capped query on
 * `recurrence_items`), in its area, or in any area when it is located (grouping.ts compares the
 * distance); none without an area or a location. Detection and the similar-case search both use it.
 */
export async function windowCandidates(profile: string, category: string, place: { area?: string | null; location?: { lat: number; lng: number } | null }, at: Date, rules: RecurrenceRules): Promise<RecurrenceItem[]> {
  if (!place.area && !place.location) return [];
  return RecurrenceItemModel.find({
    profile,
    category,
    ...(place.area && !place.location ? { area: place.area } : {}),
    createdAt: between(new Date(at.getTime() - rules.windowDays * DAY_MS), new Date(at.getTime() + 1)),
  })
    .sort({ createdAt: -1 })
    .limit(rules.candidateCap)
    .lean<RecurrenceItem[]>();
}

async function processCase(c: RecurrenceQueued, rules: RecurrenceRules, words: string[], now: Date, options: DetectOptions): Promise<{ joined: boolean; grouped: boolean; flagged: boolean; recurred: boolean }> {
  const none = { joined: false, grouped: false, flagged: false, recurred: false };
  if (await RecurrenceItemModel.exists({ _id: c._id })) return none; // already processed (a crash before the queue entry went)
  const vector = vectorOf(c.text, words);
  const location = locationOf(c) ?? undefined;
  const entry = {
    _id: c._id,
    profile: c.profile,
    reference: c.reference,
    category: c.category,
    area: c.area ?? undefined,
    location,
    agency: c.agency ?? undefined,
    createdAt: c.createdAt,
    citizen: c.citizen,
    vector: packVector(vector),
  };
  const self: CaseForRecurrence = { id: c._id.toHexString(), category: c.category, area: c.area ?? null, location: location ?? null, createdAt: c.createdAt, citizen: c.citizen, vector };
  const candidates = await windowCandidates(c.profile, c.category, { area: entry.area, location }, c.createdAt, rules);
  const a = assign(self, candidates.map(asCandidate), rules);
  const match = a.kind === 'none' ? undefined : a.matches[0];
  await insertTolerant(() => RecurrenceLogModel.create({ ...entry, match }));
  if (a.kind === 'none') {
    await RecurrenceItemModel.create(entry);
    return none;
  }
  const added: Member = entry;
  if (a.kind === 'join') {
    await RecurrenceItemModel.create({ ...entry, groupId: new Types.ObjectId(a.groupId), match });
    const changed = await refreshIssue(new Types.ObjectId(a.groupId), [added], a.matches, rules, now, options);
    return { joined: true, grouped: false, ...changed };
  }
  const issue = await RecurringIssueModel.create({
    profile: c.profile,
    status: 'forming',
    category: entry.category,
    area: entry.area,
    agency: entry.agency,
    caseCount: 0,
    citizenCount: 0,
    firstSeenAt: c.createdAt,
    lastSeenAt: c.createdAt,
    history: [{ at: now, event: 'formed', to: 'forming', data: { cases: a.members.length + 1 } }],
  });
  const memberIds = a.members.map((id) => new Types.ObjectId(id));
  await RecurrenceItemModel.updateMany({ _id: oneOf(memberIds) }, { $set: { groupId: issue._id } });
  const members = candidates.filter((x) => a.members.includes(x._id.toHexString())).sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime() || (x._id.toHexString() < y._id.toHexString() ? -1 : 1));
  await RecurrenceItemModel.create({ ...entry, groupId: issue._id, match });
  const changed = await refreshIssue(issue._id, [...members, added], a.matches, rules, now, options);
  return { joined: false, grouped: true, ...changed };
}

interface Term {
  w: string;
  n: number;
}

/** Adds the words each match shares to the counts; the key terms are the ten most frequent. */
function countTerms(before: readonly Term[], words: readonly string[]): { terms: Term[]; keyTerms: string[] } {
  const counts = new Map(before.map((t) => [t.w, t.n]));
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  const terms = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([w, n]) => ({ w, n }));
  return { terms, keyTerms: terms.slice(0, 10).map((t) => t.w) };
}

interface Member {
  _id: Types.ObjectId;
  reference: string;
  citizen: string;
  createdAt: Date;
  match?: { sharedWords?: string[] | null } | null;
}

/** An issue's figures from all its cases (in filing order): after staff moved cases in or out. */
function figuresOf(members: readonly Member[], citizensBefore: readonly string[]): Record<string, unknown> {
  const citizens = [...new Set([...citizensBefore, ...members.map((i) => i.citizen)])];
  return {
    caseIds: members.map((i) => i._id),
    references: members.map((i) => i.reference),
    citizens,
    caseCount: members.length,
    citizenCount: citizens.length,
    firstSeenAt: members[0]!.createdAt,
    lastSeenAt: members.at(-1)!.createdAt,
    ...countTerms([], members.flatMap((i) => i.match?.sharedWords ?? [])),
  };
}

/** Recomputes an issue's figures from the log after staff moved cases in or out (merge, split). */
export async function recomputeIssue(id: Types.ObjectId, caseIds: readonly Types.ObjectId[], now: Date): Promise<void> {
  const members = await RecurrenceLogModel.find({ _id: oneOf([...caseIds]) }).sort({ createdAt: 1, _id: 1 }).lean<RecurrenceLogEntry[]>();
  if (members.length === 0) return;
  const followers = await followersOf(members.map((i) => i._id));
  await RecurringIssueModel.updateOne({ _id: id }, { $set: { ...figuresOf(members, followers), updatedAt: now } }, { timestamps: false });
}

/**
 * Adds cases to an issue's figures (what it holds, plus the new ones), and moves it when the new
 * case makes it flag (counted over its cases still in the window) or recur.
 */
async function refreshIssue(id: Types.ObjectId, added: readonly Member[], matches: Match[], rules: RecurrenceRules, now: Date, options: DetectOptions): Promise<{ flagged: boolean; recurred: boolean }> {
  const issue = (await RecurringIssueModel.findById(id).lean<RecurringIssueDoc>())!;
  const known = new Set(issue.caseIds.map((x) => x.toHexString()));
  const fresh = added.filter((x) => !known.has(x._id.toHexString()));
  const times = [...(issue.caseIds.length ? [issue.firstSeenAt.getTime(), issue.lastSeenAt.getTime()] : []), ...fresh.map((x) => x.createdAt.getTime())];
  const citizens = [...new Set([...issue.citizens, ...fresh.map((x) => x.citizen)])];
  const set: Record<string, unknown> = {
    caseIds: [...issue.caseIds, ...fresh.map((x) => x._id)],
    references: [...issue.references, ...fresh.map((x) => x.reference)],
    citizens,
    caseCount: issue.caseIds.length + fresh.length,
    citizenCount: citizens.length,
    firstSeenAt: new Date(Math.min(...times)),
    lastSeenAt: new Date(Math.max(...times)),
    ...countTerms((issue.terms ?? []).map((t) => ({ w: t.w ?? '', n: t.n ?? 0 })), matches.flatMap((m) => m.sharedWords)),
  };
  const newCaseId = added.at(-1)!._id.toHexString();
  const history: Record<string, unknown>[] = [{ at: now, event: 'case_added', data: { caseId: newCaseId, score: matches[0]?.score ?? null } }];
  let flagged = false;
  let recurred = false;
  if (issue.status === 'forming' && reachesFlag(await RecurrenceItemModel.find({ groupId: id }).select({ createdAt: 1 }).lean(), rules)) {
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
  const supervisors = await staffToNotify({ roles: ['supervisor'], agency: issue.agency });
  for (const s of supervisors) {
    const language = s.language;
    const name = (x: { name_ar: string; name_en: string } | undefined): string => (x ? (language === 'ar' ? x.name_ar : x.name_en) : '—');
    await enqueueEmail(
      {
        key: `recurring-issue:${issue._id.toHexString()}.${event}.${issue.caseCount}.${s.id}`,
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
 * Rebuilds the groups from scratch with the same rules (every case of the log in arrival order, from
 * the stored vectors) and compares them with the groups incremental detection stored. Reading only:
 * it reports.
 */
export async function rebuildAndCompare(profile: string, rules?: RecurrenceRules): Promise<RebuildReport> {
  const rulesOf = rules ? () => rules : await rulesFor(profile);
  const started = Date.now();
  const issues = await RecurringIssueModel.find({ profile }).select({ caseIds: 1, manualEdits: 1 }).lean();
  const log = await RecurrenceLogModel.find({ profile }).lean<RecurrenceLogEntry[]>();
  // Groups staff merged or split are theirs, not the rules'; groups holding an anonymised case can no
  // longer be regrouped from its words (./forget.ts): both are left out of the comparison.
  const anonymised = new Set(log.filter((e) => e.anonymisedAt).map((e) => e._id.toHexString()));
  const settled = (i: (typeof issues)[number]): boolean => i.manualEdits === true || i.caseIds.some((x) => anonymised.has(x.toHexString()));
  const left = new Set([...anonymised, ...issues.filter(settled).flatMap((i) => i.caseIds.map((x) => x.toHexString()))]);
  const entries = log.filter((e) => !left.has(e._id.toHexString()));
  const refOf = new Map(entries.map((e) => [e._id.toHexString(), e.reference]));
  const key = (ids: string[]): string => ids.map((id) => refOf.get(id) ?? id).sort().join(',');
  const stored = issues.filter((i) => !settled(i) && i.caseIds.length > 0).map((i) => i.caseIds.map((x) => x.toHexString()));
  const rebuilt = rebuildGroups(entries.map((e) => ({ ...asCandidate(e), groupId: null })), rulesOf, (first) => first.id);
  const storedKeys = new Set(stored.map(key));
  const rebuiltKeys = new Set(rebuilt.map((g) => key(g.members.map((m) => m.id))));
  const onlyStored = [...storedKeys].filter((k) => !rebuiltKeys.has(k)).map((k) => k.split(','));
  const onlyRebuilt = [...rebuiltKeys].filter((k) => !storedKeys.has(k)).map((k) => k.split(','));
  return { cases: entries.length, storedGroups: storedKeys.size, rebuiltGroups: rebuiltKeys.size, agree: onlyStored.length === 0 && onlyRebuilt.length === 0, onlyStored, onlyRebuilt, ms: Date.now() - started };
}
