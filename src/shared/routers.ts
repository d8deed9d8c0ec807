/**
 * A module's face for HTTP (issue 21): one function per module returns its routers, and app.ts
 * mounts them, knowing nothing of the paths inside. `api` is mounted under /api/v1 after the JSON
 * body parsers; `pages` after the form parser.
 */
import type { RequestHandler, Router } from 'express';
import type { Csrf } from './csrf.js';

export interface ModuleRouters {
  api?: Router;
  pages?: Router;
}

/** What app.ts builds once and every module's routers share: the CSRF guard and the request limits. */
export interface RouterKit {
  csrf: Csrf;
  limits: { filing: RequestHandler; tracking: RequestHandler };
}
