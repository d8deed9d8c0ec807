/**
 * The service as a real process (`src/server.ts`, as `npm start` runs it), for tests of several
 * instances, faults and shutdown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { freeLoopbackPort } from '../../src/shared/db/processes.js';

const ROOT = path.resolve(__dirname, '../..');

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** Polls `predicate` every 100 ms until it holds, or fails naming `what`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts the service on a free port with `env` over this process's environment (NODE_ENV
 * development, LOG_LEVEL info unless given; `MONGODB_URI: undefined` for the embedded chain), and
 * waits until it listens.
 */
export async function startService(env: Record<string, string | undefined>): Promise<ServiceProcess> {
  const port = await freeLoopbackPort();
  const full: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', PORT: String(port), ...env };
  for (const [k, v] of Object.entries(full)) if (v === undefined) delete full[k];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env: full, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await waitFor(() => output.includes('Tawasul listening') || child.exitCode !== null, 'the service to listen');
  expect(output, output).to.contain('Tawasul listening');
  return { child, port, output: () => output, exited };
}
