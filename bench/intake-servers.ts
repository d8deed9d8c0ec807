/**
 * The servers under test for bench/intake.ts, in their own process so that the load generator does not
 * share their event loop (bench/intake.ts forks this file; it is not run by hand).
 *
 *   tawasul  createApp(...) as the tests build it; the target is POST /api/v1/cases.
 *   bare     node:http: read the body, JSON.parse it, one driver insertOne into `bench_bare`, 201.
 *
 * Both on free loopback ports, both over the one mongoose connection to the database named by
 * BENCH_DB_URI. Talks to the parent over IPC: sends {type:'ready', ports}, answers {cmd:'counts'}, and
 * on {cmd:'stop'} (or when the parent goes away) closes everything and exits.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { createApp } from '../src/app.js';
import { loadConfig, withJwtSecret } from '../src/config/index.js';
import { readProfileData, seedDirectory } from '../src/directory/index.js';
import { registerModels } from '../src/models.js';
import { systemClock } from '../src/shared/clock.js';
import { connectMongoose, ensureIndexes, pingDatabase } from '../src/shared/db/connect.js';
import { createLogger } from '../src/shared/logger.js';
import { seedCalendars } from '../src/sla/calendar.service.js';

export type ServerName = 'tawasul' | 'bare';

export type ParentMessage = { cmd: 'counts' } | { cmd: 'stop' };
export type ChildMessage =
  | { type: 'ready'; ports: Record<ServerName, number> }
  | { type: 'counts'; counts: Record<string, number> }
  | { type: 'failed'; message: string };

const BARE_COLLECTION = 'bench_bare';

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

function bareServer(): http.Server {
  const collection = mongoose.connection.db!.collection(BARE_COLLECTION);
  return http.createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        try {
          const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          const result = await collection.insertOne(doc);
          res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: result.insertedId.toHexString() }));
        } catch (err) {
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
        }
      })();
    });
  });
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
  if (!uri) throw new Error('BENCH_DB_URI is not set: run `npm run bench:intake`.');
  registerModels();
  await connectMongoose(uri);
  await ensureIndexes();
  await seedDirectory(readProfileData('bh'), new Date());
  await seedCalendars(new Date()); // filing starts the SLA clock, which reads the profile's calendar

  const config = withJwtSecret(
    loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      DATA_DIR: '/tmp/tawasul-unused',
      // All the load comes from one address: the per-address filing limit stays in the path (its store
      // write is part of a filing's cost) but is set high enough never to refuse.
      RATE_LIMIT_FILING: '1000000000',
    }),
  );
  const app = createApp({ config, logger: createLogger({ level: 'silent' }), clock: systemClock, isDatabaseReady: () => pingDatabase() });
  const servers: Record<ServerName, http.Server> = { tawasul: http.createServer(app), bare: bareServer() };
  const ports = { tawasul: await listen(servers.tawasul), bare: await listen(servers.bare) };

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await Promise.all(Object.values(servers).map(close));
    if (process.env.BENCH_DROP_DATABASE === '1') await mongoose.connection.dropDatabase();
    await mongoose.disconnect();
    reportWarnings();
    process.disconnect?.();
  };

  process.on('message', (message: ParentMessage) => {
    void (async () => {
      if (message.cmd === 'counts') {
        const counts: Record<string, number> = {
          cases: await mongoose.model('Case').countDocuments({}),
          outbox: await mongoose.model('OutboxMessage').countDocuments({}),
          bare: await mongoose.connection.db!.collection(BARE_COLLECTION).countDocuments({}),
        };
        send({ type: 'counts', counts });
      } else if (message.cmd === 'stop') {
        await stop();
      }
    })();
  });
  // The parent died or let go: do not linger.
  process.on('disconnect', () => void stop());
  send({ type: 'ready', ports });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  void mongoose.disconnect().finally(() => process.disconnect?.());
});
