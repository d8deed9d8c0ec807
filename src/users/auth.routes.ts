/**
 * `/api/v1/auth`: sign in, refresh, sign out, register, and who am I. Bearer tokens only (see
 * auth.middleware.ts); answers carry secrets, so nothing is cached.
 */
import crypto from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import type { AppDeps, ModuleDeps } from '../shared/deps.js';
import { requestLanguage } from '../shared/i18n.js';
import { addressKey, createLimiter, createSlowDown } from '../shared/rate-limit.js';
import { validate } from '../shared/validate.js';
import { registerCitizen } from './account.service.js';
import { accountOf, refreshSession, signIn, signOut } from './auth.service.js';
import { principalOf, requireAuth } from './auth.middleware.js';
import { CONVERT, loginSchema, logoutSchema, refreshSchema, registerSchema, type LoginInput, type RegisterBody } from './auth.schemas.js';
import { tokenSettings } from './tokens.js';

const WINDOW_MS = 15 * 60_000;

/**
 * Brute force is kept out without handing anyone a way to lock someone else out:
 *   - failures per (account, address): after RATE_LIMIT_SIGNIN_ACCOUNT (5) in 15 minutes, that
 *     address may not try that account again until the window ends (429). Another address, say the
 *     account's owner at their desk, is not affected;
 *   - failures per address, whatever the account (password spraying): after RATE_LIMIT_SIGNIN (20);
 *   - failures per account from anywhere: never refused, but past RATE_LIMIT_SIGNIN_ACCOUNT each
 *     answer waits half a second more, up to 5 s, so a distributed guesser is slowed;
 *   - successful sign-ins and refreshes never count, so an office behind one NAT address is never
 *     locked out by its own staff. Sign-ups count every attempt per address.
 */
export interface AuthLimits {
  /** Sign-in: the three counters above, in order. */
  signIn: RequestHandler[];
  /** Refresh: failures per address. */
  refresh: RequestHandler;
  /** Sign-up: attempts per address. */
  signUp: RequestHandler;
}

const SLOW_STEP_MS = 500;
const SLOW_MAX_MS = 5_000;

/** The account a sign-in names, hashed: the limiter's store never holds an email address. */
function accountKey(req: Request): string {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  const normalised = typeof email === 'string' ? email.trim().toLowerCase() : '';
  return `account:${crypto.createHash('sha256').update(normalised).digest('hex').slice(0, 32)}`;
}

const accountAtAddress = (req: Request): string => `${accountKey(req)}@${addressKey(req)}`;

/**
 * One set of counters for the API and the pages (the store is keyed by limiter name), so that
 * switching between them gains an attacker nothing.
 */
export function createAuthLimits(deps: Pick<AppDeps, 'config' | 'clock'>): AuthLimits {
  const { config, clock } = deps;
  const failures = { windowMs: WINDOW_MS, countFailuresOnly: true };
  return {
    signIn: [
      createLimiter('signin-account-address', { ...failures, limit: config.rateLimitSignInAccount, key: accountAtAddress }, clock),
      createLimiter('signin-address', { ...failures, limit: config.rateLimitSignIn }, clock),
      createSlowDown('signin-account', { ...failures, key: accountKey, after: config.rateLimitSignInAccount, stepMs: SLOW_STEP_MS, maxDelayMs: SLOW_MAX_MS }, clock),
    ],
    refresh: createLimiter('refresh-address', { ...failures, limit: config.rateLimitSignIn }, clock),
    signUp: createLimiter('signup', { windowMs: WINDOW_MS, limit: config.rateLimitSignIn }, clock),
  };
}

export function authApiRouter(deps: ModuleDeps, limits: AuthLimits = createAuthLimits(deps)): Router {
  const router = Router();
  const settings = tokenSettings(deps.config, deps.clock);

  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.post('/login', ...limits.signIn, validate('body', loginSchema, CONVERT), async (_req, res) => {
    res.json(await signIn(res.locals.body as LoginInput, settings, deps.hooks));
  });

  router.post('/refresh', limits.refresh, validate('body', refreshSchema), async (_req, res) => {
    res.json(await refreshSession((res.locals.body as { refreshToken: string }).refreshToken, settings));
  });

  router.post('/logout', validate('body', logoutSchema), async (_req, res) => {
    await signOut((res.locals.body as { refreshToken: string }).refreshToken, deps.clock.now());
    res.status(204).end();
  });

  router.post('/register', limits.signUp, validate('body', registerSchema, CONVERT), async (req, res) => {
    const body = res.locals.body as RegisterBody;
    await registerCitizen({ ...body, language: body.language ?? requestLanguage(req) }, { publicUrl: deps.config.publicUrl, now: deps.clock.now() });
    // The same answer whether or not the address has an account (no enumeration).
    res.status(202).json({ status: 'verification_sent' });
  });

  router.get('/me', requireAuth, async (_req, res) => {
    res.json({ user: await accountOf(principalOf(res)!) });
  });

  return router;
}
