/**
 * What the citizen's page routers (filing.pages.ts, tracking.pages.ts, my-cases.pages.ts) share: the
 * sealed cookies that carry a tracking token, the directory the pages name things from, and reading
 * a flat form. The tracking token travels in a sealed HttpOnly cookie after the first step, never in
 * a page address that stays in history.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config/index.js';
import { getDirectory, type DirectoryView } from '../directory/index.js';
import { ServiceUnavailableError, type ErrorDetail } from '../shared/errors.js';
import { sealingKey, seal, unseal } from '../shared/idempotency.js';
import { principalOf } from '../users/index.js';
import type { CaseDoc } from './case.model.js';
import { findCaseFor } from './workspace.service.js';
import { normaliseReference } from './reference.js';
import { findVisibleCase } from './tracking.service.js';

const TRACK_COOKIE_MS = 12 * 3600 * 1000;

/**
 * The page cookies that carry a tracking token: the one-time confirmation (`tw_filed`, Path=/cases/filed)
 * and one per followed case (`trk_<reference>`, Path=/cases/). In production they are `__Secure-`
 * named, so that a browser takes them only over HTTPS with Secure and nothing on plain HTTP can plant
 * or overwrite them; `__Host-` would need Path=/, which these paths are not. Plain names in development.
 */
export interface PageCookies {
  secure: boolean;
  flash: string;
  trackPrefix: string;
  /** The key that seals their values. */
  key: Buffer;
}

/** The page cookies' names and sealing key for this configuration. */
export function pageCookies(config: Pick<Config, 'nodeEnv'> & { jwtSecret: string }): PageCookies {
  const secure = config.nodeEnv === 'production';
  const prefix = secure ? '__Secure-' : '';
  return { secure, flash: `${prefix}tw_filed`, trackPrefix: `${prefix}trk_`, key: sealingKey(config.jwtSecret, 'page-cookies-v1') };
}

/** Remembers a case's tracking token in this browser (sealed, HttpOnly, for /cases/ only). */
export function rememberTracking(res: Response, cookies: PageCookies, reference: string, token: string): void {
  res.cookie(`${cookies.trackPrefix}${reference}`, seal(cookies.key, token), { httpOnly: true, sameSite: 'lax', secure: cookies.secure, path: '/cases/', maxAge: TRACK_COOKIE_MS });
}

/** The tracking token this browser holds for a case, if any and if its seal holds. */
export function trackedToken(req: Request, cookies: PageCookies, reference: string): string | undefined {
  const sealed = (req.cookies as Record<string, string | undefined>)[`${cookies.trackPrefix}${reference}`];
  if (!sealed) return undefined;
  try {
    return unseal(cookies.key, sealed);
  } catch {
    return undefined;
  }
}

/**
 * The case named in the address, as this visitor may see it: a signed-in citizen's own case, else
 * with the tracking code this browser holds, else as anyone (which finds nothing: CASE_NOT_FOUND).
 */
export async function visibleFromCookie(req: Request<{ reference: string }>, res: Response, cookies: PageCookies): Promise<CaseDoc> {
  const p = principalOf(res);
  if (p?.role === 'citizen') {
    try {
      return await findCaseFor(p, req.params.reference); // their own case, signed in
    } catch {
      // not theirs: fall back to a tracking code this browser may hold
    }
  }
  const reference = normaliseReference(req.params.reference);
  const token = reference ? trackedToken(req, cookies, reference) : undefined;
  return findVisibleCase(reference, token ? { kind: 'tracking-token', token } : { kind: 'anonymous' });
}

/**
 * The directory of the deployment's profile; pages cannot be drawn before it is loaded. Given an
 * instant (a filing form), only the categories offered then are listed.
 */
export async function directoryOrFail(profile: string, at?: Date): Promise<DirectoryView> {
  const directory = await getDirectory(profile, at);
  if (!directory) throw new ServiceUnavailableError('DIRECTORY_NOT_SEEDED', 'The directory has not been loaded.');
  return directory;
}

/** The citizen's pages carry personal data and one-time tokens: no cache keeps them. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

export type FormBody = Record<string, unknown>;

/** A form field, if it came as text. */
export function text(body: FormBody, name: string): string | undefined {
  const v = body[name];
  return typeof v === 'string' ? v : undefined;
}

/** A posted form (an empty one when nothing was posted). */
export function formBody(req: Request): FormBody {
  return (req.body ?? {}) as FormBody;
}

/** Validation problems to one message per form field, for showing beside the fields. */
export function errorsByField(details: ErrorDetail[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const d of details) {
    const field = d.field.replace(/\[\d+\]$/, '');
    errors[field] ??= d.message;
  }
  return errors;
}
