import { Writable } from 'node:stream';
import { createApp, type AppDeps } from '../../src/app.js';
import { loadConfig, withJwtSecret, type Config } from '../../src/config/index.js';
import { systemClock } from '../../src/shared/clock.js';
import { pingDatabase } from '../../src/shared/db/connect.js';
import { createLogger, type Logger } from '../../src/shared/logger.js';

export function testConfig(env: Record<string, string> = {}): Config & { jwtSecret: string } {
  return withJwtSecret(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: 'test-secret-test-secret-test-secret-0123', DATA_DIR: '/tmp/tawasul-unused', RATE_LIMIT_FILING: '100000', RATE_LIMIT_TRACKING: '100000', ...env }));
}

/** A logger whose lines the test can read back. */
export function capturingLogger(level = 'debug'): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level, destination });
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export function makeApp(overrides: Partial<AppDeps> = {}): ReturnType<typeof createApp> {
  return createApp({
    config: testConfig(),
    logger: createLogger({ level: 'silent' }),
    clock: systemClock,
    isDatabaseReady: () => pingDatabase(),
    ...overrides,
  });
}
