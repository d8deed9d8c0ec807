/**
 * Case lists for the workspace and for a citizen's "my cases": always within listScope() of the
 * principal, with filters, a stable sort ending in _id, and cursor pagination (no skip: a page
 * stays correct while new cases arrive).
 */
import { Types } from 'mongoose';
import { getDirectory } from '../directory/index.js';
import { phoneSpellings } from '../shared/phone.js';
import type { Principal } from '../shared/principal.js';
import { lt, oneOf } from '../shared/db/operators.js';
import { afterCursor, cutPage, type Page, type PageQuery } from '../shared/pagination.js';
import { listScope } from './access.js';
import { CASE_STATUSES, CaseModel, OPEN_STATUSES, type CaseDoc, type CaseStatus } from './case.model.js';
import { clockView, type ClockView } from '../sla/index.js';
import { normaliseReference } from './reference.js';

export const SORTS = ['-createdAt', 'createdAt', '-updatedAt', 'dueAt'] as const;
export type Sort = (typeof SORTS)[number];

export interface ListQuery extends PageQuery {
  status?: CaseStatus[];
  category?: string;
  area?: string;
  agency?: string;
  overdue?: boolean;
  assignedToMe?: boolean;
  /** Free text: matched in the reference, title and description, case-insensitively. */
  q?: string;
  /** The caller's phone, for the contact centre. */
  phone?: string;
  /** The agent confirmed the caller's identity: their phone or reference lookup then spans every case. */
  identityConfirmed?: boolean;
  sort: Sort;
}

export interface CaseSummary {
  reference: string;
  type: string;
  status: string;
  title: string | null;
  category: string | null;
  area: string | null;
  agency: string | null;
  assignee: string | null;
  channel: string;
  dueAt: string | null;
  /** The SLA clock (state, working time left); null in triage and once answered or closed. */
  clock: ClockView | null;
  priority: string;
  createdAt: string;
  updatedAt: string;
}

const isReference = (q: string | undefined): boolean => !!q && normaliseReference(q) !== undefined;

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function sortSpec(sort: Sort): { field: 'createdAt' | 'updatedAt' | 'dueAt'; dir: 1 | -1 } {
  return { field: sort.replace('-', '') as 'createdAt' | 'updatedAt' | 'dueAt', dir: sort.startsWith('-') ? -1 : 1 };
}

/** `profile`: the deployment's, whose country reads a phone typed without its country code. */
export async function listCases(p: Principal, query: ListQuery, now: Date, profile: string): Promise<Page<CaseSummary>> {
  // The contact centre looks up a caller's cases across every agency, by phone or reference, once the
  // caller's identity is confirmed; otherwise an agent's list is the triage queue and what they filed.
  const callerLookup = p.role === 'agent' && query.identityConfirmed === true && (!!query.phone || isReference(query.q));
  const and: Record<string, unknown>[] = [callerLookup ? {} : listScope(p)];
  if (query.status?.length) and.push({ status: oneOf(query.status) });
  if (query.category) and.push({ category: query.category });
  if (query.area) and.push({ area: query.area });
  if (query.agency) and.push({ agency: query.agency });
  if (query.assignedToMe) and.push({ 'assignee.userId': new Types.ObjectId(p.userId) });
  if (query.overdue) and.push({ dueAt: lt(now), status: oneOf(OPEN_STATUSES) });
  if (query.phone) and.push({ 'contact.phone': oneOf(phoneSpellings(query.phone, (await getDirectory(profile))?.profile.country ?? '')) });
  if (callerLookup && isReference(query.q)) {
    and.push({ reference: normaliseReference(query.q) });
  } else if (query.q) {
    const pattern = new RegExp(escapeRegex(query.q.trim()), 'i');
    and.push({ $or: [{ reference: pattern }, { title: pattern }, { description: pattern }] });
  }

  const { field, dir } = sortSpec(query.sort);
  if (query.cursor) and.push(afterCursor(field, dir, query.cursor));

  const rows = await CaseModel.find({ $and: and })
    .sort({ [field]: dir, _id: dir })
    .limit(query.limit + 1)
    .select({ reference: 1, type: 1, status: 1, title: 1, category: 1, area: 1, agency: 1, assignee: 1, channel: 1, dueAt: 1, firstResponseDueAt: 1, firstResponseAt: 1, sla: 1, priority: 1, createdAt: 1, updatedAt: 1 })
    .lean<CaseDoc[]>();
  const { rows: page, nextCursor } = cutPage(rows, query.limit, (c) => c[field]);
  const clocks = await Promise.all(page.map((c) => clockView(c, now)));
  return {
    items: page.map((c, i) => ({
      reference: c.reference,
      type: c.type,
      status: c.status,
      title: c.title ?? null,
      category: c.category ?? null,
      area: c.area ?? null,
      agency: c.agency ?? null,
      assignee: c.assignee?.name ?? null,
      channel: c.channel,
      dueAt: c.dueAt ? c.dueAt.toISOString() : null,
      clock: clocks[i] ?? null,
      priority: c.priority ?? 'normal',
      createdAt: (c.createdAt).toISOString(),
      updatedAt: (c.updatedAt).toISOString(),
    })),
    nextCursor,
  };
}

/** Cases per status within the principal's scope, for the queue's counters. */
export async function countByStatus(p: Principal): Promise<Record<string, number>> {
  const scope = listScope(p);
  if (Object.keys(scope).length === 0) {
    // Everything (managers, admins): one index count per status rather than a pass over every case.
    const counts = await Promise.all(CASE_STATUSES.map(async (status) => [status, await CaseModel.countDocuments({ status })] as const));
    return Object.fromEntries(counts.filter(([, n]) => n > 0));
  }
  const rows = await CaseModel.aggregate<{ _id: string; n: number }>([{ $match: scope }, { $group: { _id: '$status', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]);
  return Object.fromEntries(rows.map((r) => [r._id, r.n]));
}
