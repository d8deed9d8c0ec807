/**
 * Who is asking. `authenticate` sets `res.locals.principal` (or leaves it undefined for anonymous
 * requests); the guards then decide.
 *
 * - `Authorization: Bearer …` (API and scripts): a token that fails is 401 INVALID_TOKEN, never a
 *   silent downgrade to anonymous; any other Authorization scheme is 401 too.
 * - Session cookies (pages only; the JSON API under /api/ reads bearer tokens only, so a browser's
 *   cookies can never authorise an API call made by another site): an expired access cookie is
 *   renewed transparently with the refresh cookie (rotating it); cookies that no longer work are
 *   cleared and the page is shown signed out, since a stale cookie is not something a visitor chose
 *   to send.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { AppDeps } from '../shared/deps.js';
import type { Csrf } from '../shared/csrf.js';
import { ForbiddenError, UnauthenticatedError } from '../shared/errors.js';
import { wantsJson } from '../shared/error-handler.js';
import { refreshSession } from './auth.service.js';
import type { Principal, Role } from '../shared/principal.js';
import { clearSessionCookies, readSessionCookies, setSessionCookies } from './session-cookies.js';
import { invalidToken, principalFromAccessToken, tokenSettings } from './tokens.js';

const BEARER = /^Bearer[ ]+([A-Za-z0-9_.~+/=-]+)[ ]*$/i;

export function principalOf(res: Response): Principal | undefined {
  return (res.locals as { principal?: Principal }).principal;
}

/** Whether the request is for the JSON API. `originalUrl`: inside a mounted router `path` is relative. */
function isApi(req: Request): boolean {
  const path = req.originalUrl.split('?')[0] ?? '';
  return path === '/api' || path.startsWith('/api/');
}

export interface AuthenticateOptions {
  /** Lets the page header render the sign-out form (a POST with a CSRF token). */
  csrf?: Csrf;
}

export function authenticate(deps: Pick<AppDeps, 'config' | 'clock'>, options: AuthenticateOptions = {}): RequestHandler {
  const settings = tokenSettings(deps.config, deps.clock);
  const secure = deps.config.nodeEnv === 'production';

  const signedIn = (req: Request, res: Response, principal: Principal) => {
    res.locals.principal = principal;
    const csrf = options.csrf;
    if (csrf && !isApi(req)) {
      // Called by the header while it renders: only pages that show it pay for a token.
      res.locals.signOutCsrfToken = () => {
        csrf.browserSession(req, res, () => undefined);
        return csrf.token(req, res);
      };
    }
  };

  return async (req, res, next) => {
    res.locals.principal = undefined;
    const header = req.get('authorization');
    if (header !== undefined) {
      const token = BEARER.exec(header)?.[1];
      if (!token) throw invalidToken();
      signedIn(req, res, await principalFromAccessToken(token, settings));
      next();
      return;
    }
    if (isApi(req)) {
      next();
      return;
    }
    const cookies = readSessionCookies(req, secure);
    if (cookies.access) {
      try {
        signedIn(req, res, await principalFromAccessToken(cookies.access, settings));
        next();
        return;
      } catch {
        // expired or no longer valid: try the refresh cookie
      }
    }
    if (cookies.refresh) {
      try {
        const session = await refreshSession(cookies.refresh, settings);
        setSessionCookies(res, session, secure);
        const u = session.user;
        signedIn(req, res, { userId: u.id, role: u.role as Role, ...(u.agency ? { agency: u.agency } : {}), name: u.name, email: u.email, language: u.language as Principal['language'] });
        next();
        return;
      } catch (err) {
        if (!(err instanceof UnauthenticatedError)) throw err;
      }
    }
    if (cookies.access || cookies.refresh) clearSessionCookies(res, secure);
    next();
  };
}

function refuseAnonymous(req: Request, res: Response): void {
  // A person following a link to a page that needs an account is sent to sign in, and back after.
  if (req.method === 'GET' && !wantsJson(req)) {
    res.redirect(303, `/signin?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  throw new UnauthenticatedError();
}

/** 401 UNAUTHENTICATED without a principal (pages: a redirect to /signin?next=…). */
export const requireAuth: RequestHandler = (req, res, next) => {
  if (principalOf(res)) {
    next();
    return;
  }
  refuseAnonymous(req, res);
};

/** requireAuth, then 403 FORBIDDEN unless the principal has one of the roles. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    const principal = principalOf(res);
    if (!principal) {
      refuseAnonymous(req, res);
      return;
    }
    if (!roles.includes(principal.role)) throw new ForbiddenError();
    next();
  };
}
