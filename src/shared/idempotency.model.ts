import { Schema, model } from 'mongoose';

/**
 * One record per `Idempotency-Key` (scoped per endpoint and caller). The first answer is kept
 * sealed (AES-256-GCM), because it can hold a secret shown once, such as a tracking token.
 *
 * `_id` is the scoped key, and every read, update and delete filters on `_id` alone: FerretDB v1
 * hands only such a filter down to SQLite and reads the whole collection for any other. `key` holds
 * the same value under its unique index, as records written before `_id` was the key did.
 */
const idempotencySchema = new Schema({
  _id: { type: String, required: true },
  key: { type: String, required: true },
  requestHash: { type: String, required: true },
  state: { type: String, required: true, enum: ['pending', 'done'] },
  sealed: { type: String },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
});
// A record given only its `key` takes it as its `_id` too.
idempotencySchema.pre('validate', function () {
  if (this._id == null) this._id = this.key;
});
idempotencySchema.index({ key: 1 }, { unique: true });
idempotencySchema.index({ expiresAt: 1, _id: 1 });

export const IdempotencyModel = model('IdempotencyRecord', idempotencySchema, 'idempotency_records');
