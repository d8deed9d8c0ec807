/**
 * The audit log of personal data (Bahrain's and the UAE's PDPL): every staff read of a case's
 * personal data (the case as staff see it, its attachments) and every change to a case, with who,
 * when, which case and what. Append-only: entries are inserted and never updated or deleted by the
 * application (the model refuses it), and retention of cases never touches them.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const AUDIT_ACTIONS = ['case.viewed', 'case.attachment_downloaded', 'case.changed', 'case.anonymised', 'account.exported', 'account.closed'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const auditSchema = new Schema(
  {
    at: { type: Date, required: true },
    actor: {
      type: new Schema({ kind: { type: String, required: true }, userId: String, role: String, name: String }, { _id: false }),
      required: true,
    },
    action: { type: String, required: true, enum: AUDIT_ACTIONS },
    /** The case's reference, when the entry is about a case. */
    reference: { type: String },
    /** What exactly: the transition taken, the attachment's id, the channel (api or page). */
    detail: { type: String },
    requestId: { type: String },
  },
  { collection: 'audit_log', versionKey: false },
);
auditSchema.index({ at: -1, _id: -1 });
auditSchema.index({ reference: 1, at: -1, _id: -1 });
auditSchema.index({ 'actor.userId': 1, at: -1, _id: -1 });
auditSchema.index({ action: 1, at: -1, _id: -1 });

const appendOnly = (): never => {
  throw new Error('The audit log is append-only.');
};
for (const op of ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete'] as const) auditSchema.pre(op, appendOnly);

export type AuditEntry = InferSchemaType<typeof auditSchema> & { _id: Types.ObjectId };
export const AuditModel = model('AuditEntry', auditSchema);
