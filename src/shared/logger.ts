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

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'tawasul' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
