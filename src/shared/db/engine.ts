/**
 * How a database is found (docs/database.md):
 *   1. MONGODB_URI when set;
 *   2. otherwise an embedded engine: a real mongod (PATH, or a download where one works),
 *   3. else FerretDB v1.24.2 through the Go launcher in tools/ferretdb.
 * The embedded engine keeps its files under DATA_DIR and records itself in DATA_DIR/engine.json, so
 * that `npm start` and `npm run cli` started with the same environment share one database: the
 * second process finds the engine the first one started, or starts it itself.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { EmbeddedEngine } from '../../config/index.js';
import { ensureFerretdbLauncher, startFerretdb } from './ferretdb.js';
import { findMongod, startMongod } from './mongod.js';
import { freeLoopbackPort, portAnswers, processAlive, stopChild, type Say } from './processes.js';

export type EngineName = 'external' | 'mongod' | 'ferretdb';

export interface Database {
  engine: EngineName;
  uri: string;
  /** How the engine was obtained, for the start-up line. */
  description: string;
  /** Stops the engine if this process started it; otherwise does nothing. */
  stop(): Promise<void>;
}

interface EngineState {
  engine: 'mongod' | 'ferretdb';
  port: number;
  pid: number;
  ownerPid: number;
}

const DB_NAME = 'tawasul';

function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

export async function openDatabase(options: { mongodbUri?: string; dataDir: string; engine: EmbeddedEngine; say: Say }): Promise<Database> {
  if (options.mongodbUri) {
    return { engine: 'external', uri: options.mongodbUri, description: `MONGODB_URI (${redactUri(options.mongodbUri)})`, stop: async () => {} };
  }
  fs.mkdirSync(options.dataDir, { recursive: true });
  const stateFile = path.join(options.dataDir, 'engine.json');

  const running = await findRunningEngine(stateFile);
  if (running) return shareEngine(running, options, stateFile);

  const release = await acquireLock(path.join(options.dataDir, 'engine.lock'), options.say);
  try {
    const again = await findRunningEngine(stateFile); // someone may have started it while we waited
    if (again) return shareEngine(again, options, stateFile);
    const owned = await ownEngine(options, stateFile);
    return {
      engine: owned.engine,
      uri: `mongodb://127.0.0.1:${owned.port}/${DB_NAME}`,
      description: `embedded ${owned.engine} on 127.0.0.1:${owned.port}, data in ${options.dataDir}`,
      stop: () => owned.stop(),
    };
  } finally {
    release();
  }
}

/**
 * Starts the embedded engine (on `port` when one is given: a take-over keeps the address the other
 * processes are connected to), records it in DATA_DIR/engine.json and supervises it: if it dies, it
 * is started again on the same port and files, with back-off, and the driver reconnects by itself.
 */
async function ownEngine(options: { dataDir: string; engine: EmbeddedEngine; say: Say }, stateFile: string, port?: number): Promise<{ engine: 'mongod' | 'ferretdb'; port: number; stop(): Promise<void> }> {
  const started = await startEngine({ persistentDir: options.dataDir, engine: options.engine, say: options.say, ...(port ? { port } : {}) });
  const record = (pid: number): EngineState => {
    const state: EngineState = { engine: started.engine, port: started.port, pid, ownerPid: process.pid };
    fs.writeFileSync(stateFile, JSON.stringify(state));
    return state;
  };
  let state = record(started.child.pid ?? 0);
  const supervisor = superviseEngine(started.child, () => startEngine({ persistentDir: options.dataDir, engine: started.engine, say: options.say, port: started.port }).then((s) => s.child), options.say, (child) => {
    state = record(child.pid ?? 0);
  });
  return {
    engine: started.engine,
    port: started.port,
    stop: async () => {
      await supervisor.stop();
      try {
        const current = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as EngineState;
        if (current.pid === state.pid) fs.unlinkSync(stateFile);
      } catch {
        // already gone
      }
    },
  };
}

const WATCH_MS = 1_000;

/**
 * An engine another process started. That process may stop (and stop the engine with it) while this
 * one still runs: then this one takes it over, on the same port and files, so that it and any other
 * process sharing the engine carry on (one taker, by the lock file).
 */
function shareEngine(shared: EngineState, options: { dataDir: string; engine: EmbeddedEngine; say: Say }, stateFile: string): Database {
  let owned: { stop(): Promise<void> } | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const watch = (): void => {
    timer = setTimeout(() => void check().finally(() => !stopped && !owned && watch()), WATCH_MS);
    timer.unref();
  };
  /** The owner, while it lives, restarts its own engine; only when it is gone is the engine taken over. */
  const ownerGone = async (): Promise<boolean> => {
    let state: EngineState | undefined;
    try {
      state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as EngineState;
    } catch {
      state = undefined; // removed by an owner that stopped
    }
    if (state && processAlive(state.ownerPid)) return false;
    return !(await portAnswers(shared.port));
  };
  const check = async (): Promise<void> => {
    if (!(await ownerGone())) return;
    const release = await acquireLock(path.join(options.dataDir, 'engine.lock'), options.say);
    try {
      if (stopped || !(await ownerGone())) return; // someone else took it over
      options.say(`The embedded database of process ${shared.ownerPid} has stopped; this process (${process.pid}) starts it again on port ${shared.port}.`);
      owned = await ownEngine({ ...options, engine: shared.engine }, stateFile, shared.port);
    } catch (err) {
      options.say(`Could not take over the embedded database (${err instanceof Error ? err.message : String(err)}); trying again.`);
    } finally {
      release();
    }
  };
  watch();
  return {
    engine: shared.engine,
    uri: `mongodb://127.0.0.1:${shared.port}/${DB_NAME}`,
    description: `embedded ${shared.engine} on 127.0.0.1:${shared.port}, shared with process ${shared.ownerPid}`,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await owned?.stop();
    },
  };
}

/**
 * A throw-away engine for a test run, its files in a temporary folder. Not FerretDB's in-memory
 * SQLite (`file:./?mode=memory`): with it, v1.24.2 hangs on any update that changes a document.
 */
export async function openEphemeralDatabase(options: { engine: EmbeddedEngine; tmpDir: string; dbName: string; say: Say }): Promise<Database> {
  const started = await startEngine({ engine: options.engine, say: options.say, ephemeralDir: options.tmpDir });
  return {
    engine: started.engine,
    uri: `mongodb://127.0.0.1:${started.port}/${options.dbName}`,
    description: `ephemeral ${started.engine} on 127.0.0.1:${started.port}`,
    stop: async () => {
      await stopChild(started.child);
      fs.rmSync(options.tmpDir, { recursive: true, force: true });
    },
  };
}

const RESTART_FIRST_MS = 500;
const RESTART_MAX_MS = 30_000;

/** Restarts an engine that exits while nobody asked it to stop: after 0.5 s, then doubling up to 30 s. */
export function superviseEngine(first: ChildProcess, restart: () => Promise<ChildProcess>, say: Say, onRestarted: (child: ChildProcess) => void): { stop(): Promise<void> } {
  let current = first;
  let stopping = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  const watch = (child: ChildProcess): void => {
    child.once('exit', (code, signal) => {
      if (stopping) return;
      say(`The embedded database stopped unexpectedly (${signal ?? `exit code ${code}`}); starting it again.`);
      schedule();
    });
  };
  const schedule = (): void => {
    const delay = Math.min(RESTART_FIRST_MS * 2 ** failures, RESTART_MAX_MS);
    timer = setTimeout(() => {
      restart().then(
        (child) => {
          if (stopping) return void stopChild(child);
          failures = 0;
          current = child;
          onRestarted(child);
          watch(child);
          say(`The embedded database is running again (pid ${child.pid}).`);
        },
        (err: unknown) => {
          failures++;
          say(`The embedded database could not be started again (${err instanceof Error ? err.message : String(err)}); next try in ${Math.min(RESTART_FIRST_MS * 2 ** failures, RESTART_MAX_MS) / 1000} s.`);
          if (!stopping) schedule();
        },
      );
    }, delay);
    timer.unref();
  };
  watch(first);
  return {
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      await stopChild(current);
    },
  };
}

async function startEngine(options: {
  engine: EmbeddedEngine;
  say: Say;
  persistentDir?: string;
  ephemeralDir?: string;
  /** The port to start on (a restart keeps its port); a free one by default. */
  port?: number;
}): Promise<{ engine: 'mongod' | 'ferretdb'; port: number; child: ChildProcess }> {
  const port = options.port ?? (await freeLoopbackPort());
  const baseDir = options.persistentDir ?? options.ephemeralDir ?? '.';
  if (options.engine !== 'ferretdb') {
    const mongod = await findMongod(options.say, options.engine === 'auto' || options.engine === 'mongod');
    if (mongod) {
      const child = await startMongod({ binary: mongod, port, dbPath: path.join(baseDir, 'mongod'), logFile: path.join(baseDir, 'mongod.log') });
      return { engine: 'mongod', port, child };
    }
    if (options.engine === 'mongod') throw new Error('EMBEDDED_DB=mongod, but no mongod binary is on PATH and none could be downloaded.');
  }
  const launcher = await ensureFerretdbLauncher(options.say);
  const child = await startFerretdb({
    launcher,
    port,
    dataDir: path.join(baseDir, 'ferretdb'),
    logFile: path.join(baseDir, 'ferretdb.log'),
  });
  return { engine: 'ferretdb', port, child };
}

async function findRunningEngine(stateFile: string): Promise<EngineState | undefined> {
  let state: EngineState;
  try {
    state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as EngineState;
  } catch {
    return undefined;
  }
  if (state.pid && processAlive(state.pid) && (await portAnswers(state.port))) return state;
  fs.rmSync(stateFile, { force: true }); // stale: its engine is gone
  return undefined;
}

/** An exclusive lock file: only one process starts the engine of a DATA_DIR at a time. */
async function acquireLock(lockFile: string, say: Say): Promise<() => void> {
  const deadline = Date.now() + 10 * 60_000; // a first FerretDB build can take minutes
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(fs.readFileSync(lockFile, 'utf8').trim() || '0');
    if (!holder || !processAlive(holder)) {
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for process ${holder} to start the database (${lockFile}).`);
    if (!told) say(`Waiting for process ${holder} to start the embedded database...`);
    told = true;
    await new Promise((r) => setTimeout(r, 250));
  }
}
