/**
 * FerretDB v1.24.2, embedded through the Go launcher in tools/ferretdb (see docs/database.md:
 * `go install` of the upstream command panics, embedding the documented package does not).
 * The launcher is built once into a cache folder outside the source tree, keyed by a hash of its
 * sources so that a change to them rebuilds it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOnPath, run, waitUntil, type Say } from './processes.js';

export const FERRETDB_VERSION = 'v1.24.2';
const LAUNCHER_DIR = path.resolve(__dirname, '../../../tools/ferretdb');
const LAUNCHER_SOURCES = ['main.go', 'go.mod', 'go.sum'];

export function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'tawasul');
}

function launcherHash(): string {
  const hash = crypto.createHash('sha256');
  for (const file of LAUNCHER_SOURCES) hash.update(fs.readFileSync(path.join(LAUNCHER_DIR, file)));
  return hash.digest('hex').slice(0, 16);
}

/** Returns the path of the built launcher, building it first when the cache does not have it. */
export async function ensureFerretdbLauncher(say: Say): Promise<string> {
  const target = path.join(cacheRoot(), `ferretdb-${FERRETDB_VERSION}-${launcherHash()}`, 'tawasul-ferretdb');
  if (fs.existsSync(target)) return target;
  const go = findOnPath('go', ['/usr/local/go/bin']);
  if (!go) {
    throw new Error(
      'No database: MONGODB_URI is not set, no mongod binary was found, and Go is not installed to build FerretDB. ' +
        'Either set MONGODB_URI=mongodb://host:27017/tawasul, put mongod on PATH, or install Go (https://go.dev/dl/).',
    );
  }
  say(`Building the FerretDB ${FERRETDB_VERSION} launcher into ${path.dirname(target)} (first time only; this takes a few minutes)...`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  const started = Date.now();
  await run(go, ['build', '-trimpath', '-o', temporary, '.'], { cwd: LAUNCHER_DIR, env: { ...process.env, CGO_ENABLED: '0' } });
  fs.renameSync(temporary, target); // atomic: a concurrent build simply wins or loses the rename
  say(`Built the FerretDB launcher in ${Math.round((Date.now() - started) / 1000)} s.`);
  return target;
}

export interface FerretdbOptions {
  launcher: string;
  port: number;
  /** The directory for the SQLite files (created when missing). */
  dataDir: string;
  logFile?: string;
}

export async function startFerretdb(options: FerretdbOptions): Promise<ChildProcess> {
  fs.mkdirSync(options.dataDir, { recursive: true });
  const sqliteUrl = `file:${options.dataDir.replace(/\/*$/, '/')}`; // an existing directory + trailing slash
  const log = options.logFile ? fs.openSync(options.logFile, 'a') : 'ignore';
  const child = spawn(options.launcher, ['-listen', `127.0.0.1:${options.port}`, '-sqlite-url', sqliteUrl], {
    cwd: options.dataDir,
    stdio: ['ignore', 'pipe', log],
  });
  if (typeof log === 'number') fs.closeSync(log);
  let ready = false;
  let buffered = '';
  child.stdout?.on('data', (d: Buffer) => {
    buffered += d.toString();
    if (buffered.includes('tawasul-ferretdb ready')) ready = true;
  });
  await waitUntil(child, () => Promise.resolve(ready), 60_000, 'FerretDB');
  child.stdout?.removeAllListeners('data');
  child.stdout?.resume();
  return child;
}
