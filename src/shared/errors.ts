/**
 * One error taxonomy. Services throw these with a stable `code`; only the error handler turns a
 * `kind` into an HTTP status and a rendering. Messages shown to people come from the locale files
 * (`errors.<CODE>`), so `message` here is the English fallback and what the logs see.
 */
export type ErrorKind =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export interface ErrorDetail {
  /** Dotted path of the offending input field, e.g. `contact.email`. */
  field: string;
  /** Stable machine code for this field's problem, e.g. `any.required`, `UNKNOWN_CODE`. */
  code: string;
  /** A sentence a person can act on, in the request's language. */
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    /** Values interpolated into the localised message. */
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class ValidationError extends AppError {
  constructor(details: ErrorDetail[], message = 'Some fields are missing or invalid.') {
    super('bad_request', 'VALIDATION_FAILED', message, details);
  }
}

export class BadRequestError extends AppError {
  constructor(code: string, message: string, params?: Record<string, string | number>) {
    super('bad_request', code, message, undefined, params);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(code = 'UNAUTHENTICATED', message = 'Sign in to continue.') {
    super('unauthenticated', code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(code = 'FORBIDDEN', message = 'You are not allowed to do this.') {
    super('forbidden', code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(code = 'NOT_FOUND', message = 'Not found.') {
    super('not_found', code, message);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, params?: Record<string, string | number>) {
    super('conflict', code, message, undefined, params);
  }
}

export class UnprocessableError extends AppError {
  constructor(code: string, message: string) {
    super('unprocessable', code, message);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(code = 'SERVICE_UNAVAILABLE', message = 'The service is temporarily unavailable.') {
    super('unavailable', code, message);
  }
}

export const STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

const CODE_BY_STATUS: Readonly<Record<number, [ErrorKind, string]>> = {
  400: ['bad_request', 'BAD_REQUEST'],
  401: ['unauthenticated', 'UNAUTHENTICATED'],
  403: ['forbidden', 'FORBIDDEN'],
  404: ['not_found', 'NOT_FOUND'],
  413: ['payload_too_large', 'PAYLOAD_TOO_LARGE'],
  415: ['unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE'],
  429: ['rate_limited', 'RATE_LIMITED'],
};

/**
 * Turns anything thrown into an AppError. Errors from Express's own parsers (http-errors with
 * `expose: true`) keep their 4xx meaning; anything else is an internal error whose message is
 * never shown to the client.
 */
/** The driver's and Mongoose's ways of saying that no database answered in time. */
const DATABASE_DOWN = new Set(['MongoServerSelectionError', 'MongooseServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoNotConnectedError', 'MongoTopologyClosedError', 'MongoPoolClearedError', 'MongoOperationTimeoutError']);

const MALFORMED_MULTIPART = /^(Multipart: Boundary not found|Malformed part header|Unexpected end of (form|file))$/;

export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { name?: unknown; message?: unknown } | null;
  if (!e || typeof e.name !== 'string') return false;
  if (DATABASE_DOWN.has(e.name)) return true;
  // Mongoose queues operations while disconnected and gives up after `bufferTimeoutMS`.
  return e.name === 'MongooseError' && typeof e.message === 'string' && /buffering timed out/.test(e.message);
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) return new AppError('unavailable', 'DATABASE_UNAVAILABLE', 'The database is not answering.');
  const e = err as { status?: unknown; statusCode?: unknown; expose?: unknown; type?: unknown } | null;
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  // The multipart parser (busboy, under multer) gave up on a body that is not a well-formed form.
  if (err instanceof Error && !(err as { code?: unknown }).code && MALFORMED_MULTIPART.test(err.message)) {
    return new AppError('bad_request', 'MALFORMED_MULTIPART', 'The uploaded form is not well formed.');
  }
  // The router could not decode a percent-encoded path parameter (`/cases/bad%ZZ`).
  if (err instanceof URIError && status === 400) return new AppError('bad_request', 'MALFORMED_URL', 'The address is not correctly encoded.');
  if (e && (e as { code?: unknown }).code === 'CSRF_INVALID') {
    return new AppError('forbidden', 'CSRF_INVALID', 'The form has expired or did not come from this site.');
  }
  if (e && status && status >= 400 && status < 500 && e.expose === true) {
    if (e.type === 'entity.parse.failed') return new AppError('bad_request', 'MALFORMED_JSON', 'The request body is not valid JSON.');
    if (e.type === 'entity.too.large') return new AppError('payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is too large.');
    const [kind, code] = CODE_BY_STATUS[status] ?? ['bad_request', 'BAD_REQUEST'];
    return new AppError(kind, code, 'The request could not be processed.');
  }
  return new AppError('internal', 'INTERNAL', 'Something went wrong on our side.');
}
