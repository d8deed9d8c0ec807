/** The privacy module's routers: a citizen's own data (download, close the account), under /api/v1/me and /account. */
import { Router } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import type { ModuleRouters, RouterKit } from '../shared/routers.js';
import { accountPagesRouter } from './account.pages.js';
import { meRouter } from './me.routes.js';

export function privacyRouters(deps: ModuleDeps, kit: RouterKit): ModuleRouters {
  const api = Router();
  api.use('/me', meRouter(deps));
  return { api, pages: accountPagesRouter(deps, kit.csrf) };
}
