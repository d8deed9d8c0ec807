/**
 * A pending email verification: the link's random token, stored hashed, valid 48 hours. It carries
 * the password (hash), name and language of the registration that asked for it, and they are applied
 * only when the link is opened. So an account registered for someone else's address never becomes a
 * verified account with the squatter's password: the mailbox owner's own registration wins.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const emailVerificationSchema = new Schema({
  tokenHash: { type: String, required: true },
  userId: { type: Schema.Types.ObjectId, required: true },
  email: { type: String, required: true },
  passwordHash: { type: String, required: true },
  name: { type: String, required: true },
  language: { type: String, required: true, enum: ['ar', 'en'] },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
  usedAt: { type: Date },
});
emailVerificationSchema.index({ tokenHash: 1 }, { unique: true });
emailVerificationSchema.index({ userId: 1, _id: 1 });
emailVerificationSchema.index({ expiresAt: 1, _id: 1 });

export type EmailVerificationDoc = InferSchemaType<typeof emailVerificationSchema> & { _id: Types.ObjectId };
export const EmailVerificationModel = model('EmailVerification', emailVerificationSchema, 'email_verifications');
