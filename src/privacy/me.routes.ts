/**
 * `/api/v1/me`: the signed-in citizen's own data (PDPL): `GET /data` downloads everything held about
 * them as JSON, `POST /close` closes the account after their password is given again. Staff accounts
 * are managed by administrators: 403 for them. Nothing is cached.
 */
import { Router } from 'express';
import Joi from 'joi';
import type { ModuleDeps } from '../shared/deps.js';
import { validate } from '../shared/validate.js';
import { MAX_PASSWORD_LENGTH, principalOf, requireRole } from '../users/index.js';
import { closeAccountLimit } from './account.pages.js';
import { closeMyAccount, exportMyData } from './me.service.js';

const closeSchema = Joi.object({ password: Joi.string().min(1).max(MAX_PASSWORD_LENGTH).required() });

export function meRouter(deps: ModuleDeps): Router {
  const router = Router();
  // Password guesses through this door are limited per account, as failed sign-ins are (and as on the page).
  const closeLimit = closeAccountLimit(deps);

  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/data', requireRole('citizen'), async (_req, res) => {
    const data = await exportMyData(principalOf(res)!, deps.clock.now());
    res.set('Content-Disposition', 'attachment; filename="tawasul-my-data.json"');
    res.json(data);
  });

  router.post('/close', requireRole('citizen'), closeLimit, validate('body', closeSchema), async (_req, res) => {
    const result = await closeMyAccount(principalOf(res)!, (res.locals.body as { password: string }).password, deps.clock.now(), deps.hooks.caseAnonymised);
    res.json({ status: 'closed', ...result });
  });

  return router;
}
