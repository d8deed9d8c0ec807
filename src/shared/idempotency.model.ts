import { Schema, model } from 'mongoose';

/**
 * One record per `Idempotency-Key` (scoped per endpoint and caller). The first answer is kept
 * sealed (AES-256-GCM), because it can hold a secret shown once, such as a tracking token.
 */
const idempotencySchema = new Schema({
  key: { type: String, required: true },
  requestHash: { type: String, required: true },
  state: { type: String, required: true, enum: ['pending', 'done'] },
  sealed: { type: String },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
});
idempotencySchema.index({ key: 1 }, { unique: true });
idempotencySchema.index({ expiresAt: 1, _id: 1 });

export const IdempotencyModel = model('IdempotencyRecord', idempotencySchema, 'idempotency_records');
