/**
 * The audit log of personal data: staff reads of a case (API, page, attachments) and every change are
 * recorded with who, when, which case and what; a citizen reading their own case is not; the log is
 * append-only, readable by administrators only, with filters, cursor pages and a CSV export.
 */
import { expect } from 'chai';
import request from 'supertest';
import { AuditModel } from '../../src/audit/index.js';
import { makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { browserWith } from '../support/pages.js';
import { makeUser, type TestUser } from '../support/staff.js';

describe('the audit log of personal data', () => {
  const app = makeApp();
  let officer: TestUser;
  let admin: TestUser;
  let citizen: TestUser;
  let reference = '';

  before(async () => {
    [officer, admin, citizen] = await Promise.all([makeUser('officer', 'CAPITAL', '=HYPERLINK("http://evil.example")'), makeUser('admin'), makeUser('citizen')]);
    const filed = await request(app).post('/api/v1/cases').set(...citizen.auth).send(caseBody());
    expect(filed.status).to.equal(201);
    reference = filed.body.reference as string;
  });

  const entriesOf = async (ref: string) => (await AuditModel.find({ reference: ref }).sort({ at: 1, _id: 1 }).lean()).map((e) => [e.action, e.detail, e.actor.userId]);

  it('when an officer reads a case by the API and the page and starts it, then each is recorded with who and what; the owner reading it is not', async () => {
    expect((await request(app).get(`/api/v1/cases/${reference}`).set(...officer.auth)).status).to.equal(200);
    expect((await browserWith(app, officer.token).get(`/work/cases/${reference}`)).status).to.equal(200);
    expect((await request(app).patch(`/api/v1/cases/${reference}`).set(...officer.auth).send({ action: 'start' })).status).to.equal(200);
    expect((await request(app).get(`/api/v1/cases/${reference}`).set(...citizen.auth)).status).to.equal(200);
    expect(await entriesOf(reference)).to.deep.equal([
      ['case.viewed', 'api', officer.id],
      ['case.viewed', 'page', officer.id],
      ['case.changed', 'start', officer.id],
    ]);
  });

  it('when an officer of another agency tries to read it, then nothing is shown and nothing is recorded for them', async () => {
    const other = await makeUser('officer', 'EWA');
    expect((await request(app).get(`/api/v1/cases/${reference}`).set(...other.auth)).status).to.equal(404);
    expect((await AuditModel.find({ 'actor.userId': other.id }).lean()).length).to.equal(0);
  });

  it('when an admin reads the log, then it comes newest first with filters and cursor pages; anyone else is refused', async () => {
    const all = await request(app).get('/api/v1/admin/audit').query({ reference }).set(...admin.auth);
    expect(all.status).to.equal(200);
    expect(all.headers['cache-control']).to.equal('no-store');
    expect(all.body.items.map((e: { action: string }) => e.action)).to.deep.equal(['case.changed', 'case.viewed', 'case.viewed']);
    expect(all.body.items[0]).to.deep.include({ reference, detail: 'start', actor: { kind: 'staff', userId: officer.id, role: 'officer', name: '=HYPERLINK("http://evil.example")' } });

    const first = await request(app).get('/api/v1/admin/audit').query({ reference, limit: 2 }).set(...admin.auth);
    const second = await request(app).get('/api/v1/admin/audit').query({ reference, limit: 2, cursor: first.body.nextCursor as string }).set(...admin.auth);
    expect([...first.body.items, ...second.body.items].map((e: { id: string }) => e.id)).to.deep.equal(all.body.items.map((e: { id: string }) => e.id));
    expect(second.body.nextCursor).to.equal(null);

    const viewsOnly = await request(app).get('/api/v1/admin/audit').query({ reference, action: 'case.viewed' }).set(...admin.auth);
    expect(viewsOnly.body.items).to.have.length(2);
    expect((await request(app).get('/api/v1/admin/audit').query({ action: 'case.deleted' }).set(...admin.auth).set('Accept-Language', 'en')).status).to.equal(400);
    for (const who of [officer, citizen]) expect((await request(app).get('/api/v1/admin/audit').set(...who.auth)).status).to.equal(403);
    expect((await request(app).get('/api/v1/admin/audit')).status).to.equal(401);
  });

  it('when an admin exports the log, then it is a CSV with a BOM and a header, and a cell that looks like a formula is neutralised', async () => {
    const res = await request(app).get('/api/v1/admin/audit/export.csv').query({ reference }).set(...admin.auth).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
    });
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/csv/);
    expect(res.headers['content-disposition']).to.contain('attachment');
    const text = res.body as string;
    expect(text.charCodeAt(0)).to.equal(0xfeff);
    const lines = text.slice(1).trim().split('\n');
    expect(lines[0]).to.equal('at,action,reference,detail,actorKind,actorRole,actorName,actorId');
    expect(lines).to.have.length(4);
    expect(lines[1]).to.contain('case.changed').and.contain(`"'=HYPERLINK(""http://evil.example"")"`);
  });

  it('when anything tries to change or delete an entry, then the log refuses: it is append-only', async () => {
    let refused = 0;
    await AuditModel.updateOne({ reference }, { $set: { detail: 'rewritten' } }).catch(() => refused++);
    await AuditModel.deleteMany({ reference }).catch(() => refused++);
    expect(refused).to.equal(2);
    expect((await entriesOf(reference)).length).to.equal(3);
  });
});
