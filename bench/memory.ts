/**
 * Does one instance keep growing? `npm run bench:memory` (issue #20, memory).
 *
 * One tawasul server in its own process (bench/intake-servers.ts, node --expose-gc), on a throw-away
 * database. Two phases, each: BENCH_MEMORY_FILINGS filings (default 10,000; POST /api/v1/cases at 10
 * connections), then BENCH_MEMORY_READS queue reads (default 10,000; an officer's default queue,
 * GET /api/v1/cases?sort=dueAt&status=<open>, at 4 connections). After each phase the resident size
 * (VmRSS of /proc/<pid>/status) is read as it stands and again after a full garbage collection.
 * Target: the second phase adds less than 10 % to the first's resident size.
 *
 * Before the reads, the cases collection is trimmed to its newest BENCH_MEMORY_KEEP cases (default
 * 500): FerretDB scans the collection for every list query (bench/RESULTS.md, "Query plans"), so reads
 * against 10,000+ cases would take hours here; what the server holds per read does not depend on the
 * size of the collection, only on the page it returns. Every answer must be a 2xx.
 */
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { OPEN_STATUSES } from '../src/cases/case.model.js';
import { caseBody } from '../test/support/cases.js';
import { engineLabel, openBenchDatabase } from './support/database.js';
import { closedLoopAmount, describeFailures, hasFailures } from './support/load.js';
import { ask, probe, startServer, stopServer } from './support/servers.js';

const FILINGS = Number(process.env.BENCH_MEMORY_FILINGS ?? 10_000);
const READS = Number(process.env.BENCH_MEMORY_READS ?? 10_000);
const KEEP = Number(process.env.BENCH_MEMORY_KEEP ?? 500);
const TARGET_GROWTH = 0.1;
const say = (m: string): void => console.log(`[bench] ${m}`);
const mib = (kib: number | undefined): string => (kib === undefined ? 'n/a' : (kib / 1024).toFixed(1));

const PAYLOAD = JSON.stringify(caseBody({ contact: { name: 'فاطمة علي', email: 'bench-citizen@example.bh', phone: '+973 3300 0000' } }));

async function queueReads(url: string, token: string, amount: number): Promise<{ ok: number; failures: number; rps: number }> {
  const r = await autocannon({ url, method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, connections: 4, amount, timeout: 60 });
  return { ok: r['2xx'], failures: r.non2xx + r.errors, rps: r['2xx'] / r.duration };
}

/** Keeps the newest `keep` cases (and drops the rest) so that the engine's scans stay short. */
async function trim(uri: string, keep: number): Promise<number> {
  const client = await mongoose.mongo.MongoClient.connect(uri);
  try {
    const cases = client.db().collection('cases');
    const cut = await cases.find({}, { projection: { _id: 1 } }).sort({ _id: -1 }).skip(keep).limit(1).next();
    if (!cut) return 0;
    return (await cases.deleteMany({ _id: { $lte: cut._id } })).deletedCount;
  } finally {
    await client.close();
  }
}

async function main(): Promise<void> {
  const db = await openBenchDatabase(say);
  say(`engine: ${engineLabel(db.engine)}`);
  const server = await startServer('tawasul', { uri: db.uri, drop: db.engine === 'external', execArgv: ['--expose-gc'] });
  let failed = false;
  try {
    const filing = { url: `http://127.0.0.1:${server.port}/api/v1/cases`, body: PAYLOAD };
    await probe(filing);
    const { token, agency } = await ask(server, { cmd: 'officer' }, 'officer');
    const queue = `http://127.0.0.1:${server.port}/api/v1/cases?sort=dueAt&status=${OPEN_STATUSES.join(',')}`;
    const start = await ask(server, { cmd: 'memory' }, 'memory');
    say(`start: RSS ${mib(start.rssKiB)} MiB (after GC ${mib(start.rssAfterGcKiB)}); officer of ${agency}`);
    const after: (typeof start)[] = [];
    for (const phase of [1, 2]) {
      // In chunks of 1000, the limiter's hits removed between them (FerretDB counts them by a scan).
      let filed = 0;
      for (let done = 0; done < FILINGS; done += 1000) {
        await ask(server, { cmd: 'purge-limiter' }, 'purged');
        const f = await closedLoopAmount(filing, { connections: 10, amount: Math.min(1000, FILINGS - done) });
        filed += f.ok;
        if (hasFailures(f)) say(`phase ${phase}: failures: ${describeFailures(f)}`);
        failed ||= hasFailures(f);
      }
      say(`phase ${phase}: ${filed} filings`);
      failed ||= filed !== FILINGS;
      say(`phase ${phase}: trimmed ${await trim(db.uri, KEEP)} cases (kept the newest ${KEEP})`);
      // A fresh token per phase: a phase can outlast an access token's lifetime (401s otherwise).
      const r = await queueReads(queue, phase === 1 ? token : (await ask(server, { cmd: 'officer' }, 'officer')).token, READS);
      say(`phase ${phase}: ${r.ok} queue reads at ${r.rps.toFixed(1)}/s; ${r.failures} failures`);
      failed ||= r.failures > 0 || r.ok !== READS;
      after.push(await ask(server, { cmd: 'memory' }, 'memory'));
      say(`phase ${phase}: RSS ${mib(after[phase - 1]!.rssKiB)} MiB (after GC ${mib(after[phase - 1]!.rssAfterGcKiB)}), heap used after GC ${mib(after[phase - 1]!.heapUsedKiB)} MiB`);
    }
    const [one, two] = after as [typeof start, typeof start];
    const growth = two.rssKiB / one.rssKiB - 1;
    const growthGc = two.rssAfterGcKiB && one.rssAfterGcKiB ? two.rssAfterGcKiB / one.rssAfterGcKiB - 1 : NaN;
    console.log('');
    console.log(`| point | RSS MiB | RSS after GC MiB | heap used after GC MiB |`);
    console.log(`|---|---:|---:|---:|`);
    console.log(`| start (after one filing) | ${mib(start.rssKiB)} | ${mib(start.rssAfterGcKiB)} | ${mib(start.heapUsedKiB)} |`);
    console.log(`| after ${FILINGS} filings + ${READS} queue reads | ${mib(one.rssKiB)} | ${mib(one.rssAfterGcKiB)} | ${mib(one.heapUsedKiB)} |`);
    console.log(`| after a second ${FILINGS} + ${READS} | ${mib(two.rssKiB)} | ${mib(two.rssAfterGcKiB)} | ${mib(two.heapUsedKiB)} |`);
    console.log(`second phase adds ${(100 * growth).toFixed(1)} % RSS (${(100 * growthGc).toFixed(1)} % after GC; target < ${100 * TARGET_GROWTH} %): ${growth < TARGET_GROWTH ? 'MET' : 'MISSED'}`);
    if (failed) {
      console.log('RUN HAD FAILURES: not every request answered 2xx.');
      process.exitCode = 2;
    }
  } finally {
    await stopServer(server);
    await db.stop();
    say('stopped');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
