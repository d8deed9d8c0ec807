import crypto from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/index.js';
import { REFERENCE_PATTERN } from '../../src/cases/reference.js';
import { IdempotencyModel } from '../../src/shared/idempotency.model.js';
import { OutboxMessageModel as OutboxMessage } from '../../src/notifications/index.js';
import { makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { makeUser } from '../support/staff.js';

describe('filing a case: POST /api/v1/cases', () => {
  const app = makeApp();
  const file = (body: unknown, lang = 'en') => request(app).post('/api/v1/cases').set('Accept-Language', lang).send(body as object);

  for (const type of ['complaint', 'suggestion', 'inquiry', 'compliment']) {
    it(`when a ${type} is filed with a municipal category and an area, then it is 201 and goes to the area's municipality`, async () => {
      const res = await file(caseBody({ type }));
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ type, status: 'assigned', category: 'WASTE_COLLECTION', area: 'SITRA' });
      expect(Date.parse(res.body.dueAt)).to.be.greaterThan(Date.parse(res.body.createdAt)); // the clock started (14 working days)
      expect(res.body.agency).to.deep.equal({ code: 'CAPITAL', name_ar: 'أمانة العاصمة', name_en: 'Capital Trustees Board' });
      expect(res.body.routing).to.deep.equal({ method: 'rule', confidence: 1, reason: 'area_municipality', candidates: [], terms: [] });
      expect(res.body.reference).to.match(REFERENCE_PATTERN);
      expect(res.body.trackingToken).to.match(/^[A-Za-z0-9_-]{32}$/);
      expect(res.headers.location).to.equal(`/api/v1/cases/${res.body.reference}`);
      expect(res.headers['cache-control']).to.equal('no-store');
    });
  }

  it('when a national category is filed, then it goes to the owning agency whatever the area', async () => {
    const res = await file(caseBody({ category: 'POWER_OUTAGE', area: 'MUHARRAQ_TOWN', description: 'The power has been cut in our block since noon.' }));
    expect(res.status).to.equal(201);
    expect(res.body.agency.code).to.equal('EWA');
  });

  it('when a case is filed, then what is stored has its history, report keys and only a hash of the token', async () => {
    const body = caseBody();
    const res = await file(body);
    expect(res.status).to.equal(201);
    const stored = await CaseModel.findOne({ reference: res.body.reference }).lean();
    expect(stored).to.not.equal(null);
    expect(stored!.trackingTokenHash).to.have.length(64);
    expect(JSON.stringify(stored)).not.to.contain(res.body.trackingToken);
    expect(stored!.history.map((h) => [h.event, h.from ?? null, h.to, h.visibility])).to.deep.equal([
      ['filed', null, 'submitted', 'public'],
      ['routed', 'submitted', 'assigned', 'public'],
    ]);
    expect(stored!.dayKey).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(stored!.routing).to.include({ method: 'rule', confidence: 1, reason: 'area_municipality' });
    expect(stored!.contactEmail).to.equal((body.contact as { email: string }).email);
    expect(stored!.language).to.equal('en'); // from Accept-Language, as no language was given
  });

  it('when a case is filed, then its receipt is queued in the outbox in the case language', async () => {
    const res = await file(caseBody({ language: 'ar' }));
    const stored = await CaseModel.findOne({ reference: res.body.reference }).lean();
    const message = await OutboxMessage.findOne({ key: `case-receipt:${stored!._id.toHexString()}` }).lean();
    expect(message).to.not.equal(null);
    expect(message!.language).to.equal('ar');
    expect(message!.status).to.equal('pending');
    const data = message!.data as { reference: string; trackingUrl: string };
    expect(data.reference).to.equal(res.body.reference);
    expect(data.trackingUrl).to.contain(`reference=${res.body.reference}`).and.contain(`token=${res.body.trackingToken}`);
  });

  it('when no category is given, then the case waits in triage with no agency', async () => {
    const res = await file(caseBody({ category: undefined }));
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ status: 'triage', agency: null, category: null, dueAt: null }); // no clock before an agency
    // No model has been trained in this suite's database: the case waits in triage, with no suggestions.
    expect(res.body.routing).to.deep.equal({ method: 'triage', confidence: null, reason: 'no_category', candidates: [], terms: [] });
  });

  it('when a municipal category has no area, then the case goes to triage', async () => {
    const res = await file(caseBody({ area: undefined }));
    expect(res.body).to.include({ status: 'triage', agency: null, category: 'WASTE_COLLECTION' });
  });

  it('when the email has capitals and spaces, then it is normalised, not refused', async () => {
    const res = await file(caseBody({ contact: { name: '  Ali  ', email: '  Ali.Hasan@Example.BH ' } }));
    expect(res.status).to.equal(201);
    const stored = await CaseModel.findOne({ reference: res.body.reference }).lean();
    expect([stored!.contact.name, stored!.contact.email, stored!.contactEmail]).to.deep.equal(['Ali', 'ali.hasan@example.bh', 'ali.hasan@example.bh']);
  });

  it('when unknown fields are sent, then they are dropped and never stored', async () => {
    const res = await file(caseBody({ status: 'closed', agency: 'EWA', admin: true, trackingTokenHash: 'x' }));
    expect(res.status).to.equal(201);
    expect(res.body.status).to.equal('assigned');
    const stored = await CaseModel.findOne({ reference: res.body.reference }).lean();
    expect(stored!.agency).to.equal('CAPITAL');
    expect(stored).not.to.have.property('admin');
    expect(stored!.trackingTokenHash).not.to.equal('x');
  });

  describe('Idempotency-Key', () => {
    it('when the same key and body are sent again, then the first answer comes back and one case exists', async () => {
      const key = crypto.randomUUID();
      const body = caseBody();
      const first = await file(body).set('Idempotency-Key', key);
      const second = await file(body).set('Idempotency-Key', key);
      expect(second.status).to.equal(201);
      expect(second.body).to.deep.equal(first.body);
      expect(second.headers['idempotent-replayed']).to.equal('true');
      expect(await CaseModel.countDocuments({ contactEmail: (body.contact as { email: string }).email })).to.equal(1);
    });

    it('when a signed-in caller sends the same key with a different body, then it is 422 and nothing new is stored', async () => {
      const citizen = await makeUser('citizen');
      const key = crypto.randomUUID();
      const body = caseBody();
      await file(body).set(...citizen.auth).set('Idempotency-Key', key);
      const res = await file({ ...body, description: 'A different description of another problem.' }).set(...citizen.auth).set('Idempotency-Key', key);
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
      expect(await CaseModel.countDocuments({ citizenId: citizen.user._id })).to.equal(1);
    });

    it('when two guests happen to send the same key, then each files their own case and neither gets the other\'s answer', async () => {
      const key = 'my-first-complaint';
      const [a, b] = [caseBody(), caseBody({ description: 'The street light in front of our house is broken since Monday.' })];
      const first = await file(a).set('Idempotency-Key', key);
      const second = await file(b).set('Idempotency-Key', key);
      expect([first.status, second.status]).to.deep.equal([201, 201]);
      expect(second.body.reference).to.not.equal(first.body.reference);
      expect(second.body.trackingToken).to.not.equal(first.body.trackingToken);
    });

    it('when the record of a filed case was left pending (the database went away before it was marked), then a retry a minute later gets the case, not a second one or a 409', async () => {
      const key = crypto.randomUUID();
      const body = caseBody();
      const first = await file(body).set('Idempotency-Key', key);
      const scoped = new RegExp(`^cases:create:guest-[0-9a-f]{32}:${key}$`);
      await IdempotencyModel.updateOne({ key: scoped }, { $set: { state: 'pending', createdAt: new Date(Date.now() - 120_000) } });
      const retry = await file(body).set('Idempotency-Key', key);
      expect(retry.status).to.equal(201);
      expect(retry.body).to.deep.equal(first.body);
      expect(await CaseModel.countDocuments({ contactEmail: (body.contact as { email: string }).email })).to.equal(1);
    });

    it('when the key is malformed, then it is 400 INVALID_IDEMPOTENCY_KEY', async () => {
      const res = await file(caseBody()).set('Idempotency-Key', 'short');
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('INVALID_IDEMPOTENCY_KEY');
    });

    it('when an answer is kept for replay, then the tracking token is not stored in clear', async () => {
      const key = crypto.randomUUID();
      const res = await file(caseBody()).set('Idempotency-Key', key);
      expect(res.status).to.equal(201);
      const record = await IdempotencyModel.findOne({ key: new RegExp(`^cases:create:guest-[0-9a-f]{32}:${key}$`) }).lean();
      expect(record!.state).to.equal('done');
      expect(JSON.stringify(record)).not.to.contain(res.body.trackingToken);
    });
  });

  describe('bad input', () => {
    const valid = caseBody();
    const malformed: [string, unknown][] = [
      ['an empty body', {}],
      ['no type', { ...valid, type: undefined }],
      ['an unknown type', { ...valid, type: 'rant' }],
      ['a type that is a number', { ...valid, type: 3 }],
      ['no description', { ...valid, description: undefined }],
      ['a description too short', { ...valid, description: 'short' }],
      ['a description too long', { ...valid, description: 'س'.repeat(5001) }],
      ['a huge description', { ...valid, description: 'x'.repeat(500_000) }],
      ['a title too long', { ...valid, title: 't'.repeat(201) }],
      ['a description that is an object', { ...valid, description: { text: 'nested description here' } }],
      ['an operator object for category', { ...valid, category: { $ne: null } }],
      ['an operator object for area', { ...valid, area: { $gt: '' } }],
      ['an unknown category code', { ...valid, category: 'NO_SUCH_CATEGORY' }],
      ['an unknown area code', { ...valid, area: 'ATLANTIS' }],
      ['a lower-case code', { ...valid, category: 'waste_collection' }],
      ['no contact', { ...valid, contact: undefined }],
      ['a contact without email', { ...valid, contact: { name: 'Ali' } }],
      ['a bad email', { ...valid, contact: { name: 'Ali', email: 'not-an-email' } }],
      ['a location outside the country', { ...valid, location: { lat: 48.85, lng: 2.35 } }],
      ['a location given as strings', { ...valid, location: { lat: '26.2', lng: '50.6' } }],
      ['an unknown language', { ...valid, language: 'fr' }],
      ['an unknown channel', { ...valid, channel: 'pigeon' }],
      ['an array instead of an object', [valid]],
    ];

    it(`when ${malformed.length} malformed bodies are sent, then each is 400 with the error shape and none creates a case`, async () => {
      const before = await CaseModel.countDocuments({});
      for (const [what, body] of malformed) {
        const res = await file(body);
        expect(res.status, what).to.equal(400);
        expect(res.body.error.code, what).to.equal('VALIDATION_FAILED');
        expect(res.body.error.message, what).to.be.a('string').and.not.equal('');
        expect(res.body.error.details, what).to.be.an('array').that.is.not.empty;
        for (const d of res.body.error.details as unknown[]) expect(d, what).to.have.all.keys('field', 'code', 'message');
      }
      expect(await CaseModel.countDocuments({})).to.equal(before);
    });

    it('when several fields are wrong, then each is named with its own code', async () => {
      const res = await file({ type: 'rant', description: 'short', contact: { name: 'A', email: 'x' } });
      const fields = (res.body.error.details as { field: string; code: string }[]).map((d) => `${d.field}:${d.code}`);
      expect(fields).to.include.members(['type:any.only', 'description:string.min', 'contact.email:string.email', 'contact.name:string.min']);
    });

    it('when the request is in Arabic, then the messages are Arabic and name the field', async () => {
      const res = await file({ ...valid, description: 'قصير' }, 'ar');
      const detail = (res.body.error.details as { field: string; message: string }[]).find((d) => d.field === 'description')!;
      expect(detail.message).to.equal('يجب ألا يقل الوصف عن 10 حروف.');
      expect(res.body.error.message).to.match(/[\u0600-\u06FF]/);
    });

    it('when an unknown code is sent, then the detail says UNKNOWN_CODE for that field', async () => {
      const res = await file({ ...valid, area: 'ATLANTIS' });
      expect(res.body.error.details).to.deep.equal([{ field: 'area', code: 'UNKNOWN_CODE', message: 'This area does not exist. Choose one from the list.' }]);
    });

    it('when the body is over 1 MB, then it is 413 PAYLOAD_TOO_LARGE', async () => {
      const res = await file({ ...valid, description: 'x'.repeat(1_100_000) });
      expect(res.status).to.equal(413);
      expect(res.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
    });
  });
});

describe('following a case: GET /api/v1/cases/:reference', () => {
  const app = makeApp();
  let reference: string;
  let token: string;
  before(async () => {
    const res = await request(app).post('/api/v1/cases').send(caseBody());
    reference = res.body.reference;
    token = res.body.trackingToken;
  });

  it('when the tracking token is given, then the case is shown with its public timeline', async () => {
    const res = await request(app).get(`/api/v1/cases/${reference}`).set('X-Tracking-Token', token);
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ reference, status: 'assigned', agency: 'CAPITAL', canAddInformation: true });
    expect(res.body.timeline.map((e: { event: string; by: string }) => `${e.event}/${e.by}`)).to.deep.equal(['filed/citizen', 'routed/system']);
    expect(res.body).not.to.have.property('trackingTokenHash');
    expect(res.body).not.to.have.property('contact');
  });

  it('when the reference is typed loosely, then it is still found', async () => {
    const res = await request(app).get(`/api/v1/cases/${reference.toLowerCase().replace(/-/g, '')}`).set('X-Tracking-Token', token);
    expect(res.status).to.equal(200);
  });

  it('when no token is given, then it is 404 as if the case did not exist', async () => {
    const res = await request(app).get(`/api/v1/cases/${reference}`);
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('CASE_NOT_FOUND');
  });

  it("when another case's token is given, then it is 404", async () => {
    const other = await request(app).post('/api/v1/cases').send(caseBody());
    const res = await request(app).get(`/api/v1/cases/${reference}`).set('X-Tracking-Token', other.body.trackingToken);
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('CASE_NOT_FOUND');
  });

  it('when the reference does not exist, then the answer is the same 404', async () => {
    const res = await request(app).get('/api/v1/cases/TW-26-0000-0000').set('X-Tracking-Token', token);
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('CASE_NOT_FOUND');
  });

  it('when the case has an internal note, then the citizen never sees it', async () => {
    await CaseModel.updateOne(
      { reference },
      { $push: { history: { at: new Date(), actor: { kind: 'staff', role: 'officer', name: 'Officer Hassan' }, event: 'message', note: 'internal: check with EWA', visibility: 'internal' } } },
    );
    const res = await request(app).get(`/api/v1/cases/${reference}`).set('X-Tracking-Token', token);
    expect(res.status).to.equal(200);
    expect(res.text).not.to.contain('internal: check with EWA');
    expect(res.text).not.to.contain('Hassan');
  });

  describe('adding information: POST /api/v1/cases/:reference/messages', () => {
    it('when the owner adds information, then it appears in the timeline as from the citizen', async () => {
      const res = await request(app).post(`/api/v1/cases/${reference}/messages`).set('X-Tracking-Token', token).send({ message: 'The overflow is now reaching the mosque.' });
      expect(res.status).to.equal(201);
      const last = res.body.timeline.at(-1);
      expect(last).to.include({ event: 'message', by: 'citizen', note: 'The overflow is now reaching the mosque.' });
    });

    it('when someone without the token tries, then it is 404 and nothing is added', async () => {
      const before = (await CaseModel.findOne({ reference }).lean())!.history.length;
      const res = await request(app).post(`/api/v1/cases/${reference}/messages`).set('X-Tracking-Token', 'wrong').send({ message: 'spam spam spam' });
      expect(res.status).to.equal(404);
      expect((await CaseModel.findOne({ reference }).lean())!.history.length).to.equal(before);
    });

    it('when the message is empty, then it is 400', async () => {
      const res = await request(app).post(`/api/v1/cases/${reference}/messages`).set('X-Tracking-Token', token).send({ message: ' ' });
      expect(res.status).to.equal(400);
      expect(res.body.error.details[0].field).to.equal('message');
    });

    it('when the case is closed, then it is 409 CASE_NOT_OPEN', async () => {
      await CaseModel.updateOne({ reference }, { $set: { status: 'closed' } });
      const res = await request(app).post(`/api/v1/cases/${reference}/messages`).set('X-Tracking-Token', token).send({ message: 'One more thing to add.' });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('CASE_NOT_OPEN');
      await CaseModel.updateOne({ reference }, { $set: { status: 'assigned' } });
    });
  });
});
