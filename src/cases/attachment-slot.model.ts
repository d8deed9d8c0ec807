import { Schema, model } from 'mongoose';

/**
 * The 5 places of a case's files. Each file added to a case takes one: the insert of
 * `<caseId>:<slot>` (slot 0–4), refused by the unique `_id` when someone took it first, on MongoDB
 * and FerretDB alike (a count-then-push is not: parallel uploads put 20 files on one case). Kept in
 * their own collection, not in `claims`, whose purge loop would free them again after a while.
 * A slot is never given back once its file is on the case; only a refused or failed addition
 * deletes the slots it took.
 */
const attachmentSlotSchema = new Schema({
  _id: { type: String, required: true },
  caseId: { type: Schema.Types.ObjectId, required: true },
  at: { type: Date, required: true },
});

export const AttachmentSlotModel = model('AttachmentSlot', attachmentSlotSchema, 'attachment_slots');
