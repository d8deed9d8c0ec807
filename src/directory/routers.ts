/** The directory module's router: the public reference directory (agencies, areas, categories). */
import { Router } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import type { ModuleRouters } from '../shared/routers.js';
import { directoryRouter } from './directory.routes.js';

export function directoryRouters(deps: ModuleDeps): ModuleRouters {
  const api = Router();
  api.use('/directory', directoryRouter(deps.config.deploymentProfile));
  return { api };
}
