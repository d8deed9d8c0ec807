/**
 * createApp(deps) builds the Express application and nothing else: no connections, no listening,
 * no timers. server.ts and the tests call it with their own dependencies.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { createCsrf } from './shared/csrf.js';
import { jsonBodies } from './shared/json-body.js';
import { createLimiter } from './shared/rate-limit.js';
import { errorHandler, notFoundHandler } from './shared/error-handler.js';
import { healthRouter } from './shared/health.routes.js';
import { createMetrics } from './metrics/index.js';
import { profileIdentity, type Config } from './config/index.js';
import type { Csrf } from './shared/csrf.js';
import type { AppDeps, ModuleDeps } from './shared/deps.js';
import type { Logger } from './shared/logger.js';
import { wireHooks } from './wiring.js';
import { directionOf, languageCookieName, sharedI18n, i18nMiddleware, requestLanguage } from './shared/i18n.js';
import { auditRouters } from './audit/index.js';
import { casesRouters } from './cases/index.js';
import { classificationRouters } from './classification/index.js';
import { directoryRouters } from './directory/index.js';
import { homeRouters } from './home/index.js';
import { privacyRouters } from './privacy/index.js';
import { recurringRouters } from './recurring/index.js';
import type { RouterKit } from './shared/routers.js';
import { slaRouters } from './sla/index.js';
import { authenticate, requireRole, usersRouters } from './users/index.js';


const ROOT = path.resolve(__dirname, '..');
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export type { AppDeps } from './shared/deps.js';

/** One log line per request, tagged with its id (a sane incoming X-Request-Id, or a new one). */
function requestLogging(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Paths only: query strings can carry tokens and personal data.
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // Probes and scrapes every few seconds would drown the log; their failures show in /metrics and /readyz.
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
  });
}

/** Security headers: a CSP that allows only our own scripts, styles and forms; HSTS in production. */
function securityHeaders(config: Config): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], formAction: ["'self'"], frameAncestors: ["'none'"] },
    },
    hsts: config.nodeEnv === 'production',
  });
}

/** What every view reads: the language, its direction, the translator and the current path. */
const viewLocals: RequestHandler = (req, res, next) => {
  const lang = requestLanguage(req);
  res.locals.lang = lang;
  res.locals.dir = directionOf(lang);
  res.locals.t = req.t;
  res.locals.currentPath = req.originalUrl.split('?')[0];
  next();
};

/** The kit the module faces share: the CSRF guard and the filing and tracking limits. */
function routerKit(deps: ModuleDeps, csrf: Csrf): RouterKit {
  const window = 15 * 60_000;
  return {
    csrf,
    limits: {
      filing: createLimiter('filing', { limit: deps.config.rateLimitFiling, windowMs: window }, deps.clock),
      tracking: createLimiter('tracking', { limit: deps.config.rateLimitTracking, windowMs: window }, deps.clock),
    },
  };
}

/** The modules' faces mounted in order: their JSON APIs under /api/v1, then their pages. */
function mountModules(app: Express, deps: ModuleDeps, kit: RouterKit): void {
  // One router face per module (shared/routers.ts). Recurring's before cases': /cases/similar and
  // /cases/:reference/follow are its paths.
  const modules = {
    directory: directoryRouters(deps, kit, requireRole('admin')),
    recurring: recurringRouters(deps, kit),
    cases: casesRouters(deps, kit),
    users: usersRouters(deps, kit),
    privacy: privacyRouters(deps, kit),
    sla: slaRouters(deps),
    classification: classificationRouters(deps, kit),
    audit: auditRouters(deps),
    home: homeRouters(deps),
  };

  const api = express.Router();
  // 1 MB: large enough that an over-long field is a 400 naming the field, not a bare 413.
  api.use(express.json({ limit: '1mb', strict: true }));
  api.use(jsonBodies);
  for (const m of [modules.directory, modules.recurring, modules.cases, modules.users, modules.privacy, modules.sla, modules.classification, modules.audit]) if (m.api) api.use(m.api);
  app.use('/api/v1', api);

  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  for (const m of [modules.users, modules.home, modules.cases, modules.classification, modules.recurring, modules.privacy, modules.directory]) if (m.pages) app.use(m.pages);
}

/** The application: settings, the middleware every request passes, the modules, 404 and the error chain. */
export function createApp(given: AppDeps): Express {
  const deps: ModuleDeps = { ...given, hooks: given.hooks ?? wireHooks() };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.set('view engine', 'ejs');
  app.set('views', path.join(ROOT, 'views'));
  app.locals.profile = deps.config.deploymentProfile;
  // Pages tell the citizen how to call: the profile's contact centre (profiles/<code>/profile.json).
  app.locals.contactCentre = profileIdentity(deps.config.deploymentProfile).contactCentre;
  app.locals.languageCookie = languageCookieName(deps.config.nodeEnv === 'production');

  app.use(requestLogging(deps.logger));
  // Operators: every response timed by route pattern; /metrics itself below, behind its token.
  const metrics = createMetrics(deps);
  app.use(metrics.observe);
  // Language first, so that every later answer, errors included, is in it.
  const i18n = sharedI18n();
  app.use(cookieParser());
  app.use(i18nMiddleware(i18n));

  app.use(securityHeaders(deps.config));
  app.use('/static', express.static(path.join(ROOT, 'public'), { maxAge: deps.config.nodeEnv === 'production' ? '1d' : 0, index: false }));
  app.use(metrics.router);
  app.use(healthRouter(deps.isDatabaseReady));

  app.use(viewLocals);
  // Who is asking, before any router or view: sets res.locals.principal (users/auth.middleware.ts).
  const csrf = createCsrf(deps.config);
  app.use(authenticate(deps, { csrf }));

  mountModules(app, deps, routerKit(deps, csrf));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
