/**
 * `/api/v1/auth`: sign in, refresh, sign out, register, and who am I. Bearer tokens only (see
 * auth.middleware.ts); answers carry secrets, so nothing is cached.
 */
import crypto from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import type { AppDeps } from '../app.js';
import { requestLanguage } from '../shared/i18n.js';
import { createLimiter } from '../shared/rate-limit.js';
import { validate } from '../shared/validate.js';
import { registerCitizen } from './account.service.js';
import { accountOf, refreshSession, signIn, signOut } from './auth.service.js';
import { principalOf, requireAuth } from './auth.middleware.js';
import { CONVERT, loginSchema, logoutSchema, refreshSchema, registerSchema, type LoginInput, type RegisterBody } from './auth.schemas.js';
import { tokenSettings } from './tokens.js';

const WINDOW_MS = 15 * 60_000;

export interface AuthLimits {
  /** Sign-in and registration attempts per client address. */
  perAddress: RequestHandler;
  /** Failed sign-ins per account (the email asked for), from any address. */
  perAccount: RequestHandler;
}

/** The account a sign-in names, hashed: the limiter's store never holds an email address. */
function accountKey(req: Request): string {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  const normalised = typeof email === 'string' ? email.trim().toLowerCase() : '';
  return `account:${crypto.createHash('sha256').update(normalised).digest('hex').slice(0, 32)}`;
}

/**
 * One set of counters for the API and the pages (the store is keyed by limiter name), so that
 * switching between them gains an attacker nothing.
 */
export function createAuthLimits(deps: Pick<AppDeps, 'config' | 'clock'>): AuthLimits {
  return {
    perAddress: createLimiter('signin', { limit: deps.config.rateLimitSignIn, windowMs: WINDOW_MS }, deps.clock),
    perAccount: createLimiter('signin-account', { limit: deps.config.rateLimitSignInAccount, windowMs: WINDOW_MS, key: accountKey, countFailuresOnly: true }, deps.clock),
  };
}

export function authApiRouter(deps: AppDeps, limits: AuthLimits = createAuthLimits(deps)): Router {
  const router = Router();
  const settings = tokenSettings(deps.config, deps.clock);

  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.post('/login', limits.perAddress, limits.perAccount, validate('body', loginSchema, CONVERT), async (_req, res) => {
    res.json(await signIn(res.locals.body as LoginInput, settings));
  });

  router.post('/refresh', limits.perAddress, validate('body', refreshSchema), async (_req, res) => {
    res.json(await refreshSession((res.locals.body as { refreshToken: string }).refreshToken, settings));
  });

  router.post('/logout', validate('body', logoutSchema), async (_req, res) => {
    await signOut((res.locals.body as { refreshToken: string }).refreshToken, deps.clock.now());
    res.status(204).end();
  });

  router.post('/register', limits.perAddress, validate('body', registerSchema, CONVERT), async (req, res) => {
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
