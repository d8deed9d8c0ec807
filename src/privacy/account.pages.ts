/**
 * The citizen's own data, as pages (the same duties as `/api/v1/me`, for people rather than programs):
 * `/account` offers the download of everything held about them and closing the account, which asks
 * for the password again. Close attempts share the API's per-account limit, so the page is no second
 * door for guessing. Nothing here is cached.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import Joi from 'joi';
import type { Csrf } from '../shared/csrf.js';
import type { ModuleDeps } from '../shared/deps.js';
import { pageRefusal } from '../shared/page-errors.js';
import { createLimiter } from '../shared/rate-limit.js';
import { validateForm } from '../shared/validate-form.js';
import { clearSessionCookies, MAX_PASSWORD_LENGTH, principalOf, requireRole } from '../users/index.js';
import { closeMyAccount, exportMyData } from './me.service.js';

const closeForm = Joi.object({ password: Joi.string().min(1).max(MAX_PASSWORD_LENGTH).required() });

const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/** The limiter both doors to closing an account count in (one name, one window per account). */
export function closeAccountLimit(deps: Pick<ModuleDeps, 'config' | 'clock'>): RequestHandler {
  return createLimiter(
    'close-account',
    { windowMs: 15 * 60_000, limit: deps.config.rateLimitSignInAccount, countFailuresOnly: true, key: (_req, res) => `user:${principalOf(res)?.userId ?? ''}` },
    deps.clock,
  );
}

function renderAccount(csrf: Csrf, req: Request, res: Response, status: number, error: string | null, errors: Record<string, string> = {}): void {
  res.status(status).render('users/account', { title: req.t('account.title'), csrfToken: csrf.token(req, res), error, errors });
}

export function accountPagesRouter(deps: ModuleDeps, csrf: Csrf): Router {
  const router = Router();
  const citizen = requireRole('citizen');
  const refuse = (req: Request, res: Response, errors: Record<string, string>) => renderAccount(csrf, req, res, 400, null, errors);
  router.get('/account', noStore, citizen, csrf.browserSession, (req, res) => renderAccount(csrf, req, res, 200, null));
  router.get('/account/data', noStore, citizen, downloadData(deps));
  router.post('/account/close', noStore, citizen, closeAccountLimit(deps), csrf.protect, validateForm(closeForm, ['password'], refuse), closeAccount(deps, csrf));
  return router;
}

function downloadData(deps: ModuleDeps): RequestHandler {
  return async (_req, res) => {
    const data = await exportMyData(principalOf(res)!, deps.clock.now());
    res.set('Content-Disposition', 'attachment; filename="tawasul-my-data.json"');
    res.json(data);
  };
}

/** Closes the account; a wrong password comes back on the form (403), counted by the limit. */
function closeAccount(deps: ModuleDeps, csrf: Csrf): RequestHandler {
  return async (req, res) => {
    try {
      const result = await closeMyAccount(principalOf(res)!, (res.locals.form as { password: string }).password, deps.clock.now(), deps.hooks.caseAnonymised);
      clearSessionCookies(res, deps.config.nodeEnv === 'production');
      res.locals.principal = undefined;
      res.render('users/account-closed', { title: req.t('account.closedTitle'), ...result });
    } catch (err) {
      const { status, message } = pageRefusal(err, req.t, { kinds: ['forbidden'] });
      renderAccount(csrf, req, res, status, message);
    }
  };
}
