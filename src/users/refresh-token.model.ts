/**
 * Refresh tokens: opaque random strings, stored only as SHA-256 hashes. Every sign-in starts a
 * family; each refresh spends the presented token (`rotatedAt`) and issues the next one in the same
 * family. Presenting a spent or revoked token means someone holds a copy: the whole family is
 * revoked (refresh-tokens.ts). Expired records are removed by purgeExpiredRefreshTokens().
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const refreshTokenSchema = new Schema({
  tokenHash: { type: String, required: true },
  userId: { type: Schema.Types.ObjectId, required: true },
  familyId: { type: String, required: true },
  /** The account's tokenVersion when the family began: a bump ends the family too. */
  tokenVersion: { type: Number, required: true },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
  rotatedAt: { type: Date },
  revokedAt: { type: Date },
});
refreshTokenSchema.index({ tokenHash: 1 }, { unique: true });
refreshTokenSchema.index({ familyId: 1, _id: 1 });
refreshTokenSchema.index({ userId: 1, _id: 1 });
refreshTokenSchema.index({ expiresAt: 1, _id: 1 });

export type RefreshTokenDoc = InferSchemaType<typeof refreshTokenSchema> & { _id: Types.ObjectId };
export const RefreshTokenModel = model('RefreshToken', refreshTokenSchema, 'refresh_tokens');
