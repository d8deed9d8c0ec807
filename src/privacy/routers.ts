/** The privacy module's router: a citizen's own data (download, close the account) under /me. */
import { Router } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import type { ModuleRouters } from '../shared/routers.js';
import { meRouter } from './me.routes.js';

export function privacyRouters(deps: ModuleDeps): ModuleRouters {
  const api = Router();
  api.use('/me', meRouter(deps));
  return { api };
}
