/**
 * Rate limits shared by every app instance: a fixed-window counter per key in MongoDB. FerretDB has
 * no TTL indexes, so old windows are removed by purgeRateLimitWindows() from the server's loop.
 * Counts may run a little over under heavy concurrency on FerretDB (its updates are not atomic);
 * on MongoDB the upsert with $inc is exact. Either way abuse is slowed, which is the point.
 *
 * A window is one document whose `_id` is `<limiter>:<key>:<window start>`: every instance names
 * the same window the same way, the `_id` index keeps it unique, and each hit is one upsert by `_id`.
 * FerretDB v1 (SQLite) hands only an `_id`-alone filter down to SQLite; any other filter makes it read
 * and decode the whole collection in Go, so a filter on another field would cost O(windows) per request.
 */
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Options, type Store } from 'express-rate-limit';
import { Schema, model } from 'mongoose';
import type { Clock } from './clock.js';
import { isDuplicateKeyError } from './db/connect.js';
import { lt } from './db/operators.js';
import { AppError } from './errors.js';

const windowSchema = new Schema({
  _id: { type: String, required: true },
  hits: { type: Number, required: true },
  resetAt: { type: Date, required: true },
});
windowSchema.index({ resetAt: 1, _id: 1 });
// A new collection name, not `rate_limit_windows`: that one held `{key}` documents under a unique index
// on `key`, which `_id`-keyed documents (without `key`) would break. Windows live 15 minutes, so nothing
// worth keeping is left behind; the old collection can be dropped by hand.
export const RateLimitWindowModel = model('RateLimitWindow', windowSchema, 'rate_limit_counters');

/**
 * The store is handed keys `<client key>:<window start>` (createLimiter's keyGenerator reads the
 * window from the injected clock once per request), so the decrement that takes back a request's
 * count (failures-only counting) names the window that request was counted in, even when the clock
 * has moved on to the next window meanwhile.
 */
export class MongoRateLimitStore implements Store {
  localKeys = false;
  private windowMs = 60_000;
  constructor(
    readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private window(key: string): { id: string; resetAt: Date } {
    const start = Number(key.slice(key.lastIndexOf(':') + 1));
    if (!Number.isSafeInteger(start)) throw new Error(`rate-limit key without a window start: ${key}`);
    return { id: `${this.prefix}:${key}`, resetAt: new Date(start + this.windowMs) };
  }

  async increment(key: string): Promise<{ totalHits: number; resetTime: Date }> {
    const { id, resetAt } = this.window(key);
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await RateLimitWindowModel.findOneAndUpdate({ _id: id }, { $inc: { hits: 1 }, $setOnInsert: { resetAt } }, { upsert: true, returnDocument: 'after' }).lean();
        return { totalHits: doc.hits, resetTime: this.onWallClock(resetAt) };
      } catch (err) {
        if (!isDuplicateKeyError(err) || attempt > 0) throw err; // two first hits raced the upsert
      }
    }
  }

  /**
   * express-rate-limit compares the reset time with the wall clock (`Date.now()`): for the
   * `Retry-After` and `RateLimit` headers, and to decide whether a successful request's count is
   * still worth taking back. The window is the injected clock's, so hand it over as the same time
   * left on the wall clock; otherwise a clock behind real time would never take a success back.
   */
  private onWallClock(resetAt: Date): Date {
    return new Date(Date.now() + (resetAt.getTime() - this.clock.now().getTime()));
  }

  async decrement(key: string): Promise<void> {
    await RateLimitWindowModel.updateOne({ _id: this.window(key).id }, { $inc: { hits: -1 } });
  }

  async resetKey(key: string): Promise<void> {
    await RateLimitWindowModel.deleteOne({ _id: this.window(key).id });
  }
}

export async function purgeRateLimitWindows(now: Date): Promise<number> {
  return (await RateLimitWindowModel.deleteMany({ resetAt: lt(now) })).deletedCount;
}

export interface LimitSettings {
  /** Requests allowed per window and key (the client address unless `key` says otherwise). */
  limit: number;
  windowMs: number;
  /** What is counted, e.g. the account a sign-in names; the client address by default. */
  key?: (req: Request, res: Response) => string;
  /** Count only refused requests (answers of 400 and above), e.g. failed sign-ins. */
  countFailuresOnly?: boolean;
}

/** A limiter whose refusal goes through the error chain as 429 RATE_LIMITED (JSON or page). */
export function createLimiter(name: string, settings: LimitSettings, clock: Clock): RequestHandler {
  // express-rate-limit's own default key, the address (IPv6 by its /56 block), unless told otherwise.
  const clientKey = settings.key ?? ((req: Request) => ipKeyGenerator(req.ip ?? ''));
  return rateLimit({
    windowMs: settings.windowMs,
    limit: settings.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: new MongoRateLimitStore(`rl:${name}`, clock),
    keyGenerator: (req, res) => {
      const start = Math.floor(clock.now().getTime() / settings.windowMs) * settings.windowMs;
      return `${clientKey(req, res)}:${start}`;
    },
    skipSuccessfulRequests: settings.countFailuresOnly ?? false,
    // A database hiccup must not block citizens: count nothing rather than refuse.
    passOnStoreError: true,
    handler: (_req, _res, next) => next(new AppError('rate_limited', 'RATE_LIMITED', 'Too many requests.')),
  });
}
