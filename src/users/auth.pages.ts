/**
 * Sign-in, registration, sign-out and the page the verification link opens, where the link's holder
 * chooses the account's password (account.service.ts says why). No JavaScript needed:
 * forms post with a CSRF token, errors show beside the form, and a successful post redirects (303).
 * The session is the API's tokens in HttpOnly cookies (session-cookies.ts).
 * Each page group is its own small router; each route line reads guard → validate → handler.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import { safeLocalPath } from '../shared/local-path.js';
import type { Csrf } from '../shared/csrf.js';
import { AppError } from '../shared/errors.js';
import { pageRefusal } from '../shared/page-errors.js';
import { requestLanguage } from '../shared/i18n.js';
import { formText as text, validateForm, type FormBody } from '../shared/validate-form.js';
import { completeVerification, invalidVerificationLink, openVerification, registerCitizen } from './account.service.js';
import { signIn, signOut, startSession } from './auth.service.js';
import { principalOf, requireAuth } from './auth.middleware.js';
import { createAuthLimits, type AuthLimits } from './auth.routes.js';
import { CONVERT, loginSchema, registerSchema, verifySchema, type LoginInput, type RegisterBody, type VerifyBody } from './auth.schemas.js';
import { clearSessionCookies, readSessionCookies, setSessionCookies } from './session-cookies.js';
import { tokenSettings, type TokenSettings } from './tokens.js';

/** What every page group needs: the module's deps, the CSRF guard, the limits and the session settings. */
interface AuthPagesKit {
  deps: ModuleDeps;
  csrf: Csrf;
  limits: AuthLimits;
  settings: TokenSettings;
  /** Cookies are `Secure` in production. */
  secure: boolean;
}

const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

const body = (req: Request): FormBody => (req.body ?? {}) as FormBody;

/** The sign-in and sign-out pages (the sign-in form; sign-out is a form post from every page). */
function signInPages({ deps, csrf, limits, settings, secure }: AuthPagesKit): Router {
  const router = Router();
  const renderSignIn = (req: Request, res: Response, status: number, values: FormBody, errors: Record<string, string>, formError: string | null) => {
    // The password is never sent back into the page.
    res.status(status).render('users/signin', { values: { email: text(values, 'email') ?? '', next: safeLocalPath(values.next) }, errors, formError, csrfToken: csrf.token(req, res) });
  };
  const refuse = (req: Request, res: Response, errors: Record<string, string>) => renderSignIn(req, res, 400, body(req), errors, null);

  const showSignIn: RequestHandler = (req, res) => {
    const next = safeLocalPath(req.query.next);
    if (principalOf(res)) {
      res.redirect(303, next);
      return;
    }
    renderSignIn(req, res, 200, { next }, {}, null);
  };
  const submitSignIn: RequestHandler = async (req, res) => {
    try {
      setSessionCookies(res, await signIn(res.locals.form as LoginInput, settings, deps.hooks), secure);
    } catch (err) {
      const { status, message } = pageRefusal(err, req.t, { kinds: ['unauthenticated'] }); // wrong password: 401, on the form
      renderSignIn(req, res, status, body(req), {}, message);
      return;
    }
    res.redirect(303, safeLocalPath(body(req).next));
  };
  const submitSignOut: RequestHandler = async (req, res) => {
    await signOut(readSessionCookies(req, secure).refresh, deps.clock.now());
    clearSessionCookies(res, secure);
    res.redirect(303, '/');
  };

  router.get('/signin', noStore, csrf.browserSession, showSignIn);
  router.post('/signin', noStore, ...limits.signIn, csrf.protect, validateForm(loginSchema, ['email', 'password'], refuse, CONVERT), submitSignIn);
  router.post('/signout', noStore, csrf.protect, submitSignOut);
  return router;
}

/** The sign-up form and the page that says the verification email is on its way. */
function signUpPages({ deps, csrf, limits }: AuthPagesKit): Router {
  const router = Router();
  const renderSignUp = (req: Request, res: Response, status: number, values: FormBody, errors: Record<string, string>) => {
    res.status(status).render('users/signup', { values: { email: text(values, 'email') ?? '', name: text(values, 'name') ?? '' }, errors, csrfToken: csrf.token(req, res) });
  };
  const refuse = (req: Request, res: Response, errors: Record<string, string>) => renderSignUp(req, res, 400, body(req), errors);

  const submitSignUp: RequestHandler = async (req, res) => {
    const input = res.locals.form as RegisterBody;
    await registerCitizen({ ...input, language: requestLanguage(req) }, { publicUrl: deps.config.publicUrl, now: deps.clock.now() });
    res.redirect(303, '/signup/sent');
  };

  router.get('/signup', noStore, csrf.browserSession, (req, res) => renderSignUp(req, res, 200, {}, {}));
  // Only the email and the name are read: the password is chosen on the page the emailed link opens.
  router.post('/signup', noStore, limits.signUp, csrf.protect, validateForm(registerSchema, ['email', 'name'], refuse, CONVERT), submitSignUp);
  router.get('/signup/sent', noStore, (_req, res) => res.render('users/signup-sent'));
  return router;
}

const isInvalidLink = (err: unknown): err is AppError => err instanceof AppError && err.code === invalidVerificationLink().code;

const renderInvalidLink = (req: Request, res: Response) => {
  res.status(400).render('users/verified', { ok: false, linkedCases: 0, message: req.t('errors.VERIFICATION_LINK_INVALID') });
};

/** The page the verification link opens, its form post, and the page shown once the account exists. */
function verificationPages({ deps, csrf, settings, secure }: AuthPagesKit): Router {
  const router = Router();
  const renderVerify = (req: Request, res: Response, status: number, token: string, email: string, values: FormBody, errors: Record<string, string>) => {
    // The password is never sent back into the page.
    res.status(status).render('users/verify', { token, email, values: { name: text(values, 'name') ?? '' }, errors, csrfToken: csrf.token(req, res) });
  };
  const refuse = (req: Request, res: Response, errors: Record<string, string>) => {
    renderVerify(req, res, 400, text(body(req), 'token')!, (res.locals.pending as { email: string }).email, body(req), errors);
  };

  // The guard of the form post: a link that is unknown, spent or expired shows the invalid-link page
  // before the form's fields are looked at; an open one is on `res.locals.pending`.
  const openLink: RequestHandler = async (req, res, next) => {
    try {
      res.locals.pending = await openVerification(text(body(req), 'token'), deps.clock.now());
    } catch (err) {
      if (!isInvalidLink(err)) throw err;
      renderInvalidLink(req, res);
      return;
    }
    next();
  };
  // The link in the verification email: a form, so opening it (or a mail filter fetching it) spends nothing.
  const showVerify: RequestHandler = async (req, res) => {
    try {
      const pending = await openVerification(req.query.token, deps.clock.now());
      renderVerify(req, res, 200, req.query.token as string, pending.email, { name: pending.name }, {});
    } catch (err) {
      if (!isInvalidLink(err)) throw err;
      renderInvalidLink(req, res);
    }
  };
  // The link's holder chooses the password: the account is created, verified, and signed in.
  const submitVerify: RequestHandler = async (req, res) => {
    const token = text(body(req), 'token');
    try {
      const input = res.locals.form as VerifyBody;
      const { user, linkedCases } = await completeVerification({ token, ...input, language: requestLanguage(req) }, deps.clock.now(), deps.hooks);
      setSessionCookies(res, await startSession(user, settings), secure);
      res.redirect(303, `/verify-email/done?cases=${linkedCases}`);
    } catch (err) {
      if (!isInvalidLink(err)) throw err;
      renderInvalidLink(req, res);
    }
  };
  // Only the account's own session sees it; the count is what the completion linked (display only).
  const showVerified: RequestHandler = (req, res) => {
    const cases = Number(req.query.cases);
    res.render('users/verified', { ok: true, linkedCases: Number.isSafeInteger(cases) && cases > 0 ? cases : 0, message: null });
  };

  router.get('/verify-email', noStore, csrf.browserSession, showVerify);
  router.post('/verify-email', noStore, csrf.protect, openLink, validateForm(verifySchema, ['name', 'password'], refuse, CONVERT), submitVerify);
  router.get('/verify-email/done', noStore, requireAuth, showVerified);
  return router;
}

/** The account pages, mounted at the site's root: sign-in/out, sign-up, and email verification. */
export function authPagesRouter(deps: ModuleDeps, csrf: Csrf, limits: AuthLimits = createAuthLimits(deps)): Router {
  const kit: AuthPagesKit = { deps, csrf, limits, settings: tokenSettings(deps.config, deps.clock), secure: deps.config.nodeEnv === 'production' };
  const router = Router();
  router.use(signInPages(kit), signUpPages(kit), verificationPages(kit));
  return router;
}
