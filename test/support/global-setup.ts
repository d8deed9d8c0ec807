/**
 * One database engine for the whole test run, found by the same chain as `npm start`:
 * MONGODB_URI when set (each run then uses fresh databases on it, dropped as it goes), else an
 * ephemeral embedded engine. The engine in use is printed, as the foundation issue asks.
 *
 * Every test file gets a database of its own, seeded with the directory and calendars, so that no
 * file sees what another one wrote: order and neighbours cannot change a result. Each file's first
 * `before` hook (added ahead of its own) switches the connection and forgets every cached copy of
 * reference data; the previous file's database is dropped.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type Mocha from 'mocha';
import mongoose from 'mongoose';
import { openEphemeralDatabase, type Database } from '../../src/shared/db/engine.js';
import { connectMongoose, ensureIndexes } from '../../src/shared/db/connect.js';
import { registerModels } from '../../src/models.js';
import { readProfileData, seedDirectory } from '../../src/directory/index.js';
import { clearReadCaches } from '../../src/shared/read-cache.js';
import { seedCalendarList } from '../../src/sla/calendar.service.js';
import { testCalendars } from './calendars.js';
import { ALLOWED_SCANS } from './query-plans.allow.js';
import { declaredIndexes, describeViolation, planReport, QueryRecorder, violations } from './query-plans.js';

let database: Database | undefined;
const runName = `tawasul_test_${crypto.randomBytes(4).toString('hex')}`;
let files = 0;
const say = (m: string): void => void process.stderr.write(`[test db] ${m}\n`);
/** Every query src/ sends while the tests run, for the query-plan check after the last test (./query-plans.ts). */
export const queryRecorder = new QueryRecorder(path.resolve(__dirname, '../..'));

function uriOf(dbName: string): string {
  const url = new URL(database!.uri);
  url.pathname = `/${dbName}`;
  return url.toString();
}

/** Connects to a new, seeded database and drops the one before it. */
export async function useFreshDatabase(): Promise<string> {
  const previous = mongoose.connection.readyState === mongoose.ConnectionStates.connected ? mongoose.connection.name : undefined;
  const dbName = `${runName}_${++files}`;
  // Work a response leaves behind (a rate limit taking back a success) lands in its own file's database.
  await new Promise((r) => setTimeout(r, 50));
  await mongoose.disconnect();
  await connectMongoose(uriOf(dbName));
  clearReadCaches();
  await ensureIndexes();
  await seedDirectory(readProfileData('bh'), new Date());
  await seedCalendarList(testCalendars(), new Date());
  if (previous) await mongoose.connection.useDb(previous, { useCache: false }).dropDatabase();
  return dbName;
}

export async function mochaGlobalSetup(): Promise<void> {
  const external = process.env.MONGODB_URI;
  if (external) {
    database = { engine: 'external', uri: external, description: 'MONGODB_URI (fresh databases for this run)', stop: async () => {} };
  } else {
    const engine = (process.env.EMBEDDED_DB as 'auto' | 'mongod' | 'ferretdb' | undefined) ?? 'auto';
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-test-'));
    database = await openEphemeralDatabase({ engine, tmpDir, dbName: runName, say });
  }
  process.env.TEST_DATABASE_ENGINE = database.engine;
  say(`engine: ${database.engine} (${database.description}); one database per test file`);
  registerModels();
  queryRecorder.start();
}

export const mochaHooks = {
  /** Runs once, before any file: puts a fresh database in front of each file's own hooks. */
  beforeAll(this: Mocha.Context): void {
    const root = this.test!.parent!;
    if (root.tests.length > 0) throw new Error('Tests outside a describe() would share a database: put them in one.');
    const seen = new Set<string>();
    for (const suite of root.suites) {
      if (!suite.file || seen.has(suite.file)) continue;
      seen.add(suite.file);
      suite.beforeAll('a database of its own for this file', async function () {
        this.timeout(60_000);
        await useFreshDatabase();
      });
      // Mocha runs a suite's `before` hooks in the order they were added; this one must come first.
      const hooks = (suite as unknown as { _beforeAll: Mocha.Hook[] })._beforeAll;
      hooks.unshift(hooks.pop()!);
    }
  },
  /** Runs once, after every file: the query-plan check. */
  afterAll(): void {
    checkQueryPlans();
  },
};

/**
 * After the last test: every query shape src/ sent must be answered from a declared index on MongoDB
 * (or be an allowed scan). QUERY_PLANS_REPORT=<file> writes which index serves which queries.
 */
function checkQueryPlans(): void {
  const indexes = declaredIndexes();
  if (process.env.QUERY_PLANS_REPORT) fs.writeFileSync(process.env.QUERY_PLANS_REPORT, planReport(queryRecorder.shapes.values(), indexes) + '\n');
  const found = violations(queryRecorder.shapes.values(), indexes, ALLOWED_SCANS);
  if (found.length) throw new Error(`query-plan check: ${found.length} query shape(s) would not use an index on MongoDB:\n${found.map(describeViolation).join('\n')}`);
}

export async function mochaGlobalTeardown(): Promise<void> {
  if (database?.engine === 'external' && mongoose.connection.readyState === mongoose.ConnectionStates.connected) await mongoose.connection.dropDatabase();
  await mongoose.disconnect();
  await database?.stop();
}
