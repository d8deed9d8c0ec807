/**
 * Intake throughput benchmark: `npm run bench:intake`.
 *
 * POST /api/v1/cases on the real app ("tawasul") against a bare node:http server that does one driver
 * insertOne of the same JSON body ("bare"), on the same database. Results and their reading are kept
 * in bench/RESULTS.md (section "Intake").
 *
 *   phase 1, saturation: each server at a fixed number of connections, no rate limit -> requests/s;
 *   phase 2, latency:    tawasul at half of ITS OWN saturation rate, fixed rate -> p50/p99;
 *                        bare at the same absolute rate, for reference.
 *
 * Targets (the intake issue): tawasul/bare throughput >= 0.5; tawasul p99 < 50 ms at half saturation.
 * The p99 target is judged on the open-loop generator (requests started at evenly spaced times, latency
 * from the intended start); autocannon's own fixed-rate mode is reported beside it (see support/load.ts).
 *
 * Environment: MONGODB_URI (else an embedded engine, EMBEDDED_DB=auto|mongod|ferretdb),
 * BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 3), BENCH_CONNECTIONS (default 10),
 * BENCH_CPU_PROF=DIR (write a V8 CPU profile of the server process into DIR), BENCH_QUIET_WAIT (s, default
 * 120: how long to wait at most for the machine to be nearly idle before starting, and again before each
 * server's fixed-rate runs), BENCH_SATURATION_ONLY=1 (phase 1 only: for comparing variants quickly).
 * Servers run in a child process (bench/intake-servers.ts); the load runs here; all on 127.0.0.1.
 * CPU use of the server process, the engine and the load generator is measured around every run, and so
 * is how busy the whole machine was: a machine shared with other work gives slower, noisier figures.
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { caseBody } from '../test/support/cases.js';
import type { ChildMessage, ParentMessage, ServerName } from './intake-servers.js';
import { cpuBetween, findEnginePid, snapshot, waitForQuietMachine, type CpuUse } from './support/cpu.js';
import { engineLabel, openBenchDatabase } from './support/database.js';
import { autocannonRate, closedLoop, describeFailures, hasFailures, openLoop, type LoadResult, type Target } from './support/load.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const QUIET_WAIT_S = Number(process.env.BENCH_QUIET_WAIT ?? 120);
const SATURATION_ONLY = process.env.BENCH_SATURATION_ONLY === '1';
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 50;

const say = (m: string): void => console.log(`[bench] ${m}`);

/** The one payload of the whole run: a valid filing with a fixed contact. */
const PAYLOAD = JSON.stringify(caseBody({ contact: { name: 'فاطمة علي', email: 'bench-citizen@example.bh', phone: '+973 3300 0000' } }));

function startServers(uri: string, dropDatabase: boolean): Promise<{ child: ChildProcess; ports: Record<ServerName, number> }> {
  const child = fork(path.join(__dirname, 'intake-servers.ts'), [], {
    // tsx's loader, and a CPU profile when asked for
    execArgv: [...process.execArgv, ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
    env: { ...process.env, BENCH_DB_URI: uri, BENCH_DROP_DATABASE: dropDatabase ? '1' : '0', NODE_ENV: 'test' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the servers did not start within 60 s')), 60_000);
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve({ child, ports: m.ports });
      } else if (m.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`the servers failed to start:\n${m.message}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server process exited with code ${code} before it was ready`));
    });
  });
}

function ask(child: ChildProcess, message: ParentMessage): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer from the server process')), 30_000);
    const onMessage = (m: ChildMessage): void => {
      if (m.type !== 'counts') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m.counts);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

async function stopServers(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send({ cmd: 'stop' } satisfies ParentMessage);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000); // our own child, by its handle
  await exited;
  clearTimeout(timer);
  if (child.connected) child.disconnect();
}

async function probe(target: Target): Promise<void> {
  const res = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: target.body });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`probe of ${target.url} answered ${res.status}: ${text.slice(0, 500)}`);
}

const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const f0 = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');

type Measured = LoadResult & { cpu: CpuUse };

/** CPU milliseconds per answered request, from cores used over the run. */
function msPerRequest(cores: number | undefined, r: LoadResult): string {
  return cores === undefined || !r.rps ? 'n/a' : ((1000 * cores) / r.rps).toFixed(2);
}

function row(name: string, what: string, r: Measured): string {
  const rate = r.targetRate === undefined ? `c=${CONNECTIONS}` : `${r.targetRate}/s`;
  return (
    `| ${name} | ${what} | ${rate} | ${f0(r.rps)} | ${f1(r.p50)} | ${f1(r.p90)} | ${f1(r.p99)} | ${f1(r.max)} | ${r.ok} | ${describeFailures(r)} ` +
    `| ${msPerRequest(r.cpu.server, r)} | ${msPerRequest(r.cpu.engine, r)} | ${f0(r.cpu.machineBusyPct)}% | ${r.cpu.loadGenerator.toFixed(2)} | ${r.cpu.other === undefined ? 'n/a' : r.cpu.other.toFixed(2)} |`
  );
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  const machine = `node ${process.version}, ${cpus.length} CPU (${cpus[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`;
  say(`machine: ${machine}`);
  say(`durations: ${WARMUP_S} s warm-up, ${DURATION_S} s per measured run, ${CONNECTIONS} connections for saturation`);

  const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(' ');
  say(`waiting up to ${QUIET_WAIT_S} s for the machine to be nearly idle...`);
  const quiet = await waitForQuietMachine(QUIET_WAIT_S);
  const quietNote = `machine ${f0(quiet.busyPct)}% busy at the start (waited ${f0(quiet.waitedS)} s${quiet.busyPct >= 25 ? ', gave up waiting for it to be idle' : ''})`;
  say(quietNote);
  const loadBefore = load();
  say(`load average before: ${loadBefore}`);

  const db = await openBenchDatabase(say);
  say(`engine: ${engineLabel(db.engine)} — ${db.description}`);
  let child: ChildProcess | undefined;
  try {
    const started = await startServers(db.uri, db.engine === 'external');
    child = started.child;
    const pids = { server: child.pid, engine: db.engine === 'external' ? undefined : findEnginePid(Number(new URL(db.uri).port)) };
    if (!pids.engine && db.engine !== 'external') say('could not find the engine process: its CPU use is not reported');
    /** Runs one measured load and the CPU accounting around it. */
    const measure = async (run: () => Promise<LoadResult>): Promise<Measured> => {
      const before = snapshot(pids);
      const result = await run();
      return { ...result, cpu: cpuBetween(before, snapshot(pids)) };
    };
    const sentOk: Record<ServerName, number> = { tawasul: 1, bare: 1 }; // the probes below
    /** The most documents a run may have left beyond its 2xx answers: requests still out when it stopped. */
    const slack: Record<ServerName, number> = { tawasul: 0, bare: 0 };
    const account = (name: ServerName, r: LoadResult): void => {
      sentOk[name] += r.ok;
      slack[name] += r.kind === 'open-loop' ? r.timeouts + r.errors : CONNECTIONS + r.timeouts + r.errors;
    };
    const targets: Record<ServerName, Target> = {
      tawasul: { url: `http://127.0.0.1:${started.ports.tawasul}/api/v1/cases`, body: PAYLOAD },
      bare: { url: `http://127.0.0.1:${started.ports.bare}/`, body: PAYLOAD },
    };
    await probe(targets.tawasul);
    await probe(targets.bare);

    // Phase 1: saturation.
    const saturation = {} as Record<ServerName, Measured>;
    for (const name of ['tawasul', 'bare'] as const) {
      say(`${name}: warm-up ${WARMUP_S} s`);
      const warm = await closedLoop(targets[name], { connections: CONNECTIONS, durationS: WARMUP_S });
      account(name, warm);
      if (hasFailures(warm)) say(`${name}: warm-up had failures: ${describeFailures(warm)}`);
      say(`${name}: saturation ${DURATION_S} s at ${CONNECTIONS} connections`);
      saturation[name] = await measure(() => closedLoop(targets[name], { connections: CONNECTIONS, durationS: DURATION_S }));
      account(name, saturation[name]);
      say(`${name}: ${f0(saturation[name].rps)} req/s, p99 ${f1(saturation[name].p99)} ms, failures: ${describeFailures(saturation[name])}`);
    }

    // Phase 2: fixed rate at half of tawasul's own saturation rate.
    const rate = Math.max(1, Math.round(saturation.tawasul.rps / 2));
    const fixed = {} as Record<ServerName, { open: Measured; cannon: Measured }>;
    for (const name of SATURATION_ONLY ? [] : (['tawasul', 'bare'] as const)) {
      const q = await waitForQuietMachine(QUIET_WAIT_S);
      say(`${name}: machine ${f0(q.busyPct)}% busy before the fixed-rate runs (waited ${f0(q.waitedS)} s)`);
      say(`${name}: open-loop ${rate}/s for ${DURATION_S} s`);
      const open = await measure(() => openLoop(targets[name], { rate, durationS: DURATION_S }));
      account(name, open);
      say(`${name}: autocannon overallRate ${rate}/s for ${DURATION_S} s`);
      const cannon = await measure(() => autocannonRate(targets[name], { rate, connections: CONNECTIONS, durationS: DURATION_S }));
      account(name, cannon);
      fixed[name] = { open, cannon };
    }

    // Every 2xx must have left its documents: a case and its outbox message, or one bare document.
    const counts = await ask(child, { cmd: 'counts' });
    const within = (docs: number | undefined, name: ServerName): boolean => docs !== undefined && docs >= sentOk[name] && docs <= sentOk[name] + slack[name];
    const countsOk = within(counts.cases, 'tawasul') && within(counts.outbox, 'tawasul') && within(counts.bare, 'bare');

    const ratio = saturation.tawasul.rps / saturation.bare.rps;
    const judged = [saturation.tawasul, saturation.bare, ...(SATURATION_ONLY ? [] : [fixed.tawasul.open])];
    const clean = judged.every((r) => !hasFailures(r));
    const ratioHolds = ratio >= TARGET_RATIO;
    const cpuPerRequest = (r: Measured): number => (1000 * ((r.cpu.server ?? NaN) + (r.cpu.engine ?? NaN))) / r.rps;

    console.log('');
    console.log(`engine: ${engineLabel(db.engine)}; ${machine}`);
    console.log(`payload: ${Buffer.byteLength(PAYLOAD)} bytes of JSON; saturation at ${CONNECTIONS} connections; ${DURATION_S} s per run`);
    console.log('');
    console.log(
      '| server | run | load | 2xx/s | p50 ms | p90 ms | p99 ms | max ms | 2xx | failures | server CPU ms/req | engine CPU ms/req | machine busy | load-gen cores | other cores |',
    );
    console.log('|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|');
    console.log(row('tawasul', 'saturation', saturation.tawasul));
    console.log(row('bare', 'saturation', saturation.bare));
    if (!SATURATION_ONLY) {
      console.log(row('tawasul', 'open-loop', fixed.tawasul.open));
      console.log(row('tawasul', 'autocannon -R', fixed.tawasul.cannon));
      console.log(row('bare', 'open-loop', fixed.bare.open));
      console.log(row('bare', 'autocannon -R', fixed.bare.cannon));
    }
    console.log('');
    console.log(`throughput ratio tawasul/bare: ${ratio.toFixed(3)} (target >= ${TARGET_RATIO}): ${ratioHolds ? 'HOLDS' : 'MISSED'}`);
    console.log(
      `CPU per answer at saturation (server + engine): tawasul ${f1(cpuPerRequest(saturation.tawasul))} ms, bare ${f1(cpuPerRequest(saturation.bare))} ms;` +
        ` bare/tawasul = ${(cpuPerRequest(saturation.bare) / cpuPerRequest(saturation.tawasul)).toFixed(3)} (the ratio a CPU-bound machine allows)`,
    );
    if (SATURATION_ONLY) {
      console.log('tawasul p99 at half its saturation: not measured (BENCH_SATURATION_ONLY=1)');
    } else {
      const p99Holds = fixed.tawasul.open.p99 < TARGET_P99_MS;
      console.log(
        `tawasul p99 at ${rate}/s (half its saturation), open-loop: ${f1(fixed.tawasul.open.p99)} ms (target < ${TARGET_P99_MS} ms): ${p99Holds ? 'HOLDS' : 'MISSED'}` +
          `; autocannon -R says ${f1(fixed.tawasul.cannon.p99)} ms`,
      );
      console.log(`open-loop generator lateness p99: tawasul ${f1(fixed.tawasul.open.sendLagP99 ?? NaN)} ms, bare ${f1(fixed.bare.open.sendLagP99 ?? NaN)} ms`);
    }
    console.log(
      `documents: ${counts.cases} cases, ${counts.outbox} outbox messages, ${counts.bare} bare; 2xx answers: tawasul ${sentOk.tawasul}, bare ${sentOk.bare}` +
        ` (plus at most ${slack.tawasul}/${slack.bare} requests still out when runs stopped): ${countsOk ? 'consistent' : 'MISMATCH'}`,
    );
    console.log(`${quietNote}; load average before: ${loadBefore}, after: ${load()} (2 cores: above ~2 means other work competed for the CPU)`);
    console.log(
      'columns: CPU ms/req = CPU time of the server process / of the engine per 2xx answer; machine busy = all CPUs over the run;' +
        ' load-gen cores = CPU of this process (the load generator); other cores = CPU used by processes outside this benchmark',
    );
    if (!clean) console.log('RUN HAD FAILURES (non-2xx answers, errors or timeouts) in a judged run: the figures above are not a valid result.');
    if (!countsOk) console.log('DOCUMENT COUNTS DO NOT MATCH THE 2xx ANSWERS: some answers did not correspond to stored documents.');
    if (!clean || !countsOk) process.exitCode = 2;
  } finally {
    if (child) await stopServers(child);
    await db.stop();
    say('stopped');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
