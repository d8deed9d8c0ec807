/**
 * The rules an administrator's edit of the directory must keep (pure): each edit is checked whole,
 * against the entry as it would be after the edit and the rest of the directory, and every problem
 * is reported at once.
 * - Codes are permanent (an edit changes names and links, never the code) and unique per kind;
 *   `MUNICIPALITY` is the owner value that means "the area's municipality", never an agency's code.
 * - An area belongs to exactly one municipality, which is not retired.
 * - A category's owner is `MUNICIPALITY` or an agency that exists and is not retired; its group is
 *   one of the profile's groups; its window, when it has both ends, opens before it closes.
 * - An agency that still owns categories, or a municipality that still holds areas, is not retired
 *   (move them first), so no new case can reach a retired agency.
 */
import type { ErrorDetail } from '../shared/errors.js';
import { MUNICIPALITY_OWNER } from './directory.model.js';

export interface AgencyState {
  code: string;
  kind: 'municipality' | 'national';
  active: boolean;
}

export interface CategoryState {
  code: string;
  owner: string;
  group: string;
  active: boolean;
  validFrom?: Date | null;
  validUntil?: Date | null;
}

export interface AreaState {
  code: string;
  municipality: string;
  active: boolean;
}

/** What the rules read of the rest of the directory. */
export interface DirectoryFacts {
  agencies: AgencyState[];
  areas: AreaState[];
  categories: CategoryState[];
  groups: string[];
}

export type Problem = Omit<ErrorDetail, 'message'> & { params?: Record<string, string> };

/** An area as it would be: its municipality exists, is a municipality, and is not retired. */
export function areaProblems(area: AreaState, facts: DirectoryFacts): Problem[] {
  const m = facts.agencies.find((a) => a.code === area.municipality);
  if (!m || m.kind !== 'municipality') return [{ field: 'municipality', code: 'UNKNOWN_MUNICIPALITY', params: { code: area.municipality } }];
  if (!m.active && area.active) return [{ field: 'municipality', code: 'MUNICIPALITY_RETIRED', params: { code: area.municipality } }];
  return [];
}

/** A category as it would be: its owner, its group, its window. */
export function categoryProblems(c: CategoryState, facts: DirectoryFacts): Problem[] {
  const problems: Problem[] = [];
  if (c.owner !== MUNICIPALITY_OWNER) {
    const owner = facts.agencies.find((a) => a.code === c.owner);
    if (!owner) problems.push({ field: 'owner', code: 'UNKNOWN_OWNER', params: { code: c.owner } });
    else if (!owner.active && c.active) problems.push({ field: 'owner', code: 'OWNER_RETIRED', params: { code: c.owner } });
  }
  if (!facts.groups.includes(c.group)) problems.push({ field: 'group', code: 'UNKNOWN_GROUP', params: { code: c.group } });
  if (c.validFrom && c.validUntil && c.validFrom.getTime() >= c.validUntil.getTime()) problems.push({ field: 'validUntil', code: 'WINDOW_INVALID' });
  return problems;
}

/** An agency (or municipality) as it would be: retired only once nothing offered depends on it. */
export function agencyProblems(agency: AgencyState, facts: DirectoryFacts): Problem[] {
  if (agency.active) return [];
  const problems: Problem[] = [];
  const owned = facts.categories.filter((c) => c.active && c.owner === agency.code).map((c) => c.code).sort();
  if (owned.length) problems.push({ field: 'retired', code: 'AGENCY_OWNS_CATEGORIES', params: { codes: owned.join(', ') } });
  const held = facts.areas.filter((a) => a.active && a.municipality === agency.code).map((a) => a.code).sort();
  if (held.length) problems.push({ field: 'retired', code: 'MUNICIPALITY_HAS_AREAS', params: { codes: held.join(', ') } });
  return problems;
}

/** A new code for a kind: not taken (by a retired entry either: codes are never reused), and not the reserved owner value. */
export function codeTaken(code: string, existing: readonly { code: string }[]): boolean {
  return code === MUNICIPALITY_OWNER || existing.some((e) => e.code === code);
}

/** Each changed field with its value before and after (dates as ISO text), for the change history. */
export function fieldChanges(before: Record<string, unknown> | null, after: Record<string, unknown>): { field: string; from: unknown; to: unknown }[] {
  const plain = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : (v ?? null));
  return Object.keys(after)
    .filter((field) => plain(before?.[field]) !== plain(after[field]))
    .map((field) => ({ field, from: before ? plain(before[field]) : null, to: plain(after[field]) }));
}
