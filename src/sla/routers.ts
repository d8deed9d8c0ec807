/** The SLA module's router: calendars and policies (its paths are its own: /calendars, /sla-policies…). */
import type { ModuleDeps } from '../shared/deps.js';
import type { ModuleRouters } from '../shared/routers.js';
import { slaRouter } from './sla.routes.js';

export function slaRouters(deps: ModuleDeps): ModuleRouters {
  return { api: slaRouter(deps) };
}
