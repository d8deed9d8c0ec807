/**
 * Retention of the imported history (PDPL): the resolved cases an agency imported to train the
 * classifier (history-import.ts) are free text written by citizens. They are kept as long as an ended
 * case keeps its personal data (RETENTION_YEARS, counted from when they were resolved, or filed when
 * the line gave no resolution date) and then deleted: they feed no report, only training, and the
 * next training (scheduled or by an admin) learns from what is left. A model already trained keeps
 * word weights, never a case's text.
 */
import { lt } from '../shared/db/operators.js';
import { HistoryCaseModel } from './classifier.model.js';

/** Deletes the profile's imported history that ended before `cutoff`; returns how many went. Index-backed: (profile, resolvedAt) and (profile, createdAt). */
export async function forgetExpiredHistory(profile: string, cutoff: Date): Promise<number> {
  const resolved = await HistoryCaseModel.deleteMany({ profile, resolvedAt: lt(cutoff) });
  const unresolved = await HistoryCaseModel.deleteMany({ profile, resolvedAt: null, createdAt: lt(cutoff) });
  return resolved.deletedCount + unresolved.deletedCount;
}
