/**
 * Reading and reviewing recurring issues, scoped to who asks: supervisors see their agency's issues,
 * managers and administrators all of them. Used by the API and the pages alike.
 */
import { Types } from 'mongoose';
import { caseListOf, casesByReference, caseStatusesOf, normaliseReference, OPEN_STATUSES, sendCitizenNotice, transitionCase } from '../cases/index.js';
import { findAgency } from '../directory/index.js';
import { oneOf } from '../shared/db/operators.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError, STATUS_BY_KIND, ValidationError } from '../shared/errors.js';
import type { Hooks } from '../shared/hooks.js';
import { afterCursor, cutPage, decodeCursor, type Page, type PageQuery } from '../shared/pagination.js';
import type { Principal } from '../shared/principal.js';
import { rulesFor } from './rules.service.js';
import { RecurrenceItemModel, RecurringIssueModel, type RecurringIssueDoc } from './recurring.model.js';
import { recomputeIssue } from './detection.service.js';
import { decideReview, ISSUE_STATUSES, reviewActions, type IssueAction, type IssueStatus, type ReviewActor } from './review.js';

export const ISSUE_NOT_FOUND = (): NotFoundError => new NotFoundError('ISSUE_NOT_FOUND', 'No recurring issue with this id can be shown to you.');

/** Supervisors see their agency's issues; managers and administrators all. */
function scopeOf(p: Principal): Record<string, unknown> {
  return p.role === 'supervisor' ? { agency: p.agency ?? '\u0000none' } : {};
}

export interface IssueSummary {
  id: string;
  status: string;
  category: string;
  area: string | null;
  agency: string | null;
  caseCount: number;
  citizenCount: number;
  firstSeenAt: string;
  lastSeenAt: string;
  cases: string[];
  keyTerms: string[];
}

function summary(i: RecurringIssueDoc): IssueSummary {
  return {
    id: i._id.toHexString(),
    status: i.status,
    category: i.category,
    area: i.area ?? null,
    agency: i.agency ?? null,
    caseCount: i.caseCount,
    citizenCount: i.citizenCount,
    firstSeenAt: i.firstSeenAt.toISOString(),
    lastSeenAt: i.lastSeenAt.toISOString(),
    cases: [...i.references],
    keyTerms: [...i.keyTerms],
  };
}

export interface IssueQuery extends PageQuery {
  status?: string;
  agency?: string;
  category?: string;
  area?: string;
}

/** The issues this person may review, most recently seen first, in cursor pages. */
export async function listIssues(p: Principal, profile: string, q: IssueQuery): Promise<Page<IssueSummary>> {
  if (q.cursor) decodeCursor(q.cursor); // a forged cursor is refused whatever the filters
  if (p.role === 'supervisor' && q.agency && q.agency !== p.agency) return { items: [], nextCursor: null };
  const filter: Record<string, unknown> = { profile, ...scopeOf(p) };
  filter.status = q.status ?? oneOf(ISSUE_STATUSES as readonly string[]); // "forming" groups only when asked for
  for (const k of ['agency', 'category', 'area'] as const) if (q[k]) filter[k] = q[k];
  const query = q.cursor ? { $and: [filter, afterCursor('lastSeenAt', -1, q.cursor)] } : filter;
  const rows = await RecurringIssueModel.find(query).sort({ lastSeenAt: -1, _id: -1 }).limit(q.limit + 1).lean<RecurringIssueDoc[]>();
  const { rows: page, nextCursor } = cutPage(rows, q.limit, (i) => i.lastSeenAt);
  return { items: page.map(summary), nextCursor };
}

/** Issues per status within the principal's scope (the review queue's counters). */
export async function countIssues(p: Principal, profile: string): Promise<Record<string, number>> {
  const rows = await RecurringIssueModel.find({ profile, ...scopeOf(p), status: oneOf(ISSUE_STATUSES as readonly string[]) }).select({ status: 1 }).lean();
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

async function load(p: Principal, profile: string, id: string): Promise<RecurringIssueDoc> {
  if (!Types.ObjectId.isValid(id)) throw ISSUE_NOT_FOUND();
  const found = await RecurringIssueModel.findOne({ _id: new Types.ObjectId(id), profile, ...scopeOf(p) }).lean<RecurringIssueDoc>();
  if (!found) throw ISSUE_NOT_FOUND();
  return found;
}

/** Cases per ISO week (Monday start, UTC) before and after the action date: did the fix work? */
export function weeklyCounts(dates: Date[], actionAt: Date | null): { week: string; count: number; after: boolean }[] {
  const weekOf = (d: Date): string => {
    const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7)));
    return monday.toISOString().slice(0, 10);
  };
  const counts = new Map<string, number>();
  for (const d of dates) counts.set(weekOf(d), (counts.get(weekOf(d)) ?? 0) + 1);
  if (dates.length === 0) return [];
  const first = new Date(weekOf(new Date(Math.min(...dates.map((d) => d.getTime())))));
  const lastDate = new Date(Math.max(...dates.map((d) => d.getTime()), actionAt?.getTime() ?? 0));
  const out: { week: string; count: number; after: boolean }[] = [];
  for (let w = first; w <= lastDate; w = new Date(w.getTime() + 7 * 86_400_000)) {
    const key = w.toISOString().slice(0, 10);
    out.push({ week: key, count: counts.get(key) ?? 0, after: actionAt !== null && w.getTime() >= weekStart(actionAt) });
  }
  return out;
}
const weekStart = (d: Date): number => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7));

export async function issueDetail(p: Principal, profile: string, id: string) {
  const i = await load(p, profile, id);
  const cases = await caseListOf(i.caseIds);
  const actionAt = i.history.find((h) => h.to === 'action_planned')?.at ?? null;
  return {
    ...summary(i),
    explanation: {
      keyTerms: [...i.keyTerms],
      place: { area: i.area ?? null },
      span: { from: i.firstSeenAt.toISOString(), to: i.lastSeenAt.toISOString(), days: Math.round((i.lastSeenAt.getTime() - i.firstSeenAt.getTime()) / 86_400_000) },
      scores: i.scores.map((s) => ({ a: s.a, b: s.b, score: s.score })),
      rule: (({ windowDays, similarity, flagCount, radiusMeters }) => ({ windowDays, similarity, flagCount, radiusMeters }))((await rulesFor(profile))(i.category)),
    },
    caseList: cases.map((c) => ({ reference: c.reference, status: c.status, title: c.title ?? null, createdAt: c.createdAt.toISOString() })),
    perWeek: weeklyCounts(cases.map((c) => c.createdAt), actionAt),
    linkedCases: i.linkedCaseIds?.length ? (await caseStatusesOf(i.linkedCaseIds ?? [])).map((c) => ({ reference: c.reference, status: c.status })) : [],
    review: {
      plan: i.plan ?? null,
      actionAt: actionAt ? actionAt.toISOString() : null,
      monitoringSince: i.monitoringSince ? i.monitoringSince.toISOString() : null,
      history: i.history.map((h) => ({ at: h.at.toISOString(), event: h.event, from: h.from ?? null, to: h.to ?? null, by: h.by?.name ?? null, note: h.note ?? null })),
    },
    actions: p.role === 'admin' || i.status === 'forming' ? [] : reviewActions(i.status as IssueStatus, p.role as ReviewActor),
  };
}

export interface ReviewCommand {
  action: IssueAction;
  plan?: Record<string, string>;
  reason?: string;
  note?: string;
}

/** One step of the review, conditional on the status read (two reviewers cannot both move it). */
export async function reviewIssue(p: Principal, profile: string, id: string, body: ReviewCommand, now: Date): Promise<void> {
  const issue = await load(p, profile, id);
  if (issue.status === 'forming') throw new ConflictError('INVALID_TRANSITION', 'This group has not been flagged as a recurring issue yet.');
  const { to } = decideReview({
    status: issue.status as IssueStatus,
    action: body.action,
    actor: p.role as ReviewActor,
    input: { plan: body.plan, reason: body.reason, note: body.note },
    lastSeenAt: issue.lastSeenAt,
    monitoringSince: issue.monitoringSince ?? null,
    now,
  });
  if (body.action === 'plan_action' && !(await findAgency(profile, body.plan?.ownerAgency ?? ''))) {
    throw new ValidationError([{ field: 'plan.ownerAgency', code: 'UNKNOWN_CODE', message: 'This agency does not exist.' }]);
  }
  const set: Record<string, unknown> = { status: to, updatedAt: now };
  if (body.action === 'plan_action') set.plan = body.plan;
  if (body.action === 'start_monitoring') set.monitoringSince = now;
  const entry = { at: now, event: 'status_changed', from: issue.status, to, by: { userId: p.userId, name: p.name, role: p.role }, note: body.note || body.reason || undefined, data: { action: body.action } };
  const result = await RecurringIssueModel.updateOne({ _id: issue._id, status: issue.status }, { $set: set, $push: { history: entry } }, { timestamps: false });
  if (result.modifiedCount !== 1) throw new ConflictError('ISSUE_CHANGED', 'The issue was changed by someone else. Reload it and try again.');
}

/** Links open cases of the issue's agency that the fix should close (replaces the list). */
export async function linkCases(p: Principal, profile: string, id: string, references: string[], now: Date): Promise<string[]> {
  const issue = await load(p, profile, id);
  if (p.role !== 'supervisor' && p.role !== 'manager') throw new ForbiddenError('ACTION_NOT_ALLOWED', 'Supervisors and managers link cases to an issue.');
  const refs = [...new Set(references.map((r) => normaliseReference(r)).filter((r): r is string => !!r))];
  const cases = await casesByReference(refs);
  const problems = refs
    .filter((r) => !cases.some((c) => c.reference === r && c.agency === issue.agency && OPEN_STATUSES.includes(c.status)))
    .map((r) => ({ field: 'cases', code: 'NOT_LINKABLE', message: `${r} is not an open case of this issue's agency.` }));
  if (problems.length) throw new ValidationError(problems);
  await RecurringIssueModel.updateOne(
    { _id: issue._id },
    { $set: { linkedCaseIds: cases.map((c) => c._id), updatedAt: now }, $push: { history: { at: now, event: 'cases_linked', by: { userId: p.userId, name: p.name, role: p.role }, data: { cases: refs } } } },
    { timestamps: false },
  );
  return refs;
}

/**
 * Resolves the linked open cases with one public note written for every citizen affected (each
 * case's filer is told through the usual case-update email, each follower through the follower
 * notice with the note, in their language). A case someone changed meanwhile is reported, not forced.
 * `onRouted` is the caseRouted hook the cases module's transitions take (resolving never routes).
 */
export async function resolveLinkedCases(p: Principal, profile: string, id: string, note: string, now: Date, publicUrl: string, onRouted: Hooks['caseRouted']): Promise<{ resolved: string[]; skipped: { reference: string; code: string }[] }> {
  const issue = await load(p, profile, id);
  if (p.role !== 'supervisor' || p.agency !== issue.agency) throw new ForbiddenError('ACTION_NOT_ALLOWED', "Only a supervisor of the issue's agency resolves its cases.");
  if (note.trim().length < 2) throw new ValidationError([{ field: 'note', code: 'any.required', message: 'Write the public note the citizens will read.' }]);
  const cases = await caseStatusesOf(issue.linkedCaseIds ?? []);
  const resolved: string[] = [];
  const skipped: { reference: string; code: string }[] = [];
  for (const c of cases) {
    try {
      const { notice } = await transitionCase(p, c.reference, { action: 'resolve', note }, now, profile, onRouted);
      // The filer, and the citizens who follow the case: this note is written for all of them.
      if (notice) await sendCitizenNotice(notice, publicUrl, now, { messageForEveryone: true });
      resolved.push(c.reference);
    } catch (err) {
      if (!(err instanceof AppError) || STATUS_BY_KIND[err.kind] >= 500) throw err;
      skipped.push({ reference: c.reference, code: err.code });
    }
  }
  await RecurringIssueModel.updateOne(
    { _id: issue._id },
    { $set: { updatedAt: now }, $push: { history: { at: now, event: 'linked_cases_resolved', by: { userId: p.userId, name: p.name, role: p.role }, note, data: { resolved, skipped } } } },
    { timestamps: false },
  );
  return { resolved, skipped };
}

const byOf = (p: Principal) => ({ userId: p.userId, name: p.name, role: p.role });

/** Moves every case of `fromId` into `id`; the emptied issue is dismissed as a duplicate. */
export async function mergeIssues(p: Principal, profile: string, id: string, fromId: string, now: Date): Promise<void> {
  if (id === fromId) throw new ValidationError([{ field: 'from', code: 'SAME_ISSUE', message: 'An issue cannot be merged into itself.' }]);
  const [target, source] = [await load(p, profile, id), await load(p, profile, fromId)];
  if (target.category !== source.category || target.agency !== source.agency) {
    throw new ValidationError([{ field: 'from', code: 'NOT_MERGEABLE', message: 'Only issues of the same subject and entity can be merged.' }]);
  }
  if (source.status === 'dismissed' || target.status === 'dismissed') throw new ConflictError('INVALID_TRANSITION', 'A dismissed issue cannot be merged.');
  await RecurrenceItemModel.updateMany({ groupId: source._id }, { $set: { groupId: target._id } });
  await recomputeIssue(target._id, [...target.caseIds, ...source.caseIds], now);
  await RecurringIssueModel.updateOne({ _id: target._id }, { $set: { manualEdits: true }, $push: { history: { at: now, event: 'merged', by: byOf(p), data: { from: fromId, cases: source.references } } } }, { timestamps: false });
  await RecurringIssueModel.updateOne(
    { _id: source._id },
    { $set: { status: 'dismissed', manualEdits: true, caseIds: [], references: [], caseCount: 0, updatedAt: now }, $push: { history: { at: now, event: 'status_changed', from: source.status, to: 'dismissed', by: byOf(p), note: 'duplicate_issue', data: { mergedInto: id } } } },
    { timestamps: false },
  );
}

/** Moves the named cases out of `id` into a new issue of the same subject and place. */
export async function splitIssue(p: Principal, profile: string, id: string, references: string[], now: Date): Promise<string> {
  const issue = await load(p, profile, id);
  const refs = [...new Set(references.map((r) => normaliseReference(r)).filter((r): r is string => !!r))];
  const moving = issue.references.flatMap((r, k) => (refs.includes(r) ? [{ _id: issue.caseIds[k]!, reference: r }] : []));
  if (moving.length !== refs.length || refs.length === 0) throw new ValidationError([{ field: 'cases', code: 'NOT_IN_ISSUE', message: 'Name cases of this issue to split out.' }]);
  if (moving.length >= issue.caseCount) throw new ValidationError([{ field: 'cases', code: 'WOULD_EMPTY', message: 'Leave at least one case in the issue.' }]);
  const created = await RecurringIssueModel.create({
    profile,
    status: moving.length >= (await rulesFor(profile))(issue.category).flagCount ? 'flagged' : 'forming',
    category: issue.category,
    area: issue.area,
    agency: issue.agency,
    caseCount: 0,
    citizenCount: 0,
    firstSeenAt: now,
    lastSeenAt: now,
    manualEdits: true,
    history: [{ at: now, event: 'split', by: byOf(p), data: { from: id, cases: refs } }],
  });
  await RecurrenceItemModel.updateMany({ _id: oneOf(moving.map((m) => m._id)) }, { $set: { groupId: created._id } });
  const stay = issue.caseIds.filter((x) => !moving.some((m) => m._id.equals(x)));
  await Promise.all([recomputeIssue(created._id, moving.map((m) => m._id), now), recomputeIssue(issue._id, stay, now)]);
  await RecurringIssueModel.updateOne({ _id: issue._id }, { $set: { manualEdits: true }, $push: { history: { at: now, event: 'split', by: byOf(p), data: { into: created._id.toHexString(), cases: refs } } } }, { timestamps: false });
  return created._id.toHexString();
}
