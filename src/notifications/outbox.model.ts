/**
 * The email outbox. A message is written in the same request that decides to send it and is
 * delivered later by the relay (relay.ts), so nothing is lost when SMTP is down or the process
 * stops. `key` makes enqueueing idempotent: one message per (event, subject), e.g. `case-receipt:<caseId>`.
 *
 *   pending ──claim──▶ sending ──▶ sent
 *      ▲                  │  └────▶ failed     (after MAX_ATTEMPTS)
 *      └──retry/lease─────┘  └────▶ cancelled  (its subject never came to exist)
 */
import { Schema, model, type InferSchemaType } from 'mongoose';
import { toJSONPlugin } from '../shared/mongoose-plugins.js';

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

const subjectSchema = new Schema(
  {
    kind: { type: String, required: true },
    id: { type: String, required: true },
  },
  { _id: false, id: false },
);

const outboxMessageSchema = new Schema(
  {
    key: { type: String, required: true },
    to: { type: String, required: true },
    language: { type: String, required: true, enum: ['ar', 'en'] },
    template: { type: String, required: true },
    /** The template's variables, validated when enqueued; removed once sent (they can hold a tracking token). */
    data: { type: Schema.Types.Mixed },
    /** What the message is about; the relay asks whether it still exists before sending. */
    subject: { type: subjectSchema, required: false },
    status: { type: String, required: true, enum: OUTBOX_STATUSES, default: 'pending' },
    attempts: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    /**
     * While `sending`: when another relay may take the message back (the sender crashed). The claim
     * (shared/claims.ts, taken in relay.ts) decides who sends; this copy of its end stays on the
     * message because the relay reads it: to find messages stuck in `sending` with one query on the
     * outbox, and as the token that lets only the current holder settle the message.
     */
    leaseUntil: { type: Date },
    /** An error code only (e.g. `ECONNECTION`, `EENVELOPE 550`): server replies can quote addresses. */
    lastError: { type: String },
    sentAt: { type: Date },
    messageId: { type: String },
  },
  // createdAt and updatedAt are written from the injected clock by the service and the relay.
  { timestamps: true, collection: 'outbox_messages' },
);
outboxMessageSchema.index({ key: 1 }, { unique: true });
// The relay's queries: due pending messages in order, and expired 'sending' leases (few: the status prefix narrows them).
outboxMessageSchema.index({ status: 1, nextAttemptAt: 1, _id: 1 });
// Messages left `sending` past their lease (relay.ts reclaimExpiredLeases).
outboxMessageSchema.index({ status: 1, leaseUntil: 1, _id: 1 });
outboxMessageSchema.plugin(toJSONPlugin);

export type OutboxMessage = InferSchemaType<typeof outboxMessageSchema>;
export const OutboxMessageModel = model('OutboxMessage', outboxMessageSchema);
