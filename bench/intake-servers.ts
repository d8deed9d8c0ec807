/**
 * One server under test for bench/intake.ts and bench/memory.ts, in its own process so that its CPU
 * time can be read from /proc/<pid>/stat and the load generator does not share its event loop (the
 * benchmarks fork this file, one process per server; it is not run by hand). BENCH_SERVER names it:
 *
 *   tawasul   createApp(...) as the tests build it; the target is POST /api/v1/cases.
 *   baseline  the framework floor of issue #20: Express 5 + express.json + a joi schema of the same body
 *             + one Mongoose `create` of a similar document (collection `bench_baseline_cases`), 201.
 *
 * On a free loopback port, over its own mongoose connection to the database named by BENCH_DB_URI.
 * Talks to the parent over IPC: sends {type:'ready', port}; answers {cmd:'counts'} (tawasul: cases and
 * outbox messages; baseline: its documents), {cmd:'officer'} (tawasul: an officer of the agency the
 * filings went to, and an access token), {cmd:'memory'} (VmRSS from /proc/self/status, before and after
 * a full garbage collection when node runs with --expose-gc), {cmd:'purge-limiter'} (removes every
 * rate-limit hit, as the purge job does when their window ends); on {cmd:'stop'} (or when the parent goes
 * away) closes everything and exits.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Joi from 'joi';
import mongoose from 'mongoose';
import { createApp } from '../src/app.js';
import { loadConfig, withJwtSecret } from '../src/config/index.js';
import { readProfileData, seedDirectory } from '../src/directory/index.js';
import { registerModels } from '../src/models.js';
import { systemClock } from '../src/shared/clock.js';
import { connectMongoose, ensureIndexes, pingDatabase } from '../src/shared/db/connect.js';
import { createLogger } from '../src/shared/logger.js';
import { seedCalendars } from '../src/sla/calendar.service.js';
import { createUser, issueAccessToken, tokenSettings } from '../src/users/index.js';

export type ServerName = 'tawasul' | 'baseline';

export type ParentMessage = { cmd: 'counts' } | { cmd: 'officer' } | { cmd: 'memory' } | { cmd: 'purge-limiter' } | { cmd: 'stop' };
export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'counts'; counts: Record<string, number> }
  | { type: 'officer'; token: string; agency: string }
  | { type: 'memory'; rssKiB: number; rssAfterGcKiB?: number; heapUsedKiB: number }
  | { type: 'purged'; hits: number }
  | { type: 'failed'; message: string };

const BASELINE_COLLECTION = 'bench_baseline_cases';
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';

function send(message: ChildMessage): void {
  process.send?.(message);
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

// ---- the baseline: what a plain Express + joi + Mongoose app of the same endpoint costs

const baselineBody = Joi.object({
  type: Joi.string().valid('complaint', 'suggestion', 'inquiry', 'compliment').required(),
  title: Joi.string().trim().max(200).allow(''),
  description: Joi.string().trim().min(10).max(5000).required(),
  category: Joi.string().trim().max(64).pattern(/^[A-Z][A-Z0-9_]*$/).allow(null, ''),
  area: Joi.string().trim().max(64).pattern(/^[A-Z][A-Z0-9_]*$/).allow(null, ''),
  location: Joi.object({ lat: Joi.number().strict().min(-90).max(90).required(), lng: Joi.number().strict().min(-180).max(180).required() }),
  contact: Joi.object({
    name: Joi.string().trim().min(2).max(100).required(),
    email: Joi.string().trim().lowercase().max(254).email({ tlds: false }).required(),
    phone: Joi.string().trim().max(20).pattern(/^\+?[0-9][0-9 ()-]{6,19}$/),
  }).required(),
  language: Joi.string().valid('ar', 'en'),
  channel: Joi.string().valid('web', 'app', 'phone', 'email').default('web'),
});

function baselineModel() {
  const schema = new mongoose.Schema(
    {
      reference: { type: String, required: true, unique: true },
      type: { type: String, required: true },
      title: String,
      description: { type: String, required: true },
      category: String,
      area: String,
      location: { type: new mongoose.Schema({ lat: Number, lng: Number }, { _id: false }) },
      contact: { type: new mongoose.Schema({ name: { type: String, required: true }, email: { type: String, required: true }, phone: String }, { _id: false }), required: true },
      language: { type: String, default: 'ar' },
      channel: { type: String, required: true },
      status: { type: String, required: true, default: 'submitted' },
      history: { type: [{ at: Date, event: String, to: String, _id: false }], default: [] },
    },
    { timestamps: true, collection: BASELINE_COLLECTION },
  );
  schema.index({ status: 1, createdAt: -1 });
  return mongoose.model('BenchBaselineCase', schema);
}

async function baselineServer(): Promise<http.Server> {
  const Model = baselineModel();
  await Model.createIndexes();
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.post('/cases', async (req, res) => {
    const { value, error } = baselineBody.validate(req.body, { abortEarly: false, stripUnknown: true });
    if (error) {
      res.status(400).json({ error: { code: 'VALIDATION_FAILED', details: error.details.map((d) => d.message) } });
      return;
    }
    const now = new Date();
    const doc = await Model.create({ ...(value as Record<string, unknown>), reference: `B-${now.getTime().toString(36)}-${Math.random().toString(36).slice(2, 10)}`, history: [{ at: now, event: 'filed', to: 'submitted' }] });
    res.status(201).json({ reference: doc.reference });
  });
  return http.createServer(app);
}

// ---- tawasul

async function tawasulServer(): Promise<http.Server> {
  await ensureIndexes();
  await seedDirectory(readProfileData('bh'), new Date());
  await seedCalendars(new Date()); // filing starts the SLA clock, which reads the profile's calendar
  const config = tawasulConfig();
  const app = createApp({ config, logger: createLogger({ level: 'silent' }), clock: systemClock, isDatabaseReady: () => pingDatabase() });
  return http.createServer(app);
}

function tawasulConfig(): ReturnType<typeof withJwtSecret> {
  return withJwtSecret(
    loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      JWT_SECRET,
      DATA_DIR: '/tmp/tawasul-unused',
      // All the load comes from one address: the per-address filing limit stays in the path (its store
      // write is part of a filing's cost) but is set high enough never to refuse.
      RATE_LIMIT_FILING: '1000000000',
    }),
  );
}

/** An officer of the agency the first filing went to, with an access token (the memory run's queue reads). */
async function officerToken(): Promise<{ token: string; agency: string }> {
  const one = await mongoose.connection.db!.collection('cases').findOne({ agency: { $exists: true } }, { projection: { agency: 1 } });
  const agency = (one?.agency as string | undefined) ?? 'CAPITAL';
  const { user } = await createUser(
    { email: `officer-${Date.now().toString(36)}@bench.example`, password: 'a bench password 123', role: 'officer', agency, name: 'Bench Officer', language: 'en' },
    { profile: 'bh', now: new Date() },
  );
  return { token: issueAccessToken(user, tokenSettings(tawasulConfig(), systemClock)), agency };
}

/** Cases, receipts queued, and cases whose own receipt (key `case-receipt:<case id>`) is in the outbox. */
async function tawasulCounts(): Promise<Record<string, number>> {
  const db = mongoose.connection.db!;
  const ids = (await db.collection('cases').find({}, { projection: { _id: 1 } }).toArray()).map((c) => String(c._id));
  const keys = new Set((await db.collection('outbox_messages').find({ template: 'case-receipt' }, { projection: { key: 1 } }).toArray()).map((m) => String(m.key)));
  return { cases: ids.length, receipts: keys.size, casesWithReceipt: ids.filter((id) => keys.has(`case-receipt:${id}`)).length };
}

function memory(): ChildMessage {
  const rss = (): number => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);
  const rssKiB = rss();
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  return { type: 'memory', rssKiB, ...(gc ? { rssAfterGcKiB: rss() } : {}), heapUsedKiB: Math.round(process.memoryUsage().heapUsed / 1024) };
}

/**
 * Node prints every process warning; one emitted per request would flood the output. Each distinct
 * warning is printed once, and how often it came is printed at the end: nothing is hidden.
 */
function dedupeWarnings(): () => void {
  const seen = new Map<string, number>();
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    const key = `${w.name}: ${w.message}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n === 1) process.stderr.write(`[servers] warning (printed once, counted): ${key}\n`);
  });
  return () => {
    for (const [key, n] of seen) if (n > 1) process.stderr.write(`[servers] warning emitted ${n} times in all: ${key}\n`);
  };
}

async function main(): Promise<void> {
  const reportWarnings = dedupeWarnings();
  const uri = process.env.BENCH_DB_URI;
  const name = process.env.BENCH_SERVER as ServerName | undefined;
  if (!uri || (name !== 'tawasul' && name !== 'baseline')) throw new Error('BENCH_DB_URI or BENCH_SERVER is not set: run `npm run bench:intake`.');
  registerModels();
  await connectMongoose(uri);
  const server = name === 'tawasul' ? await tawasulServer() : await baselineServer();
  const port = await listen(server);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await close(server);
    if (process.env.BENCH_DROP_DATABASE === '1') await mongoose.connection.dropDatabase();
    await mongoose.disconnect();
    reportWarnings();
    process.disconnect?.();
  };

  process.on('message', (message: ParentMessage) => {
    void (async () => {
      if (message.cmd === 'counts') {
        const counts: Record<string, number> =
          name === 'tawasul'
            ? await tawasulCounts()
            : { baseline: await mongoose.connection.db!.collection(BASELINE_COLLECTION).countDocuments({}) };
        send({ type: 'counts', counts });
      } else if (message.cmd === 'officer') {
        send({ type: 'officer', ...(await officerToken()) });
      } else if (message.cmd === 'purge-limiter') {
        // What the purge job does when a window ends, done early: see bench/RESULTS.md on the limiter.
        send({ type: 'purged', hits: (await mongoose.connection.db!.collection('rate_limit_hits').deleteMany({})).deletedCount });
      } else if (message.cmd === 'memory') {
        send(memory());
      } else if (message.cmd === 'stop') {
        await stop();
      }
    })();
  });
  // The parent died or let go: do not linger.
  process.on('disconnect', () => void stop());
  send({ type: 'ready', port });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  void mongoose.disconnect().finally(() => process.disconnect?.());
});
