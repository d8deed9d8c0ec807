/**
 * What every router and service that needs the outside world is given: configuration, the logger,
 * the clock and the database's health. It lives below the modules so that they can all name it
 * without importing app.ts (which imports them: that was an import circle).
 */
import type { Config } from '../config/index.js';
import type { Clock } from './clock.js';
import type { Hooks } from './hooks.js';
import type { Logger } from './logger.js';

export interface AppDeps {
  config: Config & { jwtSecret: string };
  logger: Logger;
  clock: Clock;
  /** Whether the database answers; `/readyz` reports it. */
  isDatabaseReady: () => Promise<boolean>;
  /** The hooks between modules; createApp wires them (src/wiring.ts) when not given. */
  hooks?: Hooks;
}

/** What the routers get: the app's dependencies and the hooks into the modules above them (shared/hooks.ts). */
export interface ModuleDeps extends AppDeps {
  hooks: Hooks;
}
