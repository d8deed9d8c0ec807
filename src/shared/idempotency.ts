/**
 * `Idempotency-Key`: a retry with the same key and body gets the first answer; the same key with a
 * different body is 422 IDEMPOTENCY_KEY_REUSED. A retry that arrives while the first is still running
 * (a double click) waits briefly for its answer. A failed attempt releases the key.
 *
 * The record and the work settle together. The work hands its answer to `prepare` before its own
 * write (the answer is sealed into the record) and marks what it stores with the record's id; so
 * when the attempt fails after that write, or the record could not be marked done (the database
 * went away), the key is not released, and a retry finds the stored work (`stored`) and gets the
 * prepared answer instead of a second copy, or a 24-hour 409. A record left pending longer than any
 * request takes (STALE_MS) is settled from what is stored.
 */
import crypto from 'node:crypto';
import { isDuplicateKeyError } from './db/connect.js';
import { lt } from './db/operators.js';
import { BadRequestError, ConflictError, UnprocessableError } from './errors.js';
import { IdempotencyModel } from './idempotency.model.js';

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;
const KEEP_MS = 24 * 3600 * 1000;
const WAIT_FOR_FIRST_MS = 5000;
/** Far longer than a request may take (database waits are bounded at seconds): the attempt has ended. */
const STALE_MS = 60_000;

export interface StoredAnswer<T> {
  status: number;
  body: T;
}

/** Serialises with sorted keys, so that `{a, b}` and `{b, a}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A key for one purpose, derived from the application secret (HKDF), so purposes never share keys. */
export function sealingKey(secret: string, purpose = 'idempotency-v1'): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', secret, 'tawasul', purpose, 32));
}

export function seal(key: Buffer, plaintext: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
}

export function unseal(key: Buffer, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

export interface IdempotencyOptions {
  /** The endpoint and caller, e.g. `cases:create:<userId>`. */
  scope: string;
  key: string;
  request: unknown;
  sealKey: Buffer;
  now: Date;
  /** Whether the work of the record `recordId` was stored (e.g. a case marked with it). */
  stored?: (recordId: string) => Promise<boolean>;
}

export interface IdempotentStep<T> {
  /** The record's id, for the work to mark what it stores with. */
  recordId: string;
  /** Keeps the answer (sealed) before the work's own write. */
  prepare(answer: StoredAnswer<T>): Promise<void>;
}

export async function withIdempotency<T>(
  options: IdempotencyOptions,
  run: (step: IdempotentStep<T>) => Promise<StoredAnswer<T>>,
): Promise<StoredAnswer<T> & { replayed: boolean }> {
  if (!IDEMPOTENCY_KEY_PATTERN.test(options.key)) {
    throw new BadRequestError('INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 8 to 128 letters, digits or _ . : -');
  }
  const key = `${options.scope}:${options.key}`;
  const requestHash = crypto.createHash('sha256').update(canonicalJson(options.request)).digest('hex');
  const stored = options.stored ?? (() => Promise.resolve(false));
  try {
    await IdempotencyModel.create({ _id: key, key, requestHash, state: 'pending', createdAt: options.now, expiresAt: new Date(options.now.getTime() + KEEP_MS) });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    return { ...(await firstAnswer<T>(key, requestHash, options.sealKey, stored, options.now)), replayed: true };
  }
  const prepare = async (answer: StoredAnswer<T>): Promise<void> => {
    await IdempotencyModel.updateOne({ _id: key, state: 'pending' }, { $set: { sealed: seal(options.sealKey, JSON.stringify(answer)) } });
  };
  let answer: StoredAnswer<T>;
  try {
    answer = await run({ recordId: key, prepare });
  } catch (err) {
    // Stored after all (the failure came after the work's write): the retry gets the prepared answer.
    // Not stored: the key is released for a retry. Neither known (the database is away): the record
    // stays pending, and a retry after STALE_MS settles it from what is stored.
    const wasStored = await stored(key).catch(() => undefined);
    if (wasStored === true) await IdempotencyModel.updateOne({ _id: key }, { $set: { state: 'done' } }).catch(() => undefined);
    else if (wasStored === false) await IdempotencyModel.deleteOne({ _id: key }).catch(() => undefined);
    throw err;
  }
  await IdempotencyModel.updateOne({ _id: key }, { $set: { state: 'done', sealed: seal(options.sealKey, JSON.stringify(answer)) } });
  return { ...answer, replayed: false };
}

async function firstAnswer<T>(key: string, requestHash: string, sealKey: Buffer, stored: (recordId: string) => Promise<boolean>, now: Date): Promise<StoredAnswer<T>> {
  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  for (;;) {
    // A record from before `_id` was the key is found by its `key` (the slow path, for at most KEEP_MS).
    const record = (await IdempotencyModel.findById(key).lean()) ?? (await IdempotencyModel.findOne({ key }).lean());
    if (!record) throw new ConflictError('IDEMPOTENCY_RETRY', 'The first request with this key failed; send it again.');
    if (record.requestHash !== requestHash) {
      throw new UnprocessableError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request.');
    }
    if (record.state === 'done' && record.sealed) return JSON.parse(unseal(sealKey, record.sealed)) as StoredAnswer<T>;
    if (record.state === 'pending' && now.getTime() - record.createdAt.getTime() > STALE_MS) {
      // The first attempt has ended without settling the record: what it stored decides.
      if (record.sealed && (await stored(key))) {
        await IdempotencyModel.updateOne({ _id: key }, { $set: { state: 'done' } });
        return JSON.parse(unseal(sealKey, record.sealed)) as StoredAnswer<T>;
      }
      await IdempotencyModel.deleteOne({ _id: key, state: 'pending' });
      throw new ConflictError('IDEMPOTENCY_RETRY', 'The first request with this key failed; send it again.');
    }
    if (Date.now() > deadline) throw new ConflictError('IDEMPOTENCY_IN_PROGRESS', 'The first request with this key is still being processed.');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Deletes records past their keeping time (no TTL indexes on FerretDB: an explicit sweep). */
export async function purgeExpiredIdempotencyRecords(now: Date): Promise<number> {
  const result = await IdempotencyModel.deleteMany({ expiresAt: lt(now) });
  return result.deletedCount;
}
