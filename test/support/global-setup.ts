/**
 * One database engine for the whole test run, found by the same chain as `npm start`:
 * MONGODB_URI when set (each run then uses a fresh database on it, dropped at the end), else an
 * ephemeral embedded engine. The engine in use is printed, as the foundation issue asks.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import mongoose from 'mongoose';
import { openEphemeralDatabase, type Database } from '../../src/shared/db/engine.js';
import { connectMongoose, ensureIndexes } from '../../src/shared/db/connect.js';
import { registerModels } from '../../src/models.js';
import { readProfileData, seedDirectory } from '../../src/directory/index.js';
import { seedCalendars } from '../../src/sla/calendar.service.js';

let database: Database | undefined;
const say = (m: string): void => void process.stderr.write(`[test db] ${m}\n`);

export async function mochaGlobalSetup(): Promise<void> {
  const dbName = `tawasul_test_${crypto.randomBytes(4).toString('hex')}`;
  const external = process.env.MONGODB_URI;
  if (external) {
    const url = new URL(external);
    url.pathname = `/${dbName}`;
    database = { engine: 'external', uri: url.toString(), description: 'MONGODB_URI (a fresh database for this run)', stop: async () => {} };
  } else {
    const engine = (process.env.EMBEDDED_DB as 'auto' | 'mongod' | 'ferretdb' | undefined) ?? 'auto';
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-test-'));
    database = await openEphemeralDatabase({ engine, tmpDir, dbName, say });
  }
  process.env.TEST_DATABASE_ENGINE = database.engine;
  say(`engine: ${database.engine} (${database.description})`);
  registerModels();
  await connectMongoose(database.uri);
  await ensureIndexes();
  await seedDirectory(readProfileData('bh'), new Date()); // suites that clear the directory re-seed it after
  await seedCalendars(new Date());
}

export async function mochaGlobalTeardown(): Promise<void> {
  if (database?.engine === 'external') await mongoose.connection.dropDatabase();
  await mongoose.disconnect();
  await database?.stop();
}
