/** The cases module's routers: the case API, the citizens' case pages and the staff workspace. */
import { Router } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import type { ModuleRouters, RouterKit } from '../shared/routers.js';
import { casePagesRouter } from './case.pages.js';
import { casesApiRouter } from './case.routes.js';
import { workspaceActionsRouter, workspaceSessionRouter, workspaceViewRouter } from './workspace.pages.js';

export function casesRouters(deps: ModuleDeps, kit: RouterKit): ModuleRouters {
  const api = Router();
  api.use('/cases', casesApiRouter(deps, kit.limits));
  const pages = Router();
  pages.use(casePagesRouter(deps, kit.csrf, kit.limits));
  // The staff workspace: its session and cache rule for every /work page first, then its pages and forms.
  pages.use(workspaceSessionRouter(kit.csrf));
  pages.use(workspaceViewRouter(deps, kit.csrf));
  pages.use(workspaceActionsRouter(deps, kit.csrf));
  return { api, pages };
}
