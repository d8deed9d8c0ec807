/**
 * One database for a whole benchmark run, found like the tests find theirs (test/support/global-setup.ts):
 * MONGODB_URI when set (a fresh database on it, dropped at the end), else a throw-away embedded engine
 * (`EMBEDDED_DB`, default `auto`: mongod where one can be had, else FerretDB).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import type { EmbeddedEngine } from '../../src/config/index.js';
import { connectMongoose, ensureIndexes } from '../../src/shared/db/connect.js';
import { openEphemeralDatabase, type Database } from '../../src/shared/db/engine.js';

export interface BenchDatabase extends Database {
  dbName: string;
}

export async function openBenchDatabase(say: (m: string) => void): Promise<BenchDatabase> {
  const dbName = `tawasul_bench_${crypto.randomBytes(4).toString('hex')}`;
  const external = process.env.MONGODB_URI;
  if (external) {
    const url = new URL(external);
    url.pathname = `/${dbName}`;
    // The database is dropped by whoever connects to it (the server process), see dropOnStop.
    return { engine: 'external', uri: url.toString(), description: 'MONGODB_URI (a fresh database for this run)', dbName, stop: async () => {} };
  }
  const engine = (process.env.EMBEDDED_DB as EmbeddedEngine | undefined) ?? 'auto';
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-bench-'));
  const db = await openEphemeralDatabase({ engine, tmpDir, dbName, say });
  return { ...db, dbName };
}

/** A readable engine name for reports. */
export function engineLabel(engine: Database['engine']): string {
  if (engine === 'ferretdb') return 'FerretDB v1.24.2 (SQLite backend)';
  if (engine === 'mongod') return 'mongod (embedded)';
  return 'external MongoDB (MONGODB_URI)';
}

/**
 * For benchmarks that talk to the database from their own process: a fresh database, Mongoose
 * connected with the app's indexes, and everything dropped and stopped afterwards.
 */
export async function withBenchMongoose(say: (m: string) => void, run: () => Promise<void>): Promise<void> {
  const db = await openBenchDatabase(say);
  say(`engine: ${engineLabel(db.engine)}`);
  await connectMongoose(db.uri);
  try {
    await ensureIndexes();
    await run();
  } finally {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
    await db.stop();
  }
}
