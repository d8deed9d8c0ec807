/**
 * Forgetting a case's personal data in detection's stores, when the case is anonymised (retention
 * after RETENTION_YEARS, or its citizen closing their account: cases/retention.ts calls this through
 * the caseAnonymised hook, before it empties the case itself, so a run stopped half-way repeats it).
 *
 * What detection kept of the case that could identify someone: who filed it (an account id or an
 * email: `citizen`), where (`location`), and the words of its text (the queued `text`, the stored
 * `vector` of stems, the words a match shared). Removed:
 * - the queued entry (if detection has not seen the case yet, it never will);
 * - the window entry (later cases are no longer compared with it);
 * - in the log: the citizen becomes a random stand-in, the location and words go, `anonymisedAt` is set;
 * - in each recurring issue holding the case: the citizen among its `citizens` becomes the same
 *   stand-in, unless another of the issue's cases still carries it (then it still names that case's
 *   citizen). The issue's counts do not change, so its figures stay true.
 * The rebuild (detection.service.ts rebuildAndCompare) leaves anonymised cases and the groups holding
 * them out of its comparison, as it does for staff edits: they can no longer be regrouped from words.
 * Idempotent: a second call finds nothing left to change.
 */
import crypto from 'node:crypto';
import type { Types } from 'mongoose';
import type { AnonymisedCaseRef } from '../shared/hooks.js';
import { oneOf } from '../shared/db/operators.js';
import { citizenKeyOf } from './queue.js';
import { RecurrenceItemModel, RecurrenceLogModel, RecurrenceQueueModel, RecurringIssueModel } from './recurring.model.js';
import { packVector } from './similarity.js';


const EMPTY_VECTOR = packVector({ f: [], w: [] });

/** Replaces `key` by `standIn` among the citizens of the issues holding the case, where no other member carries it. */
async function replaceInIssues(caseId: Types.ObjectId, key: string, standIn: string): Promise<void> {
  const issues = await RecurringIssueModel.find({ caseIds: caseId, citizens: key }).select({ caseIds: 1, citizens: 1 }).lean();
  for (const issue of issues) {
    const others = issue.caseIds.filter((id) => !id.equals(caseId));
    const stillCarried = others.length > 0 && (await RecurrenceLogModel.exists({ _id: oneOf(others), citizen: key })) !== null;
    if (stillCarried) continue;
    // Two writes (the engine has no positional update): the key out, the stand-in in; counts are kept as stored.
    const out = await RecurringIssueModel.updateOne({ _id: issue._id, citizens: key }, { $pull: { citizens: key } }, { timestamps: false });
    if (out.modifiedCount === 1) await RecurringIssueModel.updateOne({ _id: issue._id }, { $push: { citizens: standIn } }, { timestamps: false });
  }
}

/** Removes what detection holds of the case that could identify its citizen (see the file's comment). */
export async function forgetAnonymisedCase(c: AnonymisedCaseRef, now: Date): Promise<void> {
  const key = c.citizenId || c.contactEmail ? citizenKeyOf(c) : null;
  const standIn = `anonymised:${crypto.randomBytes(9).toString('base64url')}`;
  await RecurrenceQueueModel.deleteOne({ _id: c._id });
  await RecurrenceItemModel.deleteOne({ _id: c._id });
  await RecurrenceLogModel.updateOne(
    { _id: c._id, anonymisedAt: null },
    { $set: { citizen: standIn, vector: EMPTY_VECTOR, anonymisedAt: now }, $unset: { location: 1, 'match.sharedWords': 1 } },
  );
  if (key) await replaceInIssues(c._id, key, standIn);
}
