import { expect } from 'chai';
import request from 'supertest';
import { capturingLogger, makeApp } from '../support/app.js';

describe('error chain', () => {
  it('when an API route does not exist, then the answer is a 404 JSON error with a stable code', async () => {
    const res = await request(makeApp()).get('/api/v1/nope').set('Accept-Language', 'en');
    expect(res.status).to.equal(404);
    expect(res.type).to.equal('application/json');
    expect(res.body).to.deep.equal({ error: { code: 'ROUTE_NOT_FOUND', message: 'This page does not exist. Check the address, or start again from the home page.' } });
  });

  it('when the client asks in Arabic, then the error message is Arabic', async () => {
    const res = await request(makeApp()).get('/api/v1/nope').set('Accept-Language', 'ar-BH,ar;q=0.9');
    expect(res.body.error.code).to.equal('ROUTE_NOT_FOUND');
    expect(res.body.error.message).to.match(/[\u0600-\u06FF]/);
  });

  it('when a browser asks for a missing page, then it gets the HTML error page in its language', async () => {
    const res = await request(makeApp()).get('/no-such-page').set('Accept', 'text/html').set('Accept-Language', 'en');
    expect(res.status).to.equal(404);
    expect(res.type).to.equal('text/html');
    expect(res.text).to.contain('<html lang="en" dir="ltr">');
    expect(res.text).to.contain('data-code="ROUTE_NOT_FOUND"');
  });

  it('when the language is Arabic, then the error page is right-to-left', async () => {
    const res = await request(makeApp()).get('/no-such-page').set('Accept', 'text/html');
    expect(res.text).to.contain('<html lang="ar" dir="rtl">');
  });

  it('when a non-API path is asked for with Accept: application/json, then the error is JSON', async () => {
    const res = await request(makeApp()).get('/no-such-page').set('Accept', 'application/json');
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('ROUTE_NOT_FOUND');
  });

  it('when a known error is thrown by a handler, then its status and code are kept', async () => {
    const res = await request(makeApp()).get('/lang/fr').set('Accept', 'application/json');
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('UNKNOWN_LANGUAGE');
  });

  it('when the JSON body is malformed, then the answer is 400 MALFORMED_JSON', async () => {
    const res = await request(makeApp()).post('/api/v1/directory').set('Content-Type', 'application/json').send('{"type": ');
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('MALFORMED_JSON');
  });

  it('when the JSON body is too large, then the answer is 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await request(makeApp()).post('/api/v1/directory').set('Content-Type', 'application/json').send(JSON.stringify({ x: 'a'.repeat(1_100_000) }));
    expect(res.status).to.equal(413);
    expect(res.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
  });

  describe('when an unknown error is thrown', () => {
    const secret = 'mongodb://admin:hunter2@db.internal:27017';
    const failing = () => Promise.reject(new Error(`connect failed: ${secret}`));

    it('then the JSON answer is a 500 INTERNAL with a request id and no internal message', async () => {
      const { logger, lines } = capturingLogger();
      const res = await request(makeApp({ logger, isDatabaseReady: failing })).get('/readyz').set('Accept', 'application/json');
      expect(res.status).to.equal(500);
      expect(res.body.error.code).to.equal('INTERNAL');
      expect(res.body.error.requestId).to.equal(res.headers['x-request-id']);
      expect(res.text).not.to.contain('hunter2');
      expect(res.text).not.to.contain('connect failed');
      const logged = lines().find((l) => l.msg === 'request failed');
      expect(logged, 'the failure is logged').to.not.equal(undefined);
      expect(logged!.requestId).to.equal(res.body.error.requestId);
    });

    it('then a browser gets the HTML error page with no internal message', async () => {
      const res = await request(makeApp({ isDatabaseReady: failing })).get('/readyz').set('Accept', 'text/html').set('Accept-Language', 'en');
      expect(res.status).to.equal(500);
      expect(res.type).to.equal('text/html');
      expect(res.text).to.contain('data-code="INTERNAL"');
      expect(res.text).not.to.contain('hunter2');
    });
  });
});

describe('logging', () => {
  it('when personal data or tokens are logged, then they are redacted', () => {
    const { logger, lines } = capturingLogger();
    logger.info({ contact: { name: 'Fatima', email: 'f@example.bh', phone: '+97333333333' }, user: { email: 'x@y.z' }, trackingToken: 'tok' }, 'filed');
    const text = JSON.stringify(lines());
    for (const secret of ['Fatima', 'f@example.bh', '+97333333333', 'x@y.z', '"tok"']) expect(text).not.to.contain(secret);
    expect(text).to.contain('[redacted]');
  });

  it('when a request carries a token in its query and headers, then the request log has neither', async () => {
    const { logger, lines } = capturingLogger('info');
    await request(makeApp({ logger })).get('/api/v1/nope?token=SECRET123').set('Authorization', 'Bearer SECRET456').set('Cookie', 'sid=SECRET789');
    const text = JSON.stringify(lines());
    expect(text).to.contain('/api/v1/nope');
    for (const secret of ['SECRET123', 'SECRET456', 'SECRET789']) expect(text).not.to.contain(secret);
  });
});
