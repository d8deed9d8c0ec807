/**
 * CSRF protection for forms: stateless double-submit (csrf-csrf), so it works across app
 * instances. The token is bound to a random browser-session cookie (and, with accounts, to the
 * signed-in session). Forms carry it in `_csrf`; scripts may send `X-CSRF-Token`.
 */
import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import type { Config } from '../config/index.js';
import { sealingKey } from './idempotency.js';

/**
 * The browser-session cookie. In production `__Host-` named, like the CSRF and session cookies: the
 * browser then accepts it only Secure, with Path=/ and no Domain, so no subdomain can plant one.
 */
export function browserSessionCookieName(secure: boolean): string {
  return secure ? '__Host-tw_sid' : 'tw_sid';
}

export interface Csrf {
  /** Sets the browser-session cookie when missing; put it before anything that renders a form. */
  browserSession: RequestHandler;
  /** Rejects a state-changing request without a valid token (403 CSRF_INVALID). */
  protect: RequestHandler;
  token(req: Request, res: Parameters<RequestHandler>[1]): string;
}

export function createCsrf(config: Config & { jwtSecret: string }): Csrf {
  const secure = config.nodeEnv === 'production';
  const secret = sealingKey(config.jwtSecret, 'csrf-v1').toString('hex');
  const sessionCookie = browserSessionCookieName(secure);
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => (req.cookies as Record<string, string | undefined>)[sessionCookie] ?? '',
    cookieName: secure ? '__Host-tw-csrf' : 'tw-csrf',
    cookieOptions: { sameSite: 'lax', secure, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      return typeof body?._csrf === 'string' ? body._csrf : req.get('x-csrf-token');
    },
    errorConfig: { statusCode: 403, code: 'CSRF_INVALID', message: 'The form has expired.' },
  });
  return {
    browserSession: (req, res, next) => {
      const cookies = req.cookies as Record<string, string | undefined>;
      if (!cookies[sessionCookie]) {
        const sid = crypto.randomBytes(18).toString('base64url');
        cookies[sessionCookie] = sid; // visible to this request's token generation too
        res.cookie(sessionCookie, sid, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
      }
      next();
    },
    protect: doubleCsrfProtection,
    token: (req, res) => generateCsrfToken(req, res),
  };
}
