/** The recurring module's routers: look-alikes and following under /cases, issues and rules, the review pages. */
import { Router } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import type { ModuleRouters, RouterKit } from '../shared/routers.js';
import { recurringPagesRouter } from './recurring.pages.js';
import { followRouter, recurringApiRouter, recurringRulesRouter, similarCasesRouter } from './recurring.routes.js';

/** Mounted before the cases API: /cases/similar and /cases/:reference/follow are recurring's. */
export function recurringRouters(deps: ModuleDeps, kit: RouterKit): ModuleRouters {
  const api = Router();
  api.use('/cases/similar', similarCasesRouter(deps, kit.limits.tracking));
  api.use('/cases', followRouter(kit.limits.tracking));
  api.use('/recurring-issues', recurringApiRouter(deps));
  api.use('/admin/recurring-rules', recurringRulesRouter(deps));
  return { api, pages: recurringPagesRouter(deps, kit.csrf) };
}
