import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/case.model.js';
import { OutboxMessageModel } from '../../src/notifications/index.js';
import { makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { makeCase } from '../support/factories.js';
import { makeUser, type TestUser } from '../support/staff.js';

describe('workspace API', () => {
  const app = makeApp();
  let officer: TestUser;
  let officer2: TestUser;
  let supervisor: TestUser;
  let ewaOfficer: TestUser;
  let manager: TestUser;

  before(async () => {
    [officer, officer2, supervisor, ewaOfficer, manager] = await Promise.all([
      makeUser('officer', 'CAPITAL', 'Officer Hassan'),
      makeUser('officer', 'CAPITAL', 'Officer Noor'),
      makeUser('supervisor', 'CAPITAL'),
      makeUser('officer', 'EWA'),
      makeUser('manager'),
    ]);
  });

  it('when nobody is signed in, then the list is 401', async () => {
    const res = await request(app).get('/api/v1/cases');
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.be.a('string');
  });

  it("when an officer lists, then only their agency's cases come, with counts per status", async () => {
    const mine = await makeCase({ agency: 'CAPITAL' });
    const theirs = await makeCase({ agency: 'EWA', category: 'POWER_OUTAGE' });
    const res = await request(app).get('/api/v1/cases?limit=100&status=assigned,in_progress').set(...officer.auth);
    expect(res.status).to.equal(200);
    const refs = (res.body.items as { reference: string }[]).map((i) => i.reference);
    expect(refs).to.include(mine.reference).and.not.include(theirs.reference);
    const counts = await request(app).get('/api/v1/cases/counts').set(...officer.auth);
    expect(counts.body.byStatus.assigned).to.be.at.least(1);
  });

  it('when the query is malformed, then it is 400 naming the field', async () => {
    const res = await request(app).get('/api/v1/cases?status=open&limit=1000&sort=random').set(...officer.auth);
    expect(res.status).to.equal(400);
    expect((res.body.error.details as { field: string }[]).map((d) => d.field)).to.include.members(['status', 'limit', 'sort']);
  });

  it('when an officer works a case to resolution, then the citizen is emailed and sees the answer', async () => {
    const filed = await request(app).post('/api/v1/cases').send(caseBody());
    const ref = filed.body.reference as string;
    const started = await request(app).patch(`/api/v1/cases/${ref}`).set(...officer.auth).send({ action: 'start' });
    expect(started.status).to.equal(200);
    expect(started.body).to.include({ status: 'in_progress', assignee: 'Officer Hassan' });
    const resolved = await request(app).patch(`/api/v1/cases/${ref}`).set(...officer.auth).send({ action: 'resolve', note: 'The waste was collected this morning.' });
    expect(resolved.body.status).to.equal('resolved');
    const stored = await CaseModel.findOne({ reference: ref }).lean();
    const email = await OutboxMessageModel.findOne({ template: 'case-update', 'subject.id': stored!._id.toHexString() }).lean();
    expect(email!.to).to.equal(stored!.contact.email);
    expect((email!.data as { message: string }).message).to.equal('The waste was collected this morning.');
    const seen = await request(app).get(`/api/v1/cases/${ref}`).set('X-Tracking-Token', filed.body.trackingToken);
    expect(seen.body.status).to.equal('resolved');
    expect(seen.body.timeline.at(-1)).to.include({ note: 'The waste was collected this morning.', by: 'agency' });

    const rated = await request(app).post(`/api/v1/cases/${ref}/rating`).set('X-Tracking-Token', filed.body.trackingToken).send({ score: 5, comment: 'شكراً' });
    expect(rated.status).to.equal(201);
    expect((await CaseModel.findOne({ reference: ref }).lean())!.rating).to.deep.include({ score: 5, comment: 'شكراً' });
  });

  it("when another agency's officer or a manager tries to act, then it is 404 and 403", async () => {
    const c = await makeCase({ agency: 'CAPITAL' });
    const other = await request(app).patch(`/api/v1/cases/${c.reference}`).set(...ewaOfficer.auth).send({ action: 'start' });
    expect(other.status).to.equal(404);
    const readOther = await request(app).get(`/api/v1/cases/${c.reference}`).set(...ewaOfficer.auth);
    expect(readOther.status).to.equal(404);
    const mgr = await request(app).patch(`/api/v1/cases/${c.reference}`).set(...manager.auth).send({ action: 'start' });
    expect(mgr.status).to.equal(403);
    const mgrRead = await request(app).get(`/api/v1/cases/${c.reference}`).set(...manager.auth);
    expect(mgrRead.status).to.equal(200);
    expect((await CaseModel.findById(c._id).lean())!.status).to.equal('assigned');
  });

  it('when an internal note is added, then staff see it and the citizen never does', async () => {
    const filed = await request(app).post('/api/v1/cases').send(caseBody());
    const ref = filed.body.reference as string;
    const noted = await request(app).patch(`/api/v1/cases/${ref}`).set(...officer.auth).send({ reply: { message: 'Contractor is late again.', visibility: 'internal' } });
    expect(noted.status).to.equal(200);
    expect(JSON.stringify(noted.body.history)).to.contain('Contractor is late again.');
    const citizen = await request(app).get(`/api/v1/cases/${ref}`).set('X-Tracking-Token', filed.body.trackingToken);
    expect(citizen.status).to.equal(200);
    expect(citizen.text).not.to.contain('Contractor is late again.').and.not.contain('Hassan');
    expect(await OutboxMessageModel.countDocuments({ template: 'case-update', 'data.reference': ref })).to.equal(0);
  });

  it('when a body mixes an action and a reply, then it is 400', async () => {
    const c = await makeCase();
    const res = await request(app).patch(`/api/v1/cases/${c.reference}`).set(...officer.auth).send({ action: 'start', reply: { message: 'hello there' } });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
  });

  it('when a supervisor assigns within the agency, then it works; outside it, it is refused', async () => {
    const c = await makeCase();
    const ok = await request(app).patch(`/api/v1/cases/${c.reference}`).set(...supervisor.auth).send({ assignee: officer2.id });
    expect(ok.status).to.equal(200);
    expect(ok.body.assignee).to.equal('Officer Noor');
    const bad = await request(app).patch(`/api/v1/cases/${c.reference}`).set(...supervisor.auth).send({ assignee: ewaOfficer.id });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].code).to.equal('NOT_AGENCY_STAFF');
    const byOfficer = await request(app).patch(`/api/v1/cases/${c.reference}`).set(...officer.auth).send({ assignee: officer2.id });
    expect(byOfficer.status).to.equal(403);
  });

  it('when an officer transfers a case, then it leaves their list and the other agency sees it', async () => {
    const c = await makeCase();
    const res = await request(app).patch(`/api/v1/cases/${c.reference}`).set(...officer.auth).send({ action: 'transfer', agency: 'EWA', reason: 'Water meter: EWA.' });
    expect(res.status).to.equal(200);
    expect((await request(app).get(`/api/v1/cases/${c.reference}`).set(...officer.auth)).status).to.equal(404);
    expect((await request(app).get(`/api/v1/cases/${c.reference}`).set(...ewaOfficer.auth)).status).to.equal(200);
  });

  it('when a citizen signs in, then their list holds their own cases only', async () => {
    const citizen = await makeUser('citizen');
    const own = await makeCase({ citizenId: citizen.user._id });
    await makeCase();
    const res = await request(app).get('/api/v1/cases').set(...citizen.auth);
    expect((res.body.items as { reference: string }[]).map((i) => i.reference)).to.deep.equal([own.reference]);
    const read = await request(app).get(`/api/v1/cases/${own.reference}`).set(...citizen.auth);
    expect(read.status).to.equal(200);
    expect(read.body.actions).to.deep.equal([]);
  });
});
