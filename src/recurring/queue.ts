/**
 * Cases wait here for recurring-issue detection (./detection.service.ts). A case is queued when it
 * gets a category: at filing, or when staff route it out of triage (then it counts as arriving at
 * that moment). The entry carries what detection needs, so detection never reads the case itself.
 */
import type { Types } from 'mongoose';
import { textOf } from '../classification/classifier.service.js';
import { isDuplicateKeyError } from '../shared/db/connect.js';
import { locationOf } from './grouping.js';
import { RecurrenceQueueModel } from './recurring.model.js';

export interface CaseToDetect {
  _id: Types.ObjectId;
  profile: string;
  reference: string;
  category?: string | null;
  area?: string | null;
  location?: { lat?: number | null; lng?: number | null } | null;
  agency?: string | null;
  citizenId?: Types.ObjectId | null;
  contactEmail: string;
  title?: string | null;
  description: string;
}

/**
 * Queues a case for detection once; a case without a category is not queued. Called after the case
 * is stored, so it never fails the request that stored it: a database error here is reported as a process
 * warning (the case id only) and that case is left out of detection.
 */
export async function queueForRecurrence(c: CaseToDetect, at: Date): Promise<void> {
  if (!c.category) return;
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
      citizen: c.citizenId ? c.citizenId.toHexString() : c.contactEmail,
      text: textOf({ title: c.title, description: c.description }),
    });
  } catch (err) {
    // A duplicate: already queued. Anything else is reported on the process's warnings (no logger here).
    if (!isDuplicateKeyError(err)) process.emitWarning(`could not queue case ${c._id.toHexString()} for recurring-issue detection: ${(err as Error).message}`, 'TawasulWarning');
  }
}
