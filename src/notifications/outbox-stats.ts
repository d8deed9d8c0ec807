/**
 * What operators watch of the outbox (metrics/ reads these on a scrape): how many messages wait or
 * failed, and when the oldest waiting one was written. Each is one bounded query on the relay's index
 * (status, nextAttemptAt, _id), cut off after `maxTimeMs`.
 */
import { OutboxMessageModel, type OutboxStatus } from './outbox.model.js';

/** Messages with this status. */
export async function countOutboxMessages(status: OutboxStatus, maxTimeMs: number): Promise<number> {
  return OutboxMessageModel.countDocuments({ status }).maxTimeMS(maxTimeMs).exec();
}

/**
 * When the oldest pending message was written, among the first `scan` in the relay's order (a message
 * is due when written, so it comes first unless retries pushed it back: past `scan` pending messages
 * this is a lower bound on the age). Undefined when none waits.
 */
export async function oldestPendingWrittenAt(scan: number, maxTimeMs: number): Promise<Date | undefined> {
  const pending = await OutboxMessageModel.find({ status: 'pending' })
    .sort({ nextAttemptAt: 1, _id: 1 })
    .limit(scan)
    .select({ _id: 1, createdAt: 1 })
    .maxTimeMS(maxTimeMs)
    .lean();
  return pending.reduce<Date | undefined>((min, m) => (m.createdAt && (!min || m.createdAt < min) ? m.createdAt : min), undefined);
}
