/**
 * SIGTERM under a load of filings on kept-alive connections (a real process, four clients at once):
 * the process stops taking requests at once, finishes those in flight, exits within its grace
 * period, and every case answered 201 is stored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { CaseModel } from '../../src/cases/case.model.js';
import { oneOf } from '../../src/shared/db/operators.js';
import { freeLoopbackPort } from '../../src/shared/db/processes.js';
import { caseBody } from '../support/cases.js';
import { databaseUri } from '../support/cli.js';

const ROOT = path.resolve(__dirname, '../..');

interface Answer {
  sentAt: number;
  status: number | 'error';
  reference?: string;
}

function post(agent: http.Agent, port: number, body: object): Promise<Omit<Answer, 'sentAt'>> {
  return new Promise((resolve) => {
    const data = JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, path: '/api/v1/cases', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        const reference = res.statusCode === 201 ? (JSON.parse(text) as { reference: string }).reference : undefined;
        resolve({ status: res.statusCode ?? 0, ...(reference ? { reference } : {}) });
      });
      res.on('error', () => resolve({ status: 'error' }));
    });
    req.on('error', () => resolve({ status: 'error' }));
    req.end(data);
  });
}

describe('stopping under load', function () {
  this.timeout(120_000);
  let server: ChildProcess;
  let output = '';
  let dir: string;

  after(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when SIGTERM comes during filings on kept-alive connections, then no request sent after it is served, it exits in time, and every 201 is stored', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-stop-'));
    const port = await freeLoopbackPort();
    const env = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', PORT: String(port), MONGODB_URI: databaseUri(), DATA_DIR: dir, JWT_SECRET: 'shutdown-secret-shutdown-secret-shutdown', RATE_LIMIT_FILING: '100000', CLASSIFIER_RETRAIN_HOURS: '0' };
    server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
    const deadline = Date.now() + 60_000;
    while (!output.includes('Tawasul listening') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(output, output).to.contain('Tawasul listening');

    const answers: Answer[] = [];
    let signalAt = Infinity;
    let stop = false;
    const client = async (): Promise<void> => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      for (let i = 0; i < 400 && !stop; i++) {
        const sentAt = Date.now();
        const answer = await post(agent, port, caseBody());
        answers.push({ sentAt, ...answer });
        if (answer.status === 'error' && sentAt > signalAt) break; // the instance is gone
      }
      agent.destroy();
    };
    const clients = [client(), client(), client(), client()];
    // The signal comes once filings are flowing (at least 1.5 s, and 8 stored), however busy the machine.
    const flowingBy = Date.now() + 30_000;
    await new Promise((r) => setTimeout(r, 1_500));
    while (answers.filter((a) => a.status === 201).length < 8 && Date.now() < flowingBy) await new Promise((r) => setTimeout(r, 50));
    signalAt = Date.now();
    server.kill('SIGTERM');
    const code = await exited;
    const stoppedAfter = Date.now() - signalAt;
    stop = true;
    await Promise.all(clients);

    expect(code, output).to.equal(0);
    expect(stoppedAfter).to.be.below(15_000);
    const before = answers.filter((a) => a.sentAt < signalAt);
    const after = answers.filter((a) => a.sentAt > signalAt + 50);
    expect(before.filter((a) => a.status === 201).length).to.be.greaterThan(4);
    // Sent after the signal: turned away (503) or refused, never served.
    expect(after.filter((a) => a.status !== 503 && a.status !== 'error')).to.deep.equal([]);
    const filed = answers.filter((a) => a.status === 201).map((a) => a.reference!);
    expect(await CaseModel.countDocuments({ reference: oneOf(filed) })).to.equal(filed.length);
  });
});
