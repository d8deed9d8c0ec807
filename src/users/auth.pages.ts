/**
 * Sign-in, registration, sign-out and the email-verification landing page. No JavaScript needed:
 * forms post with a CSRF token, errors show beside the form, and a successful post redirects (303).
 * The session is the API's tokens in HttpOnly cookies (session-cookies.ts).
 */
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app.js';
import { safeLocalPath } from '../home/home.pages.js';
import type { Csrf } from '../shared/csrf.js';
import { AppError, ValidationError, type ErrorDetail } from '../shared/errors.js';
import { requestLanguage } from '../shared/i18n.js';
import { validateWith } from '../shared/validate.js';
import { invalidVerificationLink, registerCitizen, verifyEmail } from './account.service.js';
import { signIn, signOut } from './auth.service.js';
import { principalOf } from './auth.middleware.js';
import { createAuthLimits, type AuthLimits } from './auth.routes.js';
import { CONVERT, loginSchema, registerSchema, type LoginInput, type RegisterBody } from './auth.schemas.js';
import { clearSessionCookies, readSessionCookies, setSessionCookies } from './session-cookies.js';
import { tokenSettings } from './tokens.js';

type FormBody = Record<string, unknown>;

const text = (body: FormBody, name: string): string | undefined => (typeof body[name] === 'string' ? body[name] : undefined);

function errorsByField(details: ErrorDetail[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const d of details) errors[d.field] ??= d.message;
  return errors;
}

export function authPagesRouter(deps: AppDeps, csrf: Csrf, limits: AuthLimits = createAuthLimits(deps)): Router {
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
      setSessionCookies(res, await signIn(input, settings), secure);
    } catch (err) {
      if (err instanceof ValidationError) {
        renderSignIn(req, res, 400, body, errorsByField(err.details ?? []), null);
        return;
      }
      if (err instanceof AppError && err.kind === 'unauthenticated') {
        renderSignIn(req, res, 401, body, {}, req.t(`errors.${err.code}`));
        return;
      }
      throw err;
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
      const input = validateWith(registerSchema, { email: text(body, 'email'), password: text(body, 'password'), name: text(body, 'name') }, req.t, CONVERT) as RegisterBody;
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

  // The link in the verification email. The token is checked, spent and never shown again.
  router.get('/verify-email', noStore, async (req, res) => {
    try {
      const result = await verifyEmail(req.query.token, deps.clock.now());
      res.render('users/verified', { ok: true, linkedCases: result.linkedCases, message: null });
    } catch (err) {
      if (!(err instanceof AppError && err.code === invalidVerificationLink().code)) throw err;
      res.status(400).render('users/verified', { ok: false, linkedCases: 0, message: req.t(`errors.${err.code}`) });
    }
  });

  return router;
}
