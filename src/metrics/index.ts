/**
 * The operator's view: `GET /metrics` in the Prometheus text format (prom-client), behind
 * `Authorization: Bearer <METRICS_TOKEN>`. Without METRICS_TOKEN nothing is built and `/metrics`
 * does not exist (the ordinary 404). Each createApp gets a registry of its own, never prom-client's
 * global one, so that tests can build several apps side by side.
 *
 * - HTTP: a duration histogram by method and route pattern (`/api/v1/cases/:reference`, never the
 *   address asked for, which can carry a reference or a token) and a count by status code.
 * - The work waiting in the database, read when scraped with counts on indexed fields
 *   (`./gauges.ts`).
 * - The process: prom-client's default metrics, event-loop lag among them.
 */
import crypto from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { AppDeps } from '../shared/deps.js';
import { UnauthenticatedError } from '../shared/errors.js';
import { registerDatabaseGauges } from './gauges.js';

export interface Metrics {
  /** Times every response; mount it before the routers. A pass-through when metrics are off. */
  observe: RequestHandler;
  /** `GET /metrics`; empty when metrics are off. */
  router: Router;
  /** Undefined when metrics are off. */
  registry: Registry | undefined;
}

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)[ ]*$/i;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Seconds: from a cached read (a few ms) to the 5 s after which the database counts as gone, and beyond. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Labels for requests that matched no route (a 404, a refusal before routing, a static file). */
export const UNMATCHED_ROUTE = 'unmatched';
export const STATIC_ROUTE = '/static/*';

/** Compares two secrets in time that does not depend on where they differ (nor on their lengths). */
export function sameSecret(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

function patternOf(path: unknown): string {
  if (typeof path === 'string') return path;
  if (Array.isArray(path)) return path.map(patternOf).join('|');
  return String(path);
}

/**
 * Records the route pattern at the moment the router matches a route (`req.route` is assigned
 * then), with the mount path in force at that moment. Read later, when the response ends,
 * `req.baseUrl` may already belong to another layer, and the matched path (`req.path`, the URL)
 * holds values that are not labels.
 */
function trackRoute(req: Request): () => string | undefined {
  let route: unknown = (req as { route?: unknown }).route;
  let pattern: string | undefined;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set: (value: unknown) => {
      route = value;
      const path = (value as { path?: unknown } | undefined)?.path;
      if (path === undefined) return;
      const own = patternOf(path);
      pattern = req.baseUrl && own === '/' ? req.baseUrl : `${req.baseUrl}${own}`;
    },
  });
  return () => pattern;
}

export function createMetrics(deps: Pick<AppDeps, 'config' | 'clock' | 'logger'>): Metrics {
  const token = deps.config.metricsToken;
  if (!token) return { observe: (_req, _res, next) => next(), router: Router(), registry: undefined };

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'tawasul_http_request_duration_seconds',
    help: 'Time from the request arriving to its response ending, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const responses = new Counter({
    name: 'tawasul_http_responses_total',
    help: 'Responses sent, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  registerDatabaseGauges(registry, deps);

  const observe: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    const routeOf = trackRoute(req);
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const method = METHODS.has(req.method) ? req.method : 'OTHER';
      const route = routeOf() ?? (req.originalUrl.startsWith('/static/') ? STATIC_ROUTE : UNMATCHED_ROUTE);
      duration.observe({ method, route }, seconds);
      responses.inc({ method, route, status_code: String(res.statusCode) });
    });
    next();
  };

  const router = Router();
  router.get('/metrics', async (req, res) => {
    const given = BEARER.exec(req.get('authorization') ?? '')?.[1];
    // One answer for a missing and a wrong token: the endpoint tells nothing about which it was.
    if (given === undefined || !sameSecret(given, token)) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new UnauthenticatedError('METRICS_TOKEN_REQUIRED', 'The metrics endpoint requires its bearer token.');
    }
    const body = await registry.metrics();
    res.set('Cache-Control', 'no-store');
    res.type(registry.contentType).send(body);
  });
  return { observe, router, registry };
}
