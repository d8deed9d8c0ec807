/** The cases module's routers: the case API, the citizens' case pages and the staff workspace. */
import { Router } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import type { ModuleRouters, RouterKit } from '../shared/routers.js';
import { casesApiRouter } from './case.routes.js';
import { filingPagesRouter } from './filing.pages.js';
import { meetingsApiRouter } from './meetings.routes.js';
import { meetingsWorkRouter } from './meetings.pages.js';
import { myCasesPagesRouter } from './my-cases.pages.js';
import { noStore } from './page-support.js';
import { trackingPagesRouter } from './tracking.pages.js';
import { workspaceActionsRouter, workspaceViewRouter } from './workspace.pages.js';

export function casesRouters(deps: ModuleDeps, kit: RouterKit): ModuleRouters {
  const api = Router();
  api.use('/cases', casesApiRouter(deps, kit.limits));
  api.use('/cases', meetingsApiRouter(deps)); // after the case API, whose tracking limit it shares
  const pages = Router();
  // Every page from here on (the workspace's too) has a browser session for CSRF and is never cached.
  pages.use(kit.csrf.browserSession, noStore);
  pages.use(filingPagesRouter(deps, kit.csrf, kit.limits));
  pages.use(trackingPagesRouter(deps, kit.csrf, kit.limits));
  pages.use(myCasesPagesRouter(deps));
  pages.use(workspaceViewRouter(deps, kit.csrf));
  pages.use(workspaceActionsRouter(deps, kit.csrf));
  pages.use(meetingsWorkRouter(deps, kit.csrf));
  return { api, pages };
}
