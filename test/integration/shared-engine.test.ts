/**
 * Two `npm start` processes on one DATA_DIR share the embedded engine the first one started. When
 * that first one stops (and stops its engine), the second takes the engine over on the same port and
 * files, and goes on serving with the data intact.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { freeLoopbackPort } from '../../src/shared/db/processes.js';
import { caseBody } from '../support/cases.js';

const ROOT = path.resolve(__dirname, '../..');

interface Instance {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('two processes sharing the embedded engine', function () {
  this.timeout(180_000);
  let dataDir: string;
  const instances: Instance[] = [];

  async function start(): Promise<Instance> {
    const port = await freeLoopbackPort();
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', PORT: String(port), DATA_DIR: dataDir, RATE_LIMIT_FILING: '100000', CLASSIFIER_RETRAIN_HOURS: '0' };
    delete env.MONGODB_URI; // the embedded chain, whatever this run's database is
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const instance = { child, port, output: () => output, exited };
    instances.push(instance);
    await waitFor(() => output.includes('Tawasul listening') || child.exitCode !== null, 'an instance to listen');
    expect(output, output).to.contain('Tawasul listening');
    return instance;
  }
  const file = (i: Instance) => fetch(`http://127.0.0.1:${i.port}/api/v1/cases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(caseBody()) });

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-shared-'));
  });
  after(async () => {
    for (const i of instances) if (i.child.exitCode === null) i.child.kill('SIGTERM');
    await Promise.all(instances.map((i) => i.exited));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the process that started the engine stops, then the other takes it over and keeps serving, with the data kept', async () => {
    const first = await start();
    const second = await start();
    expect(second.output()).to.contain(`shared with process ${first.child.pid}`);
    const filed = await file(second);
    expect(filed.status).to.equal(201);
    const { reference, trackingToken } = (await filed.json()) as { reference: string; trackingToken: string };

    first.child.kill('SIGTERM');
    expect(await first.exited).to.equal(0);
    await waitFor(() => second.output().includes('starts it again'), 'the take-over', 30_000);
    let status = 0;
    await waitFor(async () => (status = (await file(second)).status) === 201, 'filing to work again', 30_000);
    expect(status).to.equal(201);
    const tracked = await fetch(`http://127.0.0.1:${second.port}/api/v1/cases/${reference}`, { headers: { 'X-Tracking-Token': trackingToken } });
    expect(tracked.status).to.equal(200);
    // The engine answers before its start-up is recorded: wait for the record to name the new owner.
    const owner = () => (fs.existsSync(path.join(dataDir, 'engine.json')) ? (JSON.parse(fs.readFileSync(path.join(dataDir, 'engine.json'), 'utf8')) as { ownerPid: number }).ownerPid : 0);
    await waitFor(() => owner() === second.child.pid, 'the engine to be recorded as the second process\'s', 30_000);

    second.child.kill('SIGTERM');
    expect(await second.exited).to.equal(0);
    expect(fs.existsSync(path.join(dataDir, 'engine.json'))).to.equal(false); // it stopped the engine it took over
  });
});
