/**
 * A real mongod: on PATH, or fetched by mongodb-memory-server-core where its download works
 * (ordinary laptops with internet). A failed download is remembered for a day so that machines
 * without internet do not pay for the attempt on every start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cacheRoot } from './ferretdb.js';
import { findOnPath, portAnswers, waitUntil, type Say } from './processes.js';

const DOWNLOAD_FAILED_MARK = (): string => path.join(cacheRoot(), 'mongod-download-failed');
const RETRY_DOWNLOAD_AFTER_MS = 24 * 3600 * 1000;

export async function findMongod(say: Say, allowDownload: boolean): Promise<string | undefined> {
  const onPath = findOnPath('mongod');
  if (onPath) return onPath;
  if (!allowDownload) return undefined;
  const mark = DOWNLOAD_FAILED_MARK();
  try {
    if (Date.now() - fs.statSync(mark).mtimeMs < RETRY_DOWNLOAD_AFTER_MS) return undefined;
  } catch {
    // no mark: try
  }
  try {
    const { MongoBinary } = await import('mongodb-memory-server-core');
    return await MongoBinary.getPath();
  } catch (err) {
    say(`No mongod on PATH and none could be downloaded (${(err as Error).message.split('\n')[0]}); using FerretDB.`);
    fs.mkdirSync(path.dirname(mark), { recursive: true });
    fs.writeFileSync(mark, new Date().toISOString());
    return undefined;
  }
}

export async function startMongod(options: { binary: string; port: number; dbPath: string; logFile?: string }): Promise<ChildProcess> {
  fs.mkdirSync(options.dbPath, { recursive: true });
  const log = options.logFile ? fs.openSync(options.logFile, 'a') : 'ignore';
  const child = spawn(options.binary, ['--dbpath', options.dbPath, '--port', String(options.port), '--bind_ip', '127.0.0.1'], {
    stdio: ['ignore', log, log],
  });
  if (typeof log === 'number') fs.closeSync(log);
  await waitUntil(child, () => portAnswers(options.port), 60_000, 'mongod');
  return child;
}
