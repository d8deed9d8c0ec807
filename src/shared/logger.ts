import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Personal data and secrets never reach the logs. Paths are listed at the depths where our
 * objects carry them (a case's contact, a user, a request body).
 */
const SENSITIVE = ['name', 'email', 'phone', 'nationalId', 'password', 'token', 'trackingToken', 'accessToken', 'refreshToken', 'secret', 'contact', 'description'];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-tracking-token"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  ...SENSITIVE.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

/**
 * Database errors repeat what they were sent: a duplicate key names the value (an email), a failed
 * query its filter (a name searched for). Their message and extra fields stay out of the logs; the
 * type, code and where it happened are kept.
 */
export function serializeError(err: unknown): unknown {
  const plain = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown> | undefined;
  if (!plain || typeof plain !== 'object') return plain;
  const type = typeof plain.type === 'string' ? plain.type : '';
  const name = (err as { name?: unknown } | null)?.name;
  if (!/^Mongo/.test(type) && !(typeof name === 'string' && /^Mongo/.test(name))) return plain;
  const frames = typeof plain.stack === 'string' ? plain.stack.split('\n').filter((l) => /^\s+at /.test(l)).join('\n') : undefined;
  return { type: type || name, ...(plain.code !== undefined ? { code: plain.code } : {}), ...(plain.codeName !== undefined ? { codeName: plain.codeName } : {}), message: '[database error: message withheld]', ...(frames ? { stack: frames } : {}) };
}

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      serializers: { err: serializeError },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'tawasul' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
