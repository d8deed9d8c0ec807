/** The cases module's routers: the case API, the citizens' case pages and the staff workspace. */
import { Router } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import type { ModuleRouters, RouterKit } from '../shared/routers.js';
import { casePagesRouter } from './case.pages.js';
import { casesApiRouter } from './case.routes.js';
import { workspacePagesRouter } from './workspace.pages.js';

export function casesRouters(deps: ModuleDeps, kit: RouterKit): ModuleRouters {
  const api = Router();
  api.use('/cases', casesApiRouter(deps, kit.limits));
  const pages = Router();
  pages.use(casePagesRouter(deps, kit.csrf, kit.limits));
  pages.use(workspacePagesRouter(deps, kit.csrf));
  return { api, pages };
}
