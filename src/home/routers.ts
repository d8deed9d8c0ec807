/** The home module's router: the front page and the language switch. */
import type { ModuleDeps } from '../shared/deps.js';
import type { ModuleRouters } from '../shared/routers.js';
import { homeRouter } from './home.pages.js';

export function homeRouters(deps: ModuleDeps): ModuleRouters {
  return { pages: homeRouter(deps) };
}
