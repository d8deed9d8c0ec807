/**
 * Page sessions keep the same tokens as the API, in HttpOnly cookies: SameSite=Lax, Secure and
 * `__Host-` named in production (no Domain, Path=/: no subdomain can set or read them).
 */
import type { Request, Response } from 'express';
import { REFRESH_TOKEN_TTL_MS } from './refresh-tokens.js';
import { ACCESS_TOKEN_TTL_SECONDS } from './tokens.js';

export interface SessionCookieNames {
  access: string;
  refresh: string;
}

export function sessionCookieNames(secure: boolean): SessionCookieNames {
  return secure ? { access: '__Host-tw_at', refresh: '__Host-tw_rt' } : { access: 'tw_at', refresh: 'tw_rt' };
}

export function readSessionCookies(req: Request, secure: boolean): { access?: string; refresh?: string } {
  const names = sessionCookieNames(secure);
  const cookies = (req.cookies ?? {}) as Record<string, unknown>;
  const pick = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return { access: pick(cookies[names.access]), refresh: pick(cookies[names.refresh]) };
}

export function setSessionCookies(res: Response, tokens: { accessToken: string; refreshToken: string }, secure: boolean): void {
  const names = sessionCookieNames(secure);
  const base = { httpOnly: true, sameSite: 'lax', secure, path: '/' } as const;
  res.cookie(names.access, tokens.accessToken, { ...base, maxAge: ACCESS_TOKEN_TTL_SECONDS * 1000 });
  res.cookie(names.refresh, tokens.refreshToken, { ...base, maxAge: REFRESH_TOKEN_TTL_MS });
}

export function clearSessionCookies(res: Response, secure: boolean): void {
  const names = sessionCookieNames(secure);
  const base = { httpOnly: true, sameSite: 'lax', secure, path: '/' } as const;
  res.clearCookie(names.access, base);
  res.clearCookie(names.refresh, base);
}
