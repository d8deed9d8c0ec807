/**
 * The directory module's routers: the public reference directory (agencies, areas, categories), and
 * the administrators' API and page that edit it. The admin guard comes from app.ts (users' requireRole:
 * the users module sits above this one).
 */
import { Router, type RequestHandler } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import type { ModuleRouters, RouterKit } from '../shared/routers.js';
import { directoryAdminRouter } from './directory-admin.routes.js';
import { directoryAdminPagesRouter } from './directory-admin.pages.js';
import { directoryRouter } from './directory.routes.js';

export function directoryRouters(deps: ModuleDeps, kit: RouterKit, adminOnly: RequestHandler): ModuleRouters {
  const api = Router();
  api.use('/directory', directoryRouter(deps.config.deploymentProfile, deps.clock));
  api.use('/admin/directory', directoryAdminRouter(deps, adminOnly));
  return { api, pages: directoryAdminPagesRouter(deps, kit.csrf, adminOnly) };
}
