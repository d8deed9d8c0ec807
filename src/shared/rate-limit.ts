/**
 * Rate limits shared by every app instance: a fixed window per key in MongoDB, counted exactly on
 * every engine. Each hit is a document of its own (inserted, never updated), tagged with its window
 * `w` = `<limiter>:<key>:<window start>`; the count is the number of the window's documents after
 * ours is in, and taking a hit back deletes one of them. So parallel requests can never all see a
 * count under the limit: at most `limit` of them find themselves within it. (A single counter
 * document with `$inc` lost updates under concurrency on FerretDB v1, whose updates are not
 * isolated: parallel sign-ins got through a limit of 20 thirty times in forty.) FerretDB has no TTL
 * indexes, so ended windows are removed by purgeRateLimitWindows() from the server's loop.
 */
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Options, type Store } from 'express-rate-limit';
import { slowDown } from 'express-slow-down';
import { Schema, model } from 'mongoose';
import type { Clock } from './clock.js';
import { lt } from './db/operators.js';
import { AppError } from './errors.js';

const hitSchema = new Schema({
  _id: { type: String, required: true },
  w: { type: String, required: true },
  resetAt: { type: Date, required: true },
});
hitSchema.index({ w: 1, _id: 1 });
hitSchema.index({ resetAt: 1, _id: 1 });
// A new collection name: `rate_limit_counters` held one `{_id, hits}` counter per window. Windows
// live 15 minutes, so nothing worth keeping is left behind; the old collections can be dropped by hand.
export const RateLimitHitModel = model('RateLimitHit', hitSchema, 'rate_limit_hits');

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
    await RateLimitHitModel.create({ _id: `${id}:${randomUUID()}`, w: id, resetAt });
    const totalHits = await RateLimitHitModel.countDocuments({ w: id });
    return { totalHits, resetTime: this.onWallClock(resetAt) };
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
    // Delete one hit by its _id, and make sure it was ours to delete: two decrements racing for the
    // same document would otherwise take back only one hit between them.
    const { id } = this.window(key);
    for (let attempt = 0; attempt < 5; attempt++) {
      const hits = await RateLimitHitModel.find({ w: id }).sort({ w: 1, _id: 1 }).skip(attempt).limit(1).select({ _id: 1 }).lean();
      if (hits.length === 0) return;
      if ((await RateLimitHitModel.deleteOne({ _id: hits[0]!._id })).deletedCount === 1) return;
    }
  }

  async resetKey(key: string): Promise<void> {
    await RateLimitHitModel.deleteMany({ w: this.window(key).id });
  }
}

export async function purgeRateLimitWindows(now: Date): Promise<number> {
  return (await RateLimitHitModel.deleteMany({ resetAt: lt(now) })).deletedCount;
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

export interface SlowDownSettings extends Omit<LimitSettings, 'limit'> {
  /** Requests counted in a window before answers are delayed. */
  after: number;
  /** Delay added per request over `after`, up to `maxDelayMs`. */
  stepMs: number;
  maxDelayMs: number;
}

/** The client address as every limiter counts it: express-rate-limit's own key (IPv6 by its /56 block). */
export const addressKey = (req: Request): string => ipKeyGenerator(req.ip ?? '');

/** What every counter shares: our store, a key per window of the injected clock, failures-only counting. */
function counting(name: string, settings: Omit<LimitSettings, 'limit'>, clock: Clock) {
  // The address, unless told otherwise.
  const clientKey = settings.key ?? addressKey;
  return {
    windowMs: settings.windowMs,
    store: new MongoRateLimitStore(`rl:${name}`, clock),
    keyGenerator: (req: Request, res: Response) => {
      const start = Math.floor(clock.now().getTime() / settings.windowMs) * settings.windowMs;
      return `${clientKey(req, res)}:${start}`;
    },
    skipSuccessfulRequests: settings.countFailuresOnly ?? false,
    // The counters live in the database: when it does not answer, the request could not be served
    // anyway, so it is answered 503 DATABASE_UNAVAILABLE at once instead of after a second wait.
    passOnStoreError: false,
  };
}

/**
 * A limiter whose refusal goes through the error chain as 429 RATE_LIMITED (JSON or page), with
 * `Retry-After` the seconds left in the window.
 */
export function createLimiter(name: string, settings: LimitSettings, clock: Clock): RequestHandler {
  return rateLimit({
    ...counting(name, settings, clock),
    limit: settings.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res, next) => {
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : Math.ceil(settings.windowMs / 1000);
      res.set('Retry-After', String(seconds));
      next(new AppError('rate_limited', 'RATE_LIMITED', 'Too many requests.'));
    },
  });
}

/** Never refuses: once `after` requests are counted in a window, each answer waits a little longer. */
export function createSlowDown(name: string, settings: SlowDownSettings, clock: Clock): RequestHandler {
  return slowDown({
    ...counting(name, settings, clock),
    delayAfter: settings.after,
    delayMs: (used) => (used - settings.after) * settings.stepMs,
    maxDelayMs: settings.maxDelayMs,
  });
}
