/**
 * The database goes away under a running service (a real process, on a FerretDB this test starts
 * and stops itself) and comes back: requests fail fast with 503 DATABASE_UNAVAILABLE, `/readyz` says
 * so, and the service recovers by itself; every case answered 201 is stored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { ensureFerretdbLauncher, startFerretdb } from '../../src/shared/db/ferretdb.js';
import { freeLoopbackPort, stopChild } from '../../src/shared/db/processes.js';
import { caseBody } from '../support/cases.js';

const ROOT = path.resolve(__dirname, '../..');

describe('the database goes away and comes back', function () {
  this.timeout(180_000);
  let dir: string;
  let dbPort: number;
  let launcher: string;
  let engine: ChildProcess | undefined;
  let server: ChildProcess | undefined;
  let output = '';
  let port: number;

  const startEngine = async () => {
    engine = await startFerretdb({ launcher, port: dbPort, dataDir: path.join(dir, 'ferretdb') });
  };
  const file = () => fetch(`http://127.0.0.1:${port}/api/v1/cases`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, body: JSON.stringify(caseBody()) });

  /** Files again every half second, 30 s at most, until the service accepts: it recovers by itself. */
  const fileOnceBack = async (): Promise<Response> => {
    const deadline = Date.now() + 30_000;
    let back = await file();
    while (back.status !== 201 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      back = await file();
    }
    expect(back.status).to.equal(201);
    return back;
  };
  // Whatever engine the suite runs on, this test starts and stops a FerretDB of its own.
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-outage-'));
    launcher = await ensureFerretdbLauncher(() => {});
    [dbPort, port] = [await freeLoopbackPort(), await freeLoopbackPort()];
    await startEngine();
    const env = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', PORT: String(port), MONGODB_URI: `mongodb://127.0.0.1:${dbPort}/tawasul`, DATA_DIR: path.join(dir, 'data'), RATE_LIMIT_FILING: '100000', CLASSIFIER_RETRAIN_HOURS: '0', DB_OPERATION_TIMEOUT_MS: '3000' };
    // A database given by MONGODB_URI is seeded by the CLI, as an operator would.
    const seed = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'seed'], { cwd: ROOT, env, stdio: 'ignore' });
    expect(await new Promise((resolve) => seed.on('exit', resolve))).to.equal(0);
    server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!output.includes('Tawasul listening') && server.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(output, output).to.contain('Tawasul listening');
  });
  after(async () => {
    if (server && server.exitCode === null) await stopChild(server);
    if (engine) await stopChild(engine);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the database stops, then filings fail within seconds with 503 DATABASE_UNAVAILABLE and /readyz says so; when it returns, the service works again by itself', async () => {
    const references: string[] = [];
    const first = await file();
    expect(first.status, `${await first.clone().text()}\n${output}`).to.equal(201);
    references.push(((await first.json()) as { reference: string }).reference);

    await stopChild(engine!);
    const started = Date.now();
    const refused = await file();
    const took = Date.now() - started;
    expect(refused.status).to.equal(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal('DATABASE_UNAVAILABLE');
    expect(took).to.be.below(10_000);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).to.equal(503);

    await startEngine();
    const back = await fileOnceBack();
    references.push(((await back.json()) as { reference: string }).reference);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).to.equal(200);

    const conn = await mongoose.createConnection(`mongodb://127.0.0.1:${dbPort}/tawasul`).asPromise();
    try {
      expect(await conn.collection('cases').countDocuments({ reference: { $in: references } })).to.equal(2);
    } finally {
      await conn.close();
    }
    expect(output).not.to.match(/"level":50.*DATABASE_UNAVAILABLE.*"stack"/);
  });

  it('when the database is paused (it holds the connection but answers nothing), then a filing fails within seconds with 503 and, once it resumes, filing works again', async () => {
    process.kill(engine!.pid!, 'SIGSTOP');
    try {
      const started = Date.now();
      const stuck = await file();
      const took = Date.now() - started;
      expect(stuck.status).to.equal(503);
      expect(((await stuck.json()) as { error: { code: string } }).error.code).to.equal('DATABASE_UNAVAILABLE');
      expect(took).to.be.below(8_000); // DB_OPERATION_TIMEOUT_MS is 3 s here; 68 s before
    } finally {
      process.kill(engine!.pid!, 'SIGCONT');
    }
    await fileOnceBack();
  });
});

