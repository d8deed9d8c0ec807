/**
 * The SLA clock on real cases, with a manual clock: it starts when a case reaches an agency, pauses
 * while the agency waits for the citizen, and restarts on reopening. Times are Bahrain's (UTC+3,
 * Sun–Thu 07:00–14:00).
 */
import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/case.model.js';
import { ManualClock } from '../../src/shared/clock.js';
import { makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { authAt, makeUser, type TestUser } from '../support/staff.js';

describe('the SLA clock of a case', () => {
  const clock = new ManualClock('2026-11-19T12:00:00Z'); // Thursday 15:00 in Bahrain, after hours
  const app = makeApp({ clock });
  let officer: TestUser;
  let agent: TestUser;
  /** A bearer header issued at the manual clock's time, as a sign-in at that moment would give. */
  const as = (u: TestUser): [string, string] => authAt(u, clock);
  before(async () => {
    [officer, agent] = await Promise.all([makeUser('officer', 'CAPITAL', undefined, { clock }), makeUser('agent', undefined, undefined, { clock })]);
  });

  it('when a routed case is filed on a Thursday afternoon, then its deadlines are 2 and 14 working days on', async () => {
    clock.set('2026-11-19T12:00:00Z');
    const res = await request(app).post('/api/v1/cases').send(caseBody());
    expect(res.body.dueAt).to.equal('2026-12-09T11:00:00.000Z'); // Wed 9 Dec 14:00 +03
    const stored = (await CaseModel.findOne({ reference: res.body.reference }).lean())!;
    expect(stored.firstResponseDueAt!.toISOString()).to.equal('2026-11-23T11:00:00.000Z'); // Mon 23 Nov 14:00 +03
    expect(stored.sla).to.deep.include({ calendar: 'BH', pausedWorkingMinutes: 0 });
    expect(stored.sla!.startedAt.toISOString()).to.equal('2026-11-19T12:00:00.000Z');
  });

  it('when a case leaves triage, then its clock starts at the routing', async () => {
    clock.set('2026-11-19T12:00:00Z');
    const filed = await request(app).post('/api/v1/cases').send(caseBody({ category: undefined }));
    expect(filed.body.dueAt).to.equal(null);
    clock.set('2026-11-22T06:00:00Z'); // Sunday 09:00
    await request(app).patch(`/api/v1/cases/${filed.body.reference}`).set(...as(agent)).send({ action: 'route', agency: 'CAPITAL' });
    const stored = (await CaseModel.findOne({ reference: filed.body.reference }).lean())!;
    expect(stored.dueAt!.toISOString()).to.equal('2026-12-10T11:00:00.000Z'); // Sunday does not count: Mon 23 … Thu 10 Dec
  });

  it('when the agency waits a working day for the citizen, then the deadline moves by that working day', async () => {
    clock.set('2026-11-19T12:00:00Z');
    const filed = await request(app).post('/api/v1/cases').send(caseBody());
    const ref = filed.body.reference as string;
    clock.set('2026-11-22T04:00:00Z'); // Sunday 07:00
    await request(app).patch(`/api/v1/cases/${ref}`).set(...as(officer)).send({ action: 'start' });
    await request(app).patch(`/api/v1/cases/${ref}`).set(...as(officer)).send({ action: 'request_information' });
    expect((await CaseModel.findOne({ reference: ref }).lean())!.sla!.pausedAt!.toISOString()).to.equal('2026-11-22T04:00:00.000Z');
    clock.set('2026-11-23T04:00:00Z'); // Monday 07:00: all of Sunday's 420 working minutes passed
    const answered = await request(app).post(`/api/v1/cases/${ref}/messages`).set('X-Tracking-Token', filed.body.trackingToken).send({ message: 'Here is the photo you asked for.' });
    expect(answered.body.status).to.equal('in_progress');
    const stored = (await CaseModel.findOne({ reference: ref }).lean())!;
    expect(stored.sla!.pausedWorkingMinutes).to.equal(420);
    expect(stored.sla!.pausedAt ?? null).to.equal(null);
    expect(stored.dueAt!.toISOString()).to.equal('2026-12-10T11:00:00.000Z'); // Wed 9 Dec 14:00 + 420 working minutes = Thu 10 Dec 14:00
  });

  it('when the citizen reopens, then a new resolution clock starts', async () => {
    const citizen = await makeUser('citizen', undefined, undefined, { clock });
    clock.set('2026-11-19T12:00:00Z');
    const filed = await request(app).post('/api/v1/cases').set(...as(citizen)).send(caseBody({ contact: undefined }));
    const ref = filed.body.reference as string;
    await request(app).patch(`/api/v1/cases/${ref}`).set(...as(officer)).send({ action: 'resolve', note: 'Collected.' });
    clock.set('2026-11-24T06:00:00Z'); // Tuesday 09:00
    const reopened = await request(app).patch(`/api/v1/cases/${ref}`).set(...as(citizen)).send({ action: 'reopen', reason: 'It is back.' });
    expect(reopened.body.status, JSON.stringify(reopened.body)).to.equal('reopened');
    const stored = (await CaseModel.findOne({ reference: ref }).lean())!;
    expect(stored.dueAt!.toISOString()).to.equal('2026-12-14T11:00:00.000Z'); // Wed 25 … Mon 14 Dec, the 14th working day
  });
});
