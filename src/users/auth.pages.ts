/**
 * Sign-in, registration, sign-out and the page the verification link opens, where the link's holder
 * chooses the account's password (account.service.ts says why). No JavaScript needed:
 * forms post with a CSRF token, errors show beside the form, and a successful post redirects (303).
 * The session is the API's tokens in HttpOnly cookies (session-cookies.ts).
 */
import { Router, type Request, type Response } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import { safeLocalPath } from '../shared/local-path.js';
import type { Csrf } from '../shared/csrf.js';
import { AppError, ValidationError, type ErrorDetail } from '../shared/errors.js';
import { pageRefusal } from '../shared/page-errors.js';
import { requestLanguage } from '../shared/i18n.js';
import { validateWith } from '../shared/validate.js';
import { completeVerification, invalidVerificationLink, openVerification, registerCitizen } from './account.service.js';
import { signIn, signOut, startSession } from './auth.service.js';
import { principalOf, requireAuth } from './auth.middleware.js';
import { createAuthLimits, type AuthLimits } from './auth.routes.js';
import { CONVERT, loginSchema, registerSchema, verifySchema, type LoginInput, type RegisterBody, type VerifyBody } from './auth.schemas.js';
import { clearSessionCookies, readSessionCookies, setSessionCookies } from './session-cookies.js';
import { tokenSettings } from './tokens.js';

type FormBody = Record<string, unknown>;

const text = (body: FormBody, name: string): string | undefined => (typeof body[name] === 'string' ? body[name] : undefined);

function errorsByField(details: ErrorDetail[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const d of details) errors[d.field] ??= d.message;
  return errors;
}

export function authPagesRouter(deps: ModuleDeps, csrf: Csrf, limits: AuthLimits = createAuthLimits(deps)): Router {
  const router = Router();
  const settings = tokenSettings(deps.config, deps.clock);
  const secure = deps.config.nodeEnv === 'production';
  const noStore = (_req: Request, res: Response, next: () => void) => {
    res.set('Cache-Control', 'no-store');
    next();
  };

  const renderSignIn = (req: Request, res: Response, status: number, values: FormBody, errors: Record<string, string>, formError: string | null) => {
    // The password is never sent back into the page.
    res.status(status).render('users/signin', { values: { email: text(values, 'email') ?? '', next: safeLocalPath(values.next) }, errors, formError, csrfToken: csrf.token(req, res) });
  };

  router.get('/signin', noStore, csrf.browserSession, (req, res) => {
    const next = safeLocalPath(req.query.next);
    if (principalOf(res)) {
      res.redirect(303, next);
      return;
    }
    renderSignIn(req, res, 200, { next }, {}, null);
  });

  router.post('/signin', noStore, ...limits.signIn, csrf.protect, async (req, res) => {
    const body = (req.body ?? {}) as FormBody;
    try {
      const input = validateWith(loginSchema, { email: text(body, 'email'), password: text(body, 'password') }, req.t, CONVERT) as LoginInput;
      setSessionCookies(res, await signIn(input, settings, deps.hooks), secure);
    } catch (err) {
      if (err instanceof ValidationError) {
        renderSignIn(req, res, 400, body, errorsByField(err.details ?? []), null);
        return;
      }
      const { status, message } = pageRefusal(err, req.t, { kinds: ['unauthenticated'] }); // wrong password: 401, on the form
      renderSignIn(req, res, status, body, {}, message);
      return;
    }
    res.redirect(303, safeLocalPath(body.next));
  });

  const renderSignUp = (req: Request, res: Response, status: number, values: FormBody, errors: Record<string, string>) => {
    res.status(status).render('users/signup', { values: { email: text(values, 'email') ?? '', name: text(values, 'name') ?? '' }, errors, csrfToken: csrf.token(req, res) });
  };

  router.get('/signup', noStore, csrf.browserSession, (req, res) => {
    renderSignUp(req, res, 200, {}, {});
  });

  router.post('/signup', noStore, limits.signUp, csrf.protect, async (req, res) => {
    const body = (req.body ?? {}) as FormBody;
    try {
      const input = validateWith(registerSchema, { email: text(body, 'email'), name: text(body, 'name') }, req.t, CONVERT) as RegisterBody;
      await registerCitizen({ ...input, language: requestLanguage(req) }, { publicUrl: deps.config.publicUrl, now: deps.clock.now() });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      renderSignUp(req, res, 400, body, errorsByField(err.details ?? []));
      return;
    }
    res.redirect(303, '/signup/sent');
  });

  router.get('/signup/sent', noStore, (_req, res) => {
    res.render('users/signup-sent');
  });

  router.post('/signout', noStore, csrf.protect, async (req, res) => {
    await signOut(readSessionCookies(req, secure).refresh, deps.clock.now());
    clearSessionCookies(res, secure);
    res.redirect(303, '/');
  });

  const isInvalidLink = (err: unknown): err is AppError => err instanceof AppError && err.code === invalidVerificationLink().code;
  const renderInvalidLink = (req: Request, res: Response) => {
    res.status(400).render('users/verified', { ok: false, linkedCases: 0, message: req.t('errors.VERIFICATION_LINK_INVALID') });
  };
  const renderVerify = (req: Request, res: Response, status: number, token: string, email: string, values: FormBody, errors: Record<string, string>) => {
    // The password is never sent back into the page.
    res.status(status).render('users/verify', { token, email, values: { name: text(values, 'name') ?? '' }, errors, csrfToken: csrf.token(req, res) });
  };

  // The link in the verification email: a form, so opening it (or a mail filter fetching it) spends nothing.
  router.get('/verify-email', noStore, csrf.browserSession, async (req, res) => {
    try {
      const pending = await openVerification(req.query.token, deps.clock.now());
      renderVerify(req, res, 200, req.query.token as string, pending.email, { name: pending.name }, {});
    } catch (err) {
      if (!isInvalidLink(err)) throw err;
      renderInvalidLink(req, res);
    }
  });

  // The link's holder chooses the password: the account is created, verified, and signed in.
  router.post('/verify-email', noStore, csrf.protect, async (req, res) => {
    const body = (req.body ?? {}) as FormBody;
    const token = text(body, 'token');
    try {
      const pending = await openVerification(token, deps.clock.now());
      let input: VerifyBody;
      try {
        input = validateWith(verifySchema, { name: text(body, 'name'), password: text(body, 'password') }, req.t, CONVERT) as VerifyBody;
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        renderVerify(req, res, 400, token!, pending.email, body, errorsByField(err.details ?? []));
        return;
      }
      const { user, linkedCases } = await completeVerification({ token, ...input, language: requestLanguage(req) }, deps.clock.now(), deps.hooks);
      setSessionCookies(res, await startSession(user, settings), secure);
      res.redirect(303, `/verify-email/done?cases=${linkedCases}`);
    } catch (err) {
      if (!isInvalidLink(err)) throw err;
      renderInvalidLink(req, res);
    }
  });

  // Only the account's own session sees it; the count is what the completion linked (display only).
  router.get('/verify-email/done', noStore, requireAuth, (req, res) => {
    const cases = Number(req.query.cases);
    res.render('users/verified', { ok: true, linkedCases: Number.isSafeInteger(cases) && cases > 0 ? cases : 0, message: null });
  });

  return router;
}
