/**
 * Cases wait here for recurring-issue detection (./detection.service.ts). A case is queued when it
 * gets a category: at filing, or when staff route it out of triage (then it counts as arriving at
 * that moment). The entry carries what detection needs, so detection never reads the case itself.
 */
import type { Types } from 'mongoose';
import { casesRoutedSince, routedCasesByIds } from '../cases/index.js';
import { textOf } from '../classification/index.js';
import { isDuplicateKeyError } from '../shared/db/connect.js';
import { oneOf } from '../shared/db/operators.js';
import type { RoutedCase } from '../shared/hooks.js';
import { locationOf } from './grouping.js';
import { RecurrenceLogModel, RecurrenceQueueModel } from './recurring.model.js';

/** What the queue takes of a case: the caseRouted hook's case (shared/hooks.ts). */
export type CaseToDetect = RoutedCase;

/** Who filed a case, as detection counts citizens: the account id, or the email of a guest. */
export function citizenKeyOf(c: { citizenId?: Types.ObjectId | null; contactEmail?: string | null }): string {
  return c.citizenId ? c.citizenId.toHexString() : (c.contactEmail ?? '');
}

/**
 * Queues a case for detection once; a case without a category is not queued. Called after the case
 * is stored, so it never fails the request that stored it: a database error here is reported as a process
 * warning (the case id only), and requeueMissed queues the case again on its next run. True when
 * this call queued it.
 */
export async function queueForRecurrence(c: CaseToDetect, at: Date): Promise<boolean> {
  if (!c.category) return false;
  const location = locationOf(c);
  try {
    await RecurrenceQueueModel.collection.insertOne({
      _id: c._id,
      profile: c.profile,
      reference: c.reference,
      category: c.category,
      ...(c.area ? { area: c.area } : {}),
      ...(location ? { location } : {}),
      ...(c.agency ? { agency: c.agency } : {}),
      createdAt: at,
      citizen: citizenKeyOf(c),
      text: textOf({ title: c.title, description: c.description }),
    });
    return true;
  } catch (err) {
    // A duplicate: already queued. Anything else is reported on the process's warnings (no logger here).
    if (!isDuplicateKeyError(err)) process.emitWarning(`could not queue case ${c._id.toHexString()} for recurring-issue detection: ${(err as Error).message}`, 'TawasulWarning');
    return false;
  }
}

const DAY_MS = 86_400_000;
const REQUEUE_BATCH = 500;

/**
 * Queues again the cases routed in the last `days` (filed with a category, or routed out of triage
 * by staff, however long after filing) that detection has neither queued nor seen: those whose
 * queueing failed (see queueForRecurrence) or that were stored by an instance that stopped before
 * queueing them. Run on a schedule by one instance. Such a case
 * counts as arriving now, when it reaches detection (within the hour of its filing when the hourly
 * run catches it): detection then still takes cases in arrival order, which the rebuild relies on to
 * agree with it. Returns how many cases were queued.
 */
export async function requeueMissed(profile: string, now: Date, days: number): Promise<number> {
  const since = new Date(now.getTime() - days * DAY_MS);
  // By when the case was routed (the routing.routedAt index), not when it was filed: a case routed
  // out of triage a week after filing gets its category, and reaches the queue, only then.
  const ids = await casesRoutedSince(profile, since);
  let queued = 0;
  for (let i = 0; i < ids.length; i += REQUEUE_BATCH) {
    const batch = ids.slice(i, i + REQUEUE_BATCH);
    // The queue first, then the log: detection writes a case's log entry before it takes the case off
    // the queue, so a case detected meanwhile is found in one or the other, never in neither.
    const waiting = await RecurrenceQueueModel.find({ _id: oneOf(batch) }).select({ _id: 1 }).lean();
    const seen = await RecurrenceLogModel.find({ _id: oneOf(batch) }).select({ _id: 1 }).lean();
    const known = new Set([...seen, ...waiting].map((d) => d._id.toHexString()));
    const missing = batch.filter((id) => !known.has(id.toHexString()));
    if (missing.length === 0) continue;
    const cases = await routedCasesByIds(missing);
    for (const c of cases) if (await queueForRecurrence(c, now)) queued++;
  }
  return queued;
}
