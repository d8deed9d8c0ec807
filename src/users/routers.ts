/** The users module's routers: sign-in and tokens, account administration, the sign-in pages. */
import { Router } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import type { ModuleRouters, RouterKit } from '../shared/routers.js';
import { adminUsersRouter } from './admin.routes.js';
import { authPagesRouter } from './auth.pages.js';
import { authApiRouter, createAuthLimits } from './auth.routes.js';

/** One set of sign-in limits for the API and the pages alike. */
export function usersRouters(deps: ModuleDeps, kit: RouterKit): ModuleRouters {
  const limits = createAuthLimits(deps);
  const api = Router();
  api.use('/auth', authApiRouter(deps, limits));
  api.use('/admin/users', adminUsersRouter(deps));
  return { api, pages: authPagesRouter(deps, kit.csrf, limits) };
}
