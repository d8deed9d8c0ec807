import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/case.model.js';
import { UserModel } from '../../src/users/index.js';
import { makeApp } from '../support/app.js';
import { makeCase } from '../support/factories.js';
import { makeUser } from '../support/staff.js';

describe('staff accounts by an administrator', () => {
  const app = makeApp();

  it('when an admin creates an officer, then it exists with its agency; a second call changes nothing', async () => {
    const admin = await makeUser('admin');
    const body = { email: 'new.officer@works.gov.bh', password: 'a long password here', role: 'officer', agency: 'WORKS', name: 'New Officer' };
    const first = await request(app).post('/api/v1/admin/users').set(...admin.auth).send(body);
    expect(first.status).to.equal(201);
    expect(first.body.user).to.include({ email: 'new.officer@works.gov.bh', role: 'officer', agency: 'WORKS' });
    expect(JSON.stringify(first.body)).not.to.contain('password');
    const again = await request(app).post('/api/v1/admin/users').set(...admin.auth).send({ ...body, role: 'manager', agency: undefined });
    expect(again.status).to.equal(200);
    expect(again.body.status).to.equal('exists');
    expect((await UserModel.findOne({ email: body.email }).lean())!.role).to.equal('officer');
  });

  it('when the agency is missing or unknown, then it is 400 naming the agency', async () => {
    const admin = await makeUser('admin');
    for (const agency of [undefined, 'NOPE']) {
      const res = await request(app).post('/api/v1/admin/users').set(...admin.auth).send({ email: `x-${agency ?? 'none'}@gov.bh`, password: 'a long password here', role: 'supervisor', name: 'Supervisor X', ...(agency ? { agency } : {}) });
      expect(res.status).to.equal(400);
      expect((res.body.error.details as { field: string }[]).map((d) => d.field)).to.include('agency');
    }
  });

  it('when someone other than an admin tries, then it is 403 (401 without a token)', async () => {
    const supervisor = await makeUser('supervisor', 'CAPITAL');
    const body = { email: 'sneaky@gov.bh', password: 'a long password here', role: 'admin', name: 'Sneaky' };
    expect((await request(app).post('/api/v1/admin/users').set(...supervisor.auth).send(body)).status).to.equal(403);
    expect((await request(app).post('/api/v1/admin/users').send(body)).status).to.equal(401);
    expect(await UserModel.countDocuments({ email: 'sneaky@gov.bh' })).to.equal(0);
  });

  it('when an admin disables an account, then its tokens stop working at once', async () => {
    const admin = await makeUser('admin');
    const officer = await makeUser('officer', 'CAPITAL');
    expect((await request(app).get('/api/v1/cases').set(...officer.auth)).status).to.equal(200);
    const res = await request(app).post('/api/v1/admin/users/disable').set(...admin.auth).send({ email: officer.user.email });
    expect(res.body.status).to.equal('disabled');
    expect((await request(app).get('/api/v1/cases').set(...officer.auth)).status).to.equal(401);
  });
});

describe('the triage queue', () => {
  const app = makeApp();

  it('when a supervisor has triage rights, then they see and route cases without an agency; without them, the case does not exist for them', async () => {
    const withRights = await makeUser('supervisor', 'CAPITAL', 'Triage Lead', { triage: true });
    const without = await makeUser('supervisor', 'CAPITAL');
    const c = await makeCase({ status: 'triage', agency: undefined, category: undefined, routing: { method: 'triage', routedAt: new Date() } });
    const list = await request(app).get('/api/v1/cases?status=triage&limit=100').set(...withRights.auth);
    expect((list.body.items as { reference: string }[]).map((i) => i.reference)).to.include(c.reference);
    expect((await request(app).get(`/api/v1/cases/${c.reference}`).set(...without.auth)).status).to.equal(404);
    const routed = await request(app).patch(`/api/v1/cases/${c.reference}`).set(...withRights.auth).send({ action: 'route', agency: 'EWA' });
    expect(routed.status).to.equal(200);
    const stored = (await CaseModel.findById(c._id).lean())!;
    expect([stored.status, stored.agency, stored.routing.method]).to.deep.equal(['assigned', 'EWA', 'manual']);
    // Once routed elsewhere, it leaves the triage supervisor's view.
    expect((await request(app).get(`/api/v1/cases/${c.reference}`).set(...withRights.auth)).status).to.equal(404);
  });
});
