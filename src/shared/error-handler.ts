/**
 * The one error chain: any error becomes `{"error":{"code","message","details"}}` for the API and
 * clients that prefer JSON, or the error page for browsers, in the request's language. Unknown
 * errors are logged with their stack and shown only as INTERNAL with a request id to quote.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { NotFoundError, STATUS_BY_KIND, toAppError } from './errors.js';
import { directionOf, requestLanguage } from './i18n.js';
import type { Logger } from './logger.js';

export const notFoundHandler: RequestHandler = () => {
  throw new NotFoundError('ROUTE_NOT_FOUND', 'No such page or endpoint.');
};

/** JSON for the API (by the full path: inside a mounted router `req.path` is relative) and for clients that prefer it. */
export function wantsJson(req: { originalUrl: string; accepts(types: string[]): string | false }): boolean {
  const path = req.originalUrl.split('?')[0] ?? '';
  if (path.startsWith('/api/') || path === '/api') return true;
  return req.accepts(['html', 'json']) === 'json';
}

/** 503 answers that are the service protecting itself (the caller is told when to come back), not a fault. */
const LOAD_SHED = new Set(['UPLOADS_BUSY']);

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const appError = toAppError(err);
    const status = STATUS_BY_KIND[appError.kind];
    const requestId = typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : '';
    // Shedding load by design (a full upload queue) is a warning for operators, not a failure to chase.
    if (LOAD_SHED.has(appError.code)) logger.warn({ requestId, code: appError.code }, 'request turned away: busy');
    else if (status >= 500) logger.error({ err, requestId, code: appError.code }, 'request failed');
    else logger.debug({ requestId, code: appError.code }, 'request rejected');

    // req.t is absent only if the error came before the language middleware ran.
    const key = `errors.${appError.code}`;
    const translated = (req as { i18n?: typeof req.i18n }).i18n?.exists(key);
    const message = translated ? req.t(key, appError.params) : appError.message;
    res.status(status);
    // A limiter sets the seconds left in its window; 60 only when nothing better is known.
    if (appError.kind === 'rate_limited' && !res.get('Retry-After')) res.set('Retry-After', '60');
    if (wantsJson(req)) {
      res.json({ error: { code: appError.code, message, ...(appError.details ? { details: appError.details } : {}), ...(status >= 500 ? { requestId } : {}) } });
      return;
    }
    const lang = requestLanguage(req);
    const locals = { status, code: appError.code, message, requestId: status >= 500 ? requestId : '', lang, dir: directionOf(lang), t: req.t, currentPath: req.path };
    res.render('errors/error', locals, (renderError: Error | null, html?: string) => {
      if (renderError) {
        // The error page itself failed: answer in plain text rather than not at all.
        logger.error({ err: renderError, requestId }, 'error page failed to render');
        res.type('text/plain').send(`${status} ${appError.code}: ${message}`);
        return;
      }
      res.send(html);
    });
  };
}
