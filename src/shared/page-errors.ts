/**
 * Refusals a page shows in place: when a form's action is refused (a transition not open, a rating
 * too late, a wrong password), the page comes back with the reason beside the form instead of the
 * error page. Only the error chain (./error-handler.ts) and this module turn an error's kind into a
 * status, so a refusal has the same status on a page as in the API.
 */
import { AppError, STATUS_BY_KIND, type ErrorDetail, type ErrorKind } from './errors.js';
import type { TFunction } from './i18n.js';

export interface PageRefusal {
  /** The status the page is re-rendered with: the error's kind, as the error chain would answer. */
  status: number;
  /** What the person is told, in the request's language. */
  message: string;
}

export interface PageRefusalOptions {
  /** Codes the error chain answers with its own page even though they are 4xx (e.g. CASE_NOT_FOUND). */
  passThrough?: readonly string[];
  /** Only these kinds are shown in place; others go to the error chain. Default: every 4xx kind. */
  kinds?: readonly ErrorKind[];
  /** The message for an error with field details (a validation failure), when the page words it itself. */
  detail?: (details: ErrorDetail[]) => string | undefined;
}

/**
 * The status and message a page re-renders with for a refusal the person can act on: an AppError
 * of a 4xx kind, worded by its code (`errors.<CODE>`, the English message as fallback) or by
 * `detail`. Anything else (not an AppError, a 5xx, a pass-through code) is rethrown as it is, for
 * the error chain.
 */
export function pageRefusal(err: unknown, t: TFunction, options: PageRefusalOptions = {}): PageRefusal {
  if (!(err instanceof AppError)) throw err;
  const status = STATUS_BY_KIND[err.kind];
  if (status >= 500 || options.passThrough?.includes(err.code) || (options.kinds && !options.kinds.includes(err.kind))) throw err;
  const detail = err.details?.length && options.detail ? options.detail(err.details) : undefined;
  return { status, message: detail || t(`errors.${err.code}`, { ...err.params, defaultValue: err.message }) };
}
