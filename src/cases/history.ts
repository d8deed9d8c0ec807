/**
 * The one writer of a case's history (STYLE.md, habit 7). History is append-only: every change to a
 * case adds its entries in the same update that makes the change, through withHistory, so that no
 * change is stored without its entry and no entry without its change. Only the filing itself writes
 * the first entries, as part of the new document (intake.service.ts).
 */
import type { HistoryEntry } from './case.model.js';

type CaseUpdate = { $push?: Record<string, unknown> } & Record<string, unknown>;

/** `update` with `entries` appended to the case's history (nothing added when there are none). */
export function withHistory<U extends CaseUpdate>(update: U, entries: HistoryEntry | readonly HistoryEntry[]): U {
  const list = Array.isArray(entries) ? [...(entries as readonly HistoryEntry[])] : [entries as HistoryEntry];
  if (list.length === 0) return update;
  return { ...update, $push: { ...(update.$push ?? {}), history: { $each: list } } };
}
