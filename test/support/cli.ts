import { spawn } from 'node:child_process';
import path from 'node:path';
import mongoose from 'mongoose';

const ROOT = path.resolve(__dirname, '../..');

/** This run's database: MONGODB_URI (with its credentials) or the embedded engine, same name. */
export function databaseUri(): string {
  const { host, port, name } = mongoose.connection;
  if (process.env.MONGODB_URI) {
    const url = new URL(process.env.MONGODB_URI);
    url.pathname = `/${name}`;
    return url.toString();
  }
  return `mongodb://${host}:${port}/${name}`;
}

/** `npm run cli -- …` as a real process against this run's database. */
export function runCli(dataDir: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', MONGODB_URI: databaseUri(), DATA_DIR: dataDir, DEPLOYMENT_PROFILE: 'bh' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
