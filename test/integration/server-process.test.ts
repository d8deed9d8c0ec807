/**
 * The service as `npm start` runs it: a real process with the embedded database under its own
 * DATA_DIR, the CLI beside it, SIGTERM, a restart, and bad configuration.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { freeLoopbackPort } from '../../src/shared/db/processes.js';

const ROOT = path.resolve(__dirname, '../..');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', ...extra };
  delete env.MONGODB_URI; // exercise the embedded chain, whatever this run's database is
  return env;
}

function startNode(script: string, args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the service process (npm start)', function () {
  this.timeout(120_000);
  let dataDir: string;
  let port: number;
  let server: Started | undefined;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-start-'));
    port = await freeLoopbackPort();
  });
  after(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function startServer(): Promise<Started> {
    const started = startNode('src/server.ts', [], childEnv({ DATA_DIR: dataDir, PORT: String(port) }));
    await waitFor(() => started.output().includes('Tawasul listening') || started.child.exitCode !== null, 'the server to listen');
    expect(started.output(), started.output()).to.contain('Tawasul listening');
    return started;
  }

  async function stopServer(started: Started): Promise<number | null> {
    started.child.kill('SIGTERM');
    return started.exited;
  }

  const base = (): string => `http://127.0.0.1:${port}`;

  it('when started without MONGODB_URI, then it says which engine it runs on and serves the home page, health and the directory', async () => {
    server = await startServer();
    expect(server.output()).to.match(/database engine: (ferretdb|mongod) \(embedded/);
    expect(server.output()).to.contain('seeded the reference directory');
    expect((await fetch(`${base()}/`)).status).to.equal(200);
    expect(await (await fetch(`${base()}/healthz`)).json()).to.deep.equal({ status: 'ok' });
    expect((await fetch(`${base()}/readyz`)).status).to.equal(200);
    const directory = (await (await fetch(`${base()}/api/v1/directory`)).json()) as { agencies: unknown[]; categories: unknown[]; municipalities: { areas: unknown[] }[] };
    expect(directory.agencies).to.have.length(12);
    expect(directory.categories).to.have.length(20);
    expect(directory.municipalities.flatMap((m) => m.areas)).to.have.length(36);
  });

  it('when cases are filed over HTTP, then municipal and national categories reach the right agency and a retried key gives the same case', async () => {
    const post = (body: object, key?: string) =>
      fetch(`${base()}/api/v1/cases`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(key ? { 'Idempotency-Key': key } : {}) }, body: JSON.stringify(body) });
    const contact = { name: 'Black Box', email: 'blackbox@example.bh' };
    const municipal = await post({ type: 'complaint', category: 'WASTE_COLLECTION', area: 'HIDD', description: 'Rubbish has not been collected for a week.', contact });
    expect(municipal.status).to.equal(201);
    expect(((await municipal.json()) as { agency: { code: string } }).agency.code).to.equal('MUHARRAQ');
    const body = { type: 'inquiry', category: 'UTILITY_BILLING', area: 'SITRA', description: 'Why did my bill double this month?', contact };
    const first = await post(body, 'black-box-key-0001');
    const again = await post(body, 'black-box-key-0001');
    const [a, b] = (await Promise.all([first.json(), again.json()])) as { reference: string; agency: { code: string } }[];
    expect([first.status, again.status]).to.deep.equal([201, 201]);
    expect(a!.agency.code).to.equal('EWA');
    expect(b!.reference).to.equal(a!.reference);
    const malformed = await post({ type: 'complaint', description: { $ne: '' }, contact });
    expect(malformed.status).to.equal(400);
  });

  it('when the CLI runs beside it with the same environment, then it uses the same database', async () => {
    const cli = startNode('src/cli.ts', ['seed'], childEnv({ DATA_DIR: dataDir }));
    expect(await cli.exited, cli.output()).to.equal(0);
    expect(cli.output()).to.contain(`shared with process ${server!.child.pid}`);
    expect(cli.output()).to.contain('0 inserted, 69 already present');
  });

  it('when the embedded database it started dies, then it starts it again on the same port and filing works again by itself', async () => {
    const before = JSON.parse(fs.readFileSync(path.join(dataDir, 'engine.json'), 'utf8')) as { port: number; pid: number };
    process.kill(before.pid, 'SIGKILL');
    await waitFor(() => server!.output().includes('The embedded database is running again'), 'the engine to be restarted', 30_000);
    const after = JSON.parse(fs.readFileSync(path.join(dataDir, 'engine.json'), 'utf8')) as { port: number; pid: number };
    expect(after.port).to.equal(before.port);
    expect(after.pid).to.not.equal(before.pid);
    let status = 0;
    for (let i = 0; i < 40 && status !== 201; i++) {
      const res = await fetch(`${base()}/api/v1/cases`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'complaint', category: 'WASTE_COLLECTION', area: 'HIDD', description: 'Rubbish has not been collected for a week.', contact: { name: 'Black Box', email: 'blackbox@example.bh' } }) });
      status = res.status;
      if (status !== 201) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).to.equal(201);
  });

  it('when sent SIGTERM, then it stops cleanly and stops the engine it started', async () => {
    const state = JSON.parse(fs.readFileSync(path.join(dataDir, 'engine.json'), 'utf8')) as { port: number; pid: number };
    // Change something directly in its database, to see it again after the restart.
    const conn = await mongoose.createConnection(`mongodb://127.0.0.1:${state.port}/tawasul`).asPromise();
    await conn.collection('categories').updateOne({ code: 'STRAY_ANIMALS' }, { $set: { active: false } });
    await conn.close();

    expect(await stopServer(server!)).to.equal(0);
    expect(server!.output()).to.contain('"msg":"stopped"');
    expect(fs.existsSync(path.join(dataDir, 'engine.json'))).to.equal(false);
    expect(() => process.kill(state.pid, 0)).to.throw();
  });

  it('when restarted, then the data is still there and nothing is seeded again', async () => {
    server = await startServer();
    expect(server.output()).not.to.contain('seeded the reference directory');
    const directory = (await (await fetch(`${base()}/api/v1/directory`)).json()) as { categories: { code: string }[] };
    expect(directory.categories.map((c) => c.code)).to.have.length(19).and.not.include('STRAY_ANIMALS');
    expect(await stopServer(server)).to.equal(0);
  });

  it('when the configuration is bad, then start-up stops with a message naming the key', async () => {
    const bad = startNode('src/server.ts', [], childEnv({ DATA_DIR: dataDir, PORT: 'abc', LOG_LEVEL: 'loud' }));
    expect(await bad.exited).to.not.equal(0);
    expect(bad.output()).to.contain('Invalid configuration');
    expect(bad.output()).to.match(/PORT: must be a number/);
    expect(bad.output()).to.match(/LOG_LEVEL: must be one of/);
    expect(bad.output()).not.to.contain('Tawasul listening');
  });
});
