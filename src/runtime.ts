/**
 * What `npm start` and `npm run cli` share: validated configuration, the logger, and the database
 * found by the chain of docs/database.md, connected and indexed.
 */
import mongoose from 'mongoose';
import { ConfigError, loadConfig, ProfileError, withJwtSecret, type Config } from './config/index.js';
import { isDirectorySeeded, readProfileData, seedDirectory } from './directory/index.js';
import { registerModels } from './models.js';
import { seedCalendars } from './sla/index.js';
import { assertProfile } from './profile-check.js';
import { connectMongoose, ensureIndexes } from './shared/db/connect.js';
import { openDatabase, type Database } from './shared/db/engine.js';
import { createLogger, type Logger } from './shared/logger.js';

export interface Runtime {
  config: Config & { jwtSecret: string };
  logger: Logger;
  database: Database;
  close(): Promise<void>;
}

/** Reads the configuration or ends the process with a message naming every bad key. */
export function configOrExit(env: NodeJS.ProcessEnv): Config & { jwtSecret: string } {
  try {
    return withJwtSecret(loadConfig(env));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}

/** Checks the configured profile folder whole, or ends the process listing every problem (or the known profiles). */
export function profileOrExit(profile: string): void {
  try {
    assertProfile(profile);
  } catch (err) {
    if (!(err instanceof ProfileError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}

/**
 * `boundedOperations`: the service answers requests, so one database operation may wait at most
 * DB_OPERATION_TIMEOUT_MS; the CLI runs long imports and trainings, so it does not set it.
 */
export async function startRuntime(env: NodeJS.ProcessEnv, options: { logger?: Logger; boundedOperations?: boolean } = {}): Promise<Runtime> {
  const config = configOrExit(env);
  profileOrExit(config.deploymentProfile);
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const database = await openDatabase({
    mongodbUri: config.mongodbUri,
    dataDir: config.dataDir,
    engine: config.embeddedEngine,
    say: (message) => logger.info(message),
  });
  logger.info({ engine: database.engine }, `database engine: ${database.engine} (${database.description})`);
  try {
    registerModels();
    await connectMongoose(database.uri, options.boundedOperations ? { operationTimeoutMs: config.dbOperationTimeoutMs } : {});
    await ensureIndexes();
    // The embedded default is ready to use on its first start; a real deployment seeds on purpose.
    if (database.engine !== 'external' && !(await isDirectorySeeded(config.deploymentProfile))) {
      const report = await seedDirectory(readProfileData(config.deploymentProfile), new Date());
      logger.info({ ...report, calendars: await seedCalendars(new Date()) }, 'seeded the reference directory');
    }
  } catch (err) {
    await mongoose.disconnect().catch(() => {});
    await database.stop();
    throw err;
  }
  return {
    config,
    logger,
    database,
    async close() {
      await mongoose.disconnect();
      await database.stop();
    },
  };
}
