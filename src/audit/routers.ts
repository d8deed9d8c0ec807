/** The audit module's router: the audit log for administrators. */
import { Router } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import type { ModuleRouters } from '../shared/routers.js';
import { auditRouter } from './audit.routes.js';

export function auditRouters(deps: ModuleDeps): ModuleRouters {
  const api = Router();
  api.use('/admin/audit', auditRouter(deps));
  return { api };
}
