/**
 * Two `npm start` processes on one DATA_DIR share the embedded engine the first one started. When
 * that first one stops (and stops its engine), the second takes the engine over on the same port and
 * files, and goes on serving with the data intact.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { caseBody } from '../support/cases.js';
import { startService, waitFor, type ServiceProcess } from '../support/service.js';

describe('two processes sharing the embedded engine', function () {
  this.timeout(180_000);
  let dataDir: string;
  const instances: ServiceProcess[] = [];

  async function start(): Promise<ServiceProcess> {
    // MONGODB_URI unset: the embedded chain, whatever this run's database is.
    const instance = await startService({ MONGODB_URI: undefined, DATA_DIR: dataDir, RATE_LIMIT_FILING: '100000', CLASSIFIER_RETRAIN_HOURS: '0' });
    instances.push(instance);
    return instance;
  }
  const file = (i: ServiceProcess) => fetch(`http://127.0.0.1:${i.port}/api/v1/cases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(caseBody()) });

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
