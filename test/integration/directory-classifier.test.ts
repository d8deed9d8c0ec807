/**
 * The classifier keeps working when the directory changes (issue #16): a model trained while a
 * category was in use never routes a new case with it once it is retired or outside its window,
 * nor suggests it; restored, it is predicted again. No restart and no retraining needed.
 */
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { invalidateModelCache, trainAndStore } from '../../src/classification/classifier.service.js';
import { importHistoryFile } from '../../src/classification/history-import.js';
import { ManualClock } from '../../src/shared/clock.js';
import { wireHooks } from '../../src/wiring.js';
import { makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { authAt, makeUser, type TestUser } from '../support/staff.js';

const HISTORY = path.resolve(__dirname, '../../data/demo/bh-history.jsonl');
const DAY = 24 * 3600 * 1000;
const POWER_CUT = { category: undefined, area: 'MANAMA', title: 'انقطاع الكهرباء', description: 'انقطعت الكهرباء عن منزلنا وعن الحي كله منذ الصباح والجو حار جداً، نرجو إعادة التيار بسرعة.' };

describe('the classifier and an edited directory', function () {
  this.timeout(180_000);
  const clock = new ManualClock(new Date());
  const app = makeApp({ clock });
  let admin: TestUser;
  const file = () => request(app).post('/api/v1/cases').send(caseBody(POWER_CUT));
  const edit = (body: Record<string, unknown>) => request(app).patch('/api/v1/admin/directory/categories/POWER_OUTAGE').set(...authAt(admin, clock)).send(body);
  const suggested = (res: request.Response) => (res.body.routing.candidates as { category: string }[]).map((c) => c.category);

  before(async () => {
    admin = await makeUser('admin', undefined, undefined, { clock });
    await importHistoryFile(HISTORY, 'bh', clock.now());
    await trainAndStore('bh', clock.now(), { threshold: 0, margin: 0.2, minCategory: 0.25 }, 'test', wireHooks().correctedCases);
    invalidateModelCache();
  });

  it('when a power cut is described, then the trained model routes it to POWER_OUTAGE (the starting point)', async () => {
    const res = await file();
    expect(res.status).to.equal(201);
    expect([res.body.routing.method, res.body.category, res.body.agency.code]).to.deep.equal(['classifier', 'POWER_OUTAGE', 'EWA']);
  });

  it('when POWER_OUTAGE is retired, then the next case is neither routed with it nor offered it as a suggestion; restored, it is predicted again', async () => {
    expect((await edit({ retired: true })).status).to.equal(200);
    const res = await file();
    expect(res.status).to.equal(201);
    expect(res.body.category).to.not.equal('POWER_OUTAGE');
    expect(suggested(res)).not.to.include('POWER_OUTAGE');
    expect((await edit({ retired: false })).status).to.equal(200);
    expect((await file()).body.category).to.equal('POWER_OUTAGE');
  });

  it('when POWER_OUTAGE is given a window that has not opened yet, then it is not predicted before it and is after', async () => {
    const start = clock.now().getTime();
    expect((await edit({ validFrom: new Date(start + DAY).toISOString() })).status).to.equal(200);
    const before = await file();
    expect(before.body.category).to.not.equal('POWER_OUTAGE');
    expect(suggested(before)).not.to.include('POWER_OUTAGE');
    clock.set(new Date(start + 2 * DAY));
    expect((await file()).body.category).to.equal('POWER_OUTAGE');
    expect((await edit({ validFrom: null })).status).to.equal(200);
  });
});
