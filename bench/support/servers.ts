/**
 * The server processes of bench/intake.ts and bench/memory.ts: one forked bench/intake-servers.ts per
 * server (so that each has its own pid, whose CPU and memory /proc reports), and the IPC around them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ChildMessage, ParentMessage, ServerName } from '../intake-servers.js';
import type { Target } from './load.js';

export interface Server {
  name: ServerName;
  child: ChildProcess;
  port: number;
}

/** Forks one server on `uri`; resolves once it listens. `drop`: it drops the database when stopped. */
export function startServer(name: ServerName, options: { uri: string; drop: boolean; execArgv?: string[] }): Promise<Server> {
  const child = fork(path.join(__dirname, '..', 'intake-servers.ts'), [], {
    execArgv: [...process.execArgv, ...(options.execArgv ?? [])], // tsx's loader, and what the caller adds
    env: { ...process.env, BENCH_DB_URI: options.uri, BENCH_SERVER: name, BENCH_DROP_DATABASE: options.drop ? '1' : '0', NODE_ENV: 'test' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000);
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve({ name, child, port: m.port });
      } else if (m.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${name} failed to start:\n${m.message}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready`));
    });
  });
}

/** Sends a command and waits for the answer of the matching type. */
export function ask<T extends ChildMessage['type'] = 'counts'>(server: Server, message: ParentMessage, answer: T = 'counts' as T, timeoutMs = 120_000): Promise<Extract<ChildMessage, { type: T }>> {
  const { child } = server;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from ${server.name}`)), timeoutMs);
    const onMessage = (m: ChildMessage): void => {
      if (m.type !== answer) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m as Extract<ChildMessage, { type: T }>);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

export async function stopServer(server: Server): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send({ cmd: 'stop' } satisfies ParentMessage);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000); // our own child, by its handle
  await exited;
  clearTimeout(timer);
  if (child.connected) child.disconnect();
}

/** One filing; it must answer 201. */
export async function probe(target: Target): Promise<void> {
  const res = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: target.body });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`probe of ${target.url} answered ${res.status}: ${text.slice(0, 500)}`);
}
