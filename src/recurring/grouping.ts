/**
 * The grouping rules of recurring issues (pure). Two cases are the same problem when they have the
 * same category, the same place (both located within `radiusMeters` of each other, or else the same
 * area), were filed within `windowDays` of each other, and their texts are alike (cosine of
 * similarity.ts vectors ≥ `similarity`). A new case joins the group of its best match (single link);
 * matching only cases that are in no group yet starts a new group with them. A group becomes a
 * recurring issue once it holds `flagCount` cases within the window.
 *
 * `assign` is the one step both paths use: the incremental detection (one new case against an
 * indexed, capped candidate set) and the rebuild (every case in filing order), so they agree.
 */
import { cosine, sharedWords, type TextVector } from './similarity.js';

export interface RecurrenceRules {
  windowDays: number;
  similarity: number;
  flagCount: number;
  radiusMeters: number;
  /** At most this many earlier cases are compared with a new one (the most recent first). */
  candidateCap: number;
}

export const DEFAULT_RULES: Readonly<RecurrenceRules> = Object.freeze({ windowDays: 30, similarity: 0.3, flagCount: 3, radiusMeters: 300, candidateCap: 200 });

/** The rules of a category (administrators may set a category's own; ./rules.service.ts). */
export type RulesFor = (category: string) => RecurrenceRules;

const asRulesFor = (rules: RecurrenceRules | RulesFor): RulesFor => (typeof rules === 'function' ? rules : () => rules);

export interface CaseForRecurrence {
  id: string;
  category: string;
  area: string | null;
  location?: { lat: number; lng: number } | null;
  createdAt: Date;
  /** Who filed it (an account id or a normalised email), to count distinct citizens. */
  citizen: string;
  vector: TextVector;
  /** The group it already belongs to, for candidates. */
  groupId?: string | null;
}

/** A stored location when it has both coordinates, else null. */
export function locationOf(x: { location?: { lat?: number | null; lng?: number | null } | null }): { lat: number; lng: number } | null {
  return typeof x.location?.lat === 'number' && typeof x.location.lng === 'number' ? { lat: x.location.lat, lng: x.location.lng } : null;
}

export interface Match {
  caseId: string;
  score: number;
  sharedWords: string[];
}

const DAY_MS = 86_400_000;

/** Great-circle distance in metres. */
export function distanceMeters(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (d: number): number => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function samePlace(a: CaseForRecurrence, b: CaseForRecurrence, rules: RecurrenceRules): boolean {
  if (a.location && b.location) return distanceMeters(a.location, b.location) <= rules.radiusMeters;
  return a.area !== null && a.area === b.area;
}

/** The match between two cases, or null when a rule keeps them apart. */
export function matchCases(a: CaseForRecurrence, b: CaseForRecurrence, rules: RecurrenceRules): Match | null {
  if (a.id === b.id || a.category !== b.category || !samePlace(a, b, rules)) return null;
  if (Math.abs(a.createdAt.getTime() - b.createdAt.getTime()) > rules.windowDays * DAY_MS) return null;
  const score = cosine(a.vector, b.vector);
  return score >= rules.similarity ? { caseId: b.id, score, sharedWords: sharedWords(a.vector, b.vector) } : null;
}

export type Assignment =
  | { kind: 'none' }
  | { kind: 'join'; groupId: string; matches: Match[] }
  | { kind: 'new_group'; members: string[]; matches: Match[] };

/**
 * Where a new case goes, given earlier candidates (same category and place, within the window; the
 * caller's indexed query). Joins the group of its best match; otherwise groups the matched loose cases.
 */
export function assign(c: CaseForRecurrence, candidates: readonly CaseForRecurrence[], rules: RecurrenceRules): Assignment {
  const considered = [...candidates]
    .filter((x) => x.createdAt <= c.createdAt)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
    .slice(0, rules.candidateCap);
  const matches: (Match & { groupId: string | null })[] = [];
  for (const x of considered) {
    const m = matchCases(c, x, rules);
    if (m) matches.push({ ...m, groupId: x.groupId ?? null });
  }
  if (matches.length === 0) return { kind: 'none' };
  matches.sort((a, b) => b.score - a.score || (a.caseId < b.caseId ? -1 : 1));
  const grouped = matches.find((m) => m.groupId);
  const clean = matches.map(({ caseId, score, sharedWords: words }) => ({ caseId, score, sharedWords: words }));
  if (grouped) return { kind: 'join', groupId: grouped.groupId!, matches: clean };
  return { kind: 'new_group', members: matches.map((m) => m.caseId), matches: clean };
}

export interface Group {
  id: string;
  members: CaseForRecurrence[];
}

/**
 * The candidates the incremental path's query returns for `c` (src/recurring/detection.service.ts):
 * earlier cases of the same category filed within the window; of the same area too when `c` has an
 * area and no location; none when `c` has neither. `sorted` holds earlier cases in filing order.
 */
export function candidatesFrom(c: CaseForRecurrence, byCategory: Map<string, CaseForRecurrence[]>, byArea: Map<string, CaseForRecurrence[]>, rules: RecurrenceRules): CaseForRecurrence[] {
  if (!c.area && !c.location) return [];
  const list = c.area && !c.location ? byArea.get(`${c.category}|${c.area}`) : byCategory.get(c.category);
  if (!list || list.length === 0) return [];
  const from = c.createdAt.getTime() - rules.windowDays * DAY_MS;
  // Binary search for the first case inside the window; the list is in filing order.
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.createdAt.getTime() < from) lo = mid + 1;
    else hi = mid;
  }
  // assign() keeps the most recent `candidateCap`; twice that many covers ties at the edge.
  return list.slice(Math.max(lo, list.length - 2 * rules.candidateCap));
}

/**
 * Groups every case from scratch, in filing order, with the same step and the same candidates as the
 * incremental path. Indexed by category and by category and area, so 200,000 cases take seconds.
 */
export function rebuildGroups(cases: readonly CaseForRecurrence[], rulesOf: RecurrenceRules | RulesFor, newId: (first: CaseForRecurrence) => string): Group[] {
  const rulesFor = asRulesFor(rulesOf);
  const ordered = [...cases].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
  const groupOf = new Map<string, string>();
  const groups = new Map<string, Group>();
  const byId = new Map<string, CaseForRecurrence>();
  const byCategory = new Map<string, CaseForRecurrence[]>();
  const byArea = new Map<string, CaseForRecurrence[]>();
  for (const c of ordered) {
    const rules = rulesFor(c.category);
    const candidates = candidatesFrom(c, byCategory, byArea, rules).map((x) => ({ ...x, groupId: groupOf.get(x.id) ?? null }));
    const a = assign(c, candidates, rules);
    if (a.kind === 'join') {
      groups.get(a.groupId)!.members.push(c);
      groupOf.set(c.id, a.groupId);
    } else if (a.kind === 'new_group') {
      const members = a.members.map((id) => byId.get(id)!).concat(c);
      const id = newId(members.reduce((first, x) => (x.createdAt < first.createdAt ? x : first)));
      groups.set(id, { id, members });
      for (const m of members) groupOf.set(m.id, id);
    }
    byId.set(c.id, c);
    if (!byCategory.has(c.category)) byCategory.set(c.category, []);
    byCategory.get(c.category)!.push(c);
    if (c.area) {
      const key = `${c.category}|${c.area}`;
      if (!byArea.has(key)) byArea.set(key, []);
      byArea.get(key)!.push(c);
    }
  }
  return [...groups.values()];
}

/** Whether a group is a recurring issue: `flagCount` cases within any window of `windowDays`. */
export function reachesFlag(members: readonly { createdAt: Date }[], rules: RecurrenceRules): boolean {
  const times = members.map((m) => m.createdAt.getTime()).sort((a, b) => a - b);
  for (let i = 0; i + rules.flagCount - 1 < times.length; i++) {
    if (times[i + rules.flagCount - 1]! - times[i]! <= rules.windowDays * DAY_MS) return true;
  }
  return false;
}
