import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/case.model.js';
import { makeApp, testConfig } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { makeUser } from '../support/staff.js';

describe('filing as a signed-in citizen or a contact-centre agent', () => {
  const app = makeApp();

  it('when a signed-in citizen files without contact details, then the account\'s are used and the case is theirs', async () => {
    const citizen = await makeUser('citizen', undefined, 'Aisha Citizen');
    const res = await request(app).post('/api/v1/cases').set(...citizen.auth).send(caseBody({ contact: undefined }));
    expect(res.status).to.equal(201);
    const stored = await CaseModel.findOne({ reference: res.body.reference }).lean();
    expect(stored!.citizenId!.toHexString()).to.equal(citizen.id);
    expect(stored!.contact).to.deep.include({ name: 'Aisha Citizen', email: citizen.user.email });
    const mine = await request(app).get('/api/v1/cases').set(...citizen.auth);
    expect((mine.body.items as { reference: string }[]).map((i) => i.reference)).to.include(res.body.reference);
  });

  it('when an agent files for a caller, then the channel is phone, the agent is recorded, and the agent finds it again', async () => {
    const agent = await makeUser('agent', undefined, 'Agent Salman');
    const res = await request(app)
      .post('/api/v1/cases')
      .set(...agent.auth)
      .send(caseBody({ contact: { name: 'Caller Ali', email: 'caller.ali@example.bh', phone: '+97333221100' } }));
    expect(res.status).to.equal(201);
    const stored = await CaseModel.findOne({ reference: res.body.reference }).lean();
    expect(stored!.channel).to.equal('phone');
    expect(stored!.filedBy).to.deep.include({ kind: 'agent', name: 'Agent Salman' });
    expect(stored!.citizenId).to.equal(undefined);
    const found = await request(app).get('/api/v1/cases?phone=%2B97333221100').set(...agent.auth);
    expect((found.body.items as { reference: string }[]).map((i) => i.reference)).to.include(res.body.reference);
  });

  it('when a phone is typed in any spelling, then it is stored once as E.164 and found by every spelling (also by a case stored before phones were normalised)', async () => {
    const agent = await makeUser('agent', undefined, 'Agent Maha');
    const res = await request(app).post('/api/v1/cases').set(...agent.auth).send(caseBody({ contact: { name: 'Caller Huda', email: 'caller.huda@example.bh', phone: '3344 5566' } }));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect((await CaseModel.findOne({ reference: res.body.reference }).lean())!.contact.phone).to.equal('+97333445566');
    const legacy = await CaseModel.create({ ...(await CaseModel.findOne({ reference: res.body.reference }).lean())!, _id: undefined, reference: 'TW-26-LEGA-CY01', contact: { name: 'Old', email: 'old@example.bh', phone: '3344 5566' }, filedBy: { kind: 'agent', userId: agent.user._id, name: 'Agent Maha' } });
    for (const spelling of ['33445566', '3344 5566', '+973 3344 5566', '0097333445566', '+97333445566']) {
      const found = await request(app).get('/api/v1/cases').query({ phone: spelling }).set(...agent.auth);
      expect(found.status, spelling).to.equal(200);
      const refs = (found.body.items as { reference: string }[]).map((i) => i.reference);
      expect(refs, spelling).to.include(res.body.reference);
      if (spelling === '3344 5566') expect(refs, 'the legacy spelling').to.include(legacy.reference);
    }
    expect((await request(app).get('/api/v1/cases').query({ phone: '39998877' }).set(...agent.auth)).body.items).to.deep.equal([]);
  });

  it('when a phone is not a valid number, then filing is 400 PHONE_INVALID, in the filer\'s language, and nothing is stored', async () => {
    const before = await CaseModel.countDocuments();
    for (const [lang, words] of [['en', 'not valid'], ['ar', 'غير صحيح']] as const) {
      const res = await request(app).post('/api/v1/cases').set('Accept-Language', lang).send(caseBody({ contact: { name: 'Xavier', email: 'x@example.bh', phone: '1234 5678' } }));
      expect(res.status).to.equal(400);
      const detail = (res.body.error.details as { field: string; code: string; message: string }[]).find((d) => d.field === 'contact.phone');
      expect(detail, JSON.stringify(res.body)).to.deep.include({ code: 'PHONE_INVALID' });
      expect(detail!.message).to.contain(words);
    }
    expect(await CaseModel.countDocuments()).to.equal(before);
  });

  it('when an agent files many calls from one address, then the per-address filing limit does not stop them', async () => {
    const limited = makeApp({ config: testConfig({ RATE_LIMIT_FILING: '1' }) });
    const agent = await makeUser('agent');
    for (let i = 0; i < 3; i++) expect((await request(limited).post('/api/v1/cases').set(...agent.auth).send(caseBody())).status).to.equal(201);
  });

  it('when an officer tries to file, then it is 403', async () => {
    const officer = await makeUser('officer', 'CAPITAL');
    const res = await request(app).post('/api/v1/cases').set(...officer.auth).send(caseBody());
    expect(res.status).to.equal(403);
  });

  it('when an agent files without the caller\'s contact, then it is 400', async () => {
    const agent = await makeUser('agent');
    const res = await request(app).post('/api/v1/cases').set(...agent.auth).send(caseBody({ contact: undefined }));
    expect(res.status).to.equal(400);
    expect(res.body.error.details[0].field).to.equal('contact');
  });
});
