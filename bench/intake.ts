/**
 * Filing cost against the framework floor: `npm run bench:intake` (issue #20, part 2).
 *
 * Two servers, each in its own process (bench/intake-servers.ts), on the same database, measured in the
 * same run, interleaved (baseline, tawasul, baseline, tawasul, ...) so that a change in how busy the
 * shared machine is falls on both:
 *
 *   tawasul   POST /api/v1/cases of createApp(...), the test configuration (silent logs);
 *   baseline  Express 5 + express.json + a joi schema of the same body + one Mongoose `create` of a
 *             similar document.
 *
 * Per round and server:
 *   1. CPU and saturation: a fixed number of filings (BENCH_REQUESTS, default 1000) from autocannon at
 *      BENCH_CONNECTIONS (default 10) concurrent connections, closed loop. Server CPU per filing is the
 *      server process's utime+stime (/proc/<pid>/stat) before and after, over the 2xx answers; the
 *      throughput is 2xx answers per second of the run.
 *   2. Latency: the open-loop generator (bench/support/load.ts) at a fixed 50 filings per second
 *      (BENCH_RATE) for BENCH_DURATION seconds (default 10): sends are scheduled by time, whatever the
 *      answers do, and latency runs from the scheduled time, so coordinated omission hides nothing.
 * Then the documents: every 2xx answer of tawasul must be a stored case with its queued receipt (the
 * outbox message keyed by the case's id), every baseline 2xx a stored document. Requests the client gave
 * up on (timeouts) may still have been filed: they are the allowed excess. A receipt is queued before
 * its case is written (intake.service.ts), so the counts are taken once the servers are idle.
 *
 * Printed: the medians over rounds (BENCH_ROUNDS, default 3), the ratio tawasul CPU per filing over
 * baseline CPU per filing (target <= 2) and tawasul's p99 at 50/s (target < 50 ms), and the machine's
 * load. Environment: MONGODB_URI (else an embedded engine, EMBEDDED_DB=auto|mongod|ferretdb),
 * BENCH_WARMUP (filings per server before the first round, default 300), BENCH_PURGE_LIMITER (default 1:
 * the filing limiter's hits are removed before each tawasul run; 0 keeps them), BENCH_CPU_PROF=DIR (a V8 CPU
 * profile of the tawasul process into DIR). Results and their reading: bench/RESULTS.md.
 */
import os from 'node:os';
import { caseBody } from '../test/support/cases.js';
import type { ServerName } from './intake-servers.js';
import { cpuBetween, findEnginePid, processCpuS, snapshot, type CpuUse } from './support/cpu.js';
import { engineLabel, openBenchDatabase } from './support/database.js';
import { closedLoopAmount, describeFailures, hasFailures, openLoop, type LoadResult, type Target } from './support/load.js';
import { ask, probe, startServer, stopServer, type Server } from './support/servers.js';
import { percentile } from './support/stats.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
const TARGET_CPU_RATIO = 2;
const TARGET_P99_MS = 50;
const NAMES: readonly ServerName[] = ['baseline', 'tawasul'];
/** Remove the filing limiter's hits before each tawasul run (default on): see bench/RESULTS.md. */
const PURGE_LIMITER = process.env.BENCH_PURGE_LIMITER !== '0';

const say = (m: string): void => console.log(`[bench] ${m}`);
const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const median = (xs: number[]): number => (xs.length ? percentile(xs, 0.5) : NaN);
const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(' ');

/** The one payload of the whole run: a valid filing with a fixed contact. */
const PAYLOAD = JSON.stringify(caseBody({ contact: { name: 'فاطمة علي', email: 'bench-citizen@example.bh', phone: '+973 3300 0000' } }));

type Measured = LoadResult & { cpu: CpuUse; serverCpuMsPerReq: number; engineCpuMsPerReq: number };

interface Round {
  saturation: Record<ServerName, Measured>;
  open: Record<ServerName, Measured>;
}

function row(round: number | string, name: string, sat: Measured, open: Measured): string {
  return (
    `| ${round} | ${name} | ${f2(sat.serverCpuMsPerReq)} | ${f2(sat.engineCpuMsPerReq)} | ${f1(sat.rps)} | ${f1(sat.p99)} | ${f1(open.p50)} | ${f1(open.p99)} | ${f1(open.max)} | ` +
    `${f2(open.serverCpuMsPerReq)} | ${describeFailures(sat)}; ${describeFailures(open)} | ${f2(sat.cpu.other ?? NaN)} / ${f2(open.cpu.other ?? NaN)} |`
  );
}

/** Waits (at most 60 s) until the servers and the engine are idle: no backlog of one run in the next. */
async function settle(pids: (number | undefined)[]): Promise<void> {
  const started = performance.now();
  for (;;) {
    const a = pids.map(processCpuS);
    await new Promise((r) => setTimeout(r, 500));
    const busy = pids.map(processCpuS).reduce<number>((s, b, i) => s + ((b ?? 0) - (a[i] ?? 0)), 0) / 0.5;
    if (busy < 0.1 || performance.now() - started > 60_000) return;
  }
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  const machine = `node ${process.version}, ${cpus.length} CPU (${cpus[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`;
  say(`machine: ${machine}; load average at start: ${load()}`);
  const loadBefore = load();
  const db = await openBenchDatabase(say);
  say(`engine: ${engineLabel(db.engine)} — ${db.description}`);
  const servers: Partial<Record<ServerName, Server>> = {};
  try {
    const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    // tawasul builds the indexes and seeds: started first, alone.
    servers.tawasul = await startServer('tawasul', { uri: db.uri, drop: db.engine === 'external', execArgv: prof });
    servers.baseline = await startServer('baseline', { uri: db.uri, drop: false });
    const enginePid = db.engine === 'external' ? undefined : findEnginePid(Number(new URL(db.uri).port));
    const target = (name: ServerName): Target => ({ url: `http://127.0.0.1:${servers[name]!.port}${name === 'tawasul' ? '/api/v1/cases' : '/cases'}`, body: PAYLOAD });
    const ok: Record<ServerName, number> = { tawasul: 0, baseline: 0 };
    const slack: Record<ServerName, number> = { tawasul: 0, baseline: 0 };
    const account = (name: ServerName, r: LoadResult): void => {
      ok[name] += r.ok;
      slack[name] += r.timeouts + r.errors;
    };
    for (const name of NAMES) {
      await probe(target(name));
      ok[name]++;
      say(`${name}: warm-up, ${WARMUP} filings`);
      account(name, await closedLoopAmount(target(name), { connections: CONNECTIONS, amount: WARMUP }));
    }
    const measure = async (name: ServerName, run: () => Promise<LoadResult>): Promise<Measured> => {
      const pids = { server: servers[name]!.child.pid, engine: enginePid };
      await settle([servers.tawasul!.child.pid, servers.baseline!.child.pid, enginePid]);
      if (name === 'tawasul' && PURGE_LIMITER) await ask(servers.tawasul!, { cmd: 'purge-limiter' }, 'purged');
      const before = snapshot(pids);
      const r = await run();
      const cpu = cpuBetween(before, snapshot(pids));
      account(name, r);
      const wallS = r.ok / r.rps;
      return { ...r, cpu, serverCpuMsPerReq: ((cpu.server ?? NaN) * wallS * 1000) / r.ok, engineCpuMsPerReq: ((cpu.engine ?? NaN) * wallS * 1000) / r.ok };
    };

    const rounds: Round[] = [];
    for (let i = 1; i <= ROUNDS; i++) {
      const round = { saturation: {}, open: {} } as Round;
      for (const name of NAMES) {
        round.saturation[name] = await measure(name, () => closedLoopAmount(target(name), { connections: CONNECTIONS, amount: REQUESTS }));
        const s = round.saturation[name];
        say(`round ${i} ${name}: ${REQUESTS} filings at c=${CONNECTIONS}: ${f1(s.rps)}/s, server CPU ${f2(s.serverCpuMsPerReq)} ms/filing, engine ${f2(s.engineCpuMsPerReq)} ms; ${describeFailures(s)}`);
        round.open[name] = await measure(name, () => openLoop(target(name), { rate: RATE, durationS: DURATION_S }));
        const o = round.open[name];
        say(`round ${i} ${name}: open loop ${RATE}/s: p50 ${f1(o.p50)} ms, p99 ${f1(o.p99)} ms, max ${f1(o.max)} ms; ${describeFailures(o)}; load ${load()}`);
      }
      rounds.push(round);
    }

    await settle([servers.tawasul.child.pid, servers.baseline.child.pid, enginePid]); // requests given up by the client may still be running
    const counts = { ...(await ask(servers.tawasul, { cmd: 'counts' })).counts, ...(await ask(servers.baseline, { cmd: 'counts' })).counts };
    const within = (docs: number | undefined, name: ServerName): boolean => docs !== undefined && docs >= ok[name] && docs <= ok[name] + slack[name];
    const countsOk = within(counts.cases, 'tawasul') && counts.casesWithReceipt === counts.cases && within(counts.receipts, 'tawasul') && within(counts.baseline, 'baseline');
    const clean = rounds.every((r) => NAMES.every((n) => !hasFailures(r.saturation[n]) && !hasFailures(r.open[n])));

    const med = (name: ServerName, pick: (r: Round) => number): number => median(rounds.map(pick));
    const cpuT = med('tawasul', (r) => r.saturation.tawasul.serverCpuMsPerReq);
    const cpuB = med('baseline', (r) => r.saturation.baseline.serverCpuMsPerReq);
    const ratios = rounds.map((r) => r.saturation.tawasul.serverCpuMsPerReq / r.saturation.baseline.serverCpuMsPerReq);
    const p99T = med('tawasul', (r) => r.open.tawasul.p99);

    console.log('');
    console.log(`engine: ${engineLabel(db.engine)}; ${machine}`);
    console.log(`payload: ${Buffer.byteLength(PAYLOAD)} bytes; ${ROUNDS} rounds; per round and server ${REQUESTS} filings at c=${CONNECTIONS}, then ${RATE}/s open loop for ${DURATION_S} s`);
    console.log('');
    console.log('| round | server | server CPU ms/filing | engine CPU ms/filing | filings/s at c=' + CONNECTIONS + ' | p99 ms at c=' + CONNECTIONS + ` | p50 ms at ${RATE}/s | p99 ms at ${RATE}/s | max ms at ${RATE}/s | server CPU ms/filing at ${RATE}/s | failures (sat.; open) | other cores (sat. / open) |`);
    console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
    rounds.forEach((r, i) => NAMES.forEach((n) => console.log(row(i + 1, n, r.saturation[n], r.open[n]))));
    console.log('');
    console.log(`medians: server CPU per filing tawasul ${f2(cpuT)} ms, baseline ${f2(cpuB)} ms; throughput tawasul ${f1(med('tawasul', (r) => r.saturation.tawasul.rps))}/s, baseline ${f1(med('baseline', (r) => r.saturation.baseline.rps))}/s`);
    console.log(`CPU ratio tawasul/baseline: ${f2(cpuT / cpuB)} (per round ${ratios.map(f2).join(', ')}; target <= ${TARGET_CPU_RATIO}): ${cpuT / cpuB <= TARGET_CPU_RATIO ? 'MET' : 'MISSED'}`);
    console.log(`tawasul p99 at ${RATE}/s, open loop: median ${f1(p99T)} ms (per round ${rounds.map((r) => f1(r.open.tawasul.p99)).join(', ')}; target < ${TARGET_P99_MS} ms): ${p99T < TARGET_P99_MS ? 'MET' : 'MISSED'}; baseline ${f1(med('baseline', (r) => r.open.baseline.p99))} ms`);
    console.log(
      `documents: ${counts.cases} cases, ${counts.receipts} receipts queued, ${counts.casesWithReceipt} cases with their own receipt, ${counts.baseline} baseline documents; ` +
        `2xx answers: tawasul ${ok.tawasul}, baseline ${ok.baseline} (plus at most ${slack.tawasul}/${slack.baseline} unanswered): ${countsOk ? 'consistent' : 'MISMATCH'}`,
    );
    console.log(`filing limiter's hits removed before each tawasul run: ${PURGE_LIMITER ? 'yes' : 'no'}`);
    console.log(`load average before: ${loadBefore}, after: ${load()} (2 cores: above ~2 means other work competed for the CPU)`);
    if (!clean) console.log('RUN HAD FAILURES (non-2xx answers, errors or timeouts): the figures above are not a valid result.');
    if (!countsOk) console.log('DOCUMENT COUNTS DO NOT MATCH THE 2xx ANSWERS.');
    if (!clean || !countsOk) process.exitCode = 2;
  } finally {
    for (const name of ['baseline', 'tawasul'] as const) if (servers[name]) await stopServer(servers[name]);
    await db.stop();
    say('stopped');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
