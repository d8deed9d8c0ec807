/**
 * Retention of the outbox: a message that is done with (sent, failed, cancelled) keeps its address
 * only OUTBOX_KEEP_DAYS (long enough to answer "did the email go out?"), then loses it. The message
 * itself stays, with its key, so that enqueueing the same event again still finds it and sends
 * nothing twice; its template variables were removed when it was sent (relay.ts).
 */
import { lt, ne, oneOf } from '../shared/db/operators.js';
import { OutboxMessageModel, type OutboxStatus } from './outbox.model.js';

const SETTLED: readonly OutboxStatus[] = ['sent', 'failed', 'cancelled'];
/** What a removed address reads as. */
export const REMOVED_ADDRESS = '';

/**
 * Removes the address and the template's variables of every settled message last due before
 * `before`; returns how many. Index-backed (status, nextAttemptAt); a second run changes nothing.
 */
export async function forgetSettledMessages(before: Date, now: Date): Promise<number> {
  const result = await OutboxMessageModel.updateMany(
    { status: oneOf(SETTLED), nextAttemptAt: lt(before), to: ne(REMOVED_ADDRESS) },
    { $set: { to: REMOVED_ADDRESS, updatedAt: now }, $unset: { data: 1 } },
    { timestamps: false },
  );
  return result.modifiedCount;
}
