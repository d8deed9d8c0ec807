/**
 * `/api/v1/admin/users` (administrators): create staff accounts and disable any account. The same
 * service as the CLI: idempotent on email, agency checked against the directory, disabling ends
 * every session at once.
 */
import { Router } from 'express';
import Joi from 'joi';
import type { AppDeps } from '../shared/deps.js';
import { validate } from '../shared/validate.js';
import { requireRole } from './auth.middleware.js';
import { ROLES } from '../shared/principal.js';
import { userView } from './auth.service.js';
import { createUser, disableUser, type CreateUserInput } from './user.service.js';

const createStaffSchema = Joi.object({
  email: Joi.string().trim().lowercase().email({ tlds: false }).max(254).required(),
  password: Joi.string().min(10).max(1024).required(),
  role: Joi.string().valid(...ROLES.filter((r) => r !== 'citizen')).required(),
  agency: Joi.string().trim().pattern(/^[A-Z][A-Z0-9_]*$/).max(64),
  name: Joi.string().trim().min(2).max(100).required(),
  language: Joi.string().valid('ar', 'en').default('ar'),
  triage: Joi.boolean(),
});

const disableSchema = Joi.object({ email: Joi.string().trim().lowercase().email({ tlds: false }).max(254).required() });

export function adminUsersRouter(deps: AppDeps): Router {
  const router = Router();
  router.use(requireRole('admin'));

  router.post('/', validate('body', createStaffSchema), async (_req, res) => {
    const result = await createUser(res.locals.body as CreateUserInput, { profile: deps.config.deploymentProfile, now: deps.clock.now() });
    res.status(result.status === 'created' ? 201 : 200).json({ status: result.status, user: userView(result.user) });
  });

  router.post('/disable', validate('body', disableSchema), async (_req, res) => {
    const { user, alreadyDisabled } = await disableUser((res.locals.body as { email: string }).email, deps.clock.now());
    res.json({ status: alreadyDisabled ? 'already-disabled' : 'disabled', user: userView(user) });
  });

  return router;
}
