/**
 * A pending citizen sign-up: the emailed link's random token, stored hashed, valid 48 hours, with the
 * name and language the sign-up gave. It is not an account and does not take the address: the
 * account is created only when the link's holder, on the page the link opens, chooses its password
 * (account.service.ts). So nobody can register someone else's address with a password of their own,
 * and an administrator creating a staff account for the address is never blocked by it (the
 * sign-up's links stop working instead). Purged once expired (no TTL indexes on FerretDB).
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const emailVerificationSchema = new Schema({
  tokenHash: { type: String, required: true },
  email: { type: String, required: true },
  /** Shown, editable, on the link's page; the link's holder decides the account's name. */
  name: { type: String, required: true },
  language: { type: String, required: true, enum: ['ar', 'en'] },
  /** Only on links sent before sign-ups stopped creating an account: the unverified account. Not read. */
  userId: { type: Schema.Types.ObjectId },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
  usedAt: { type: Date },
});
emailVerificationSchema.index({ tokenHash: 1 }, { unique: true });
emailVerificationSchema.index({ email: 1, _id: 1 });
emailVerificationSchema.index({ expiresAt: 1, _id: 1 });

export type EmailVerificationDoc = InferSchemaType<typeof emailVerificationSchema> & { _id: Types.ObjectId };
export const EmailVerificationModel = model('EmailVerification', emailVerificationSchema, 'email_verifications');
