/**
 * Malformed requests found by an attack run, each once a 500 with a stack in the error log: now a
 * 4xx with a stable code, in the request's language, with nothing stored and nothing logged as an error.
 */
import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/case.model.js';
import { capturingLogger, makeApp } from '../support/app.js';
import { makeUser, type TestUser } from '../support/staff.js';

describe('malformed requests', () => {
  const log = capturingLogger('debug');
  const app = makeApp({ logger: log.logger });
  let officer: TestUser;
  const errorsLogged = () => log.lines().filter((l) => (l.level as number) >= 50);

  before(async () => {
    officer = await makeUser('officer', 'CAPITAL');
  });
  afterEach(() => expect(errorsLogged()).to.deep.equal([]));

  it('when a path parameter has a broken percent-encoding, then the API answers 400 MALFORMED_URL and pages an error page', async () => {
    for (const path of ['/api/v1/cases/bad%ZZ', '/api/v1/cases/TW-26%E0%A4%A', '/api/v1/recurring-issues/%ZZ']) {
      const res = await request(app).get(path).set(...officer.auth).set('Accept-Language', 'en');
      expect(res.status, path).to.equal(400);
      expect(res.body.error.code).to.equal('MALFORMED_URL');
      expect(res.body.error.message).to.match(/% sign/);
    }
    const page = await request(app).get('/cases/bad%ZZ').set('Accept', 'text/html').set('Accept-Language', 'ar');
    expect(page.status).to.equal(400);
    expect(page.text).to.contain('data-code="MALFORMED_URL"').and.contain('dir="rtl"');
  });

  it('when a case is filed with no body, then it is 400 naming the missing fields, and nothing is stored', async () => {
    for (const path of ['/api/v1/cases', '/api/v1/cases/similar']) {
      const res = await request(app).post(path).set('Accept-Language', 'en');
      expect(res.status, path).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).to.include('type');
    }
    expect(await CaseModel.countDocuments({})).to.equal(0);
  });

  it('when a body is sent as text/plain or a form, then it is 415 UNSUPPORTED_MEDIA_TYPE, and nothing is stored', async () => {
    for (const path of ['/api/v1/cases', '/api/v1/cases/similar']) {
      const text = await request(app).post(path).set('Content-Type', 'text/plain').send('{"type":"complaint"}');
      expect(text.status, path).to.equal(415);
      expect(text.body.error.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
      const form = await request(app).post(path).type('form').send({ type: 'complaint' });
      expect(form.status, path).to.equal(415);
    }
    expect(await CaseModel.countDocuments({})).to.equal(0);
  });

  it('when a staff search holds a NUL, a line separator or a direction mark, then they are read as spaces; a search of nothing else is 400', async () => {
    for (const q of ['\u0000sewage', 'sew\u2028age', 'sewage\u2029', '\u200Fsewage']) {
      const res = await request(app).get('/api/v1/cases').query({ q }).set(...officer.auth);
      expect(res.status, JSON.stringify(q)).to.equal(200);
    }
    const empty = await request(app).get('/api/v1/cases').query({ q: '\u0000\u2028' }).set(...officer.auth).set('Accept-Language', 'en');
    expect(empty.status).to.equal(400);
    expect(empty.body.error.details[0].field).to.equal('q');
  });
});
