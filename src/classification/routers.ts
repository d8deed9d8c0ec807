/** The classification module's routers: the classifier's admin API and page. */
import { Router } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import type { ModuleRouters, RouterKit } from '../shared/routers.js';
import { classifierApiRouter, classifierPagesRouter } from './classifier.routes.js';

export function classificationRouters(deps: ModuleDeps, kit: RouterKit): ModuleRouters {
  const api = Router();
  api.use('/admin/classifier', classifierApiRouter(deps));
  return { api, pages: classifierPagesRouter(deps, kit.csrf) };
}
