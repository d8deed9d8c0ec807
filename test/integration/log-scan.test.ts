/**
 * Personal data never reaches the logs, at any level: a full flow (filing, a failed and a good
 * sign-in, a staff search by name and phone, tracking, a reply, a rating, errors on the way, the
 * outbox relay sending over real SMTP) runs with the logger at `debug`, and every line is scanned for
 * the citizen's name, email, phone, case text and secrets.
 */
import { expect } from 'chai';
import request from 'supertest';
import { createMailTransport, createOutboxRelay } from '../../src/notifications/index.js';
import { systemClock } from '../../src/shared/clock.js';
import { authTestConfig, makeAccount } from '../support/accounts.js';
import { capturingLogger, makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { startSmtpServer } from '../support/smtp.js';
import { makeUser } from '../support/staff.js';

describe('personal data in the logs of a full flow', function () {
  this.timeout(60_000);

  it('when a citizen files, staff search and answer and the mail goes out, then no log line at debug holds a name, email, phone, case text or secret', async () => {
    const log = capturingLogger('debug');
    const app = makeApp({ logger: log.logger, config: authTestConfig() });
    const secrets = {
      name: 'Zainab Alqassabi',
      email: 'zainab.private.person@example.bh',
      phone: '+973 3911 2233',
      title: 'Leaking pipe beside villa 4471',
      description: 'The water pipe beside my villa 4471 on road 2915 has leaked for a week; my son Yousif slipped there.',
      reply: 'Dear Zainab, our inspector will visit villa 4471 on Sunday.',
      password: 'correct-horse-battery-4471',
    };
    // Filing (with an idempotency key), and a malformed filing that carries the same data.
    const filed = await request(app).post('/api/v1/cases').set('Idempotency-Key', 'log-scan-key-0001').send(caseBody({ title: secrets.title, description: secrets.description, contact: { name: secrets.name, email: secrets.email, phone: secrets.phone } }));
    expect(filed.status).to.equal(201);
    const { reference, trackingToken } = filed.body as { reference: string; trackingToken: string };
    await request(app).post('/api/v1/cases').send({ ...caseBody({ contact: { name: secrets.name, email: secrets.email, phone: secrets.phone } }), type: 'rant' });
    // Tracking with the token, and with a wrong one.
    expect((await request(app).get(`/api/v1/cases/${reference}`).set('X-Tracking-Token', trackingToken)).status).to.equal(200);
    await request(app).get(`/api/v1/cases/${reference}?token=${trackingToken}`).set('X-Tracking-Token', 'wrong-token-0000');
    // Sign-in: a wrong password, then the right one.
    const { user } = await makeAccount('officer', { agency: 'CAPITAL', password: secrets.password });
    await request(app).post('/api/v1/auth/login').send({ email: user.email, password: 'not-the-password-1' });
    const signedIn = await request(app).post('/api/v1/auth/login').send({ email: user.email, password: secrets.password });
    expect(signedIn.status).to.equal(200);
    const officer = ['Authorization', `Bearer ${signedIn.body.accessToken as string}`] as const;
    // Staff search by name and by phone; a reply and a resolution.
    expect((await request(app).get('/api/v1/cases').query({ q: secrets.name }).set(...officer)).status).to.equal(200);
    expect((await request(app).get('/api/v1/cases').query({ q: 'Zainab\u0000' }).set(...officer)).status).to.equal(200);
    const agent = await makeUser('agent');
    await request(app).get('/api/v1/cases').query({ phone: secrets.phone, identityConfirmed: 'true' }).set(...agent.auth);
    expect((await request(app).patch(`/api/v1/cases/${reference}`).set(...officer).send({ reply: { message: secrets.reply, visibility: 'public' } })).status).to.equal(200);
    await request(app).patch(`/api/v1/cases/${reference}`).set(...officer).send({ action: 'resolve', note: secrets.reply });
    // The outbox relay sends everything that was queued, over real SMTP, logging at debug.
    const smtp = await startSmtpServer();
    const transport = createMailTransport(smtp.url)!;
    try {
      const relay = createOutboxRelay({ transport, from: 'Tawasul <no-reply@tawasul.test>', logger: log.logger, clock: systemClock, batchSize: 50 });
      const sent = await relay.runOnce();
      expect(sent.sent).to.be.greaterThan(1);
    } finally {
      transport.close();
      await smtp.close();
    }

    const text = log
      .lines()
      .map((l) => JSON.stringify(l))
      .join('\n');
    expect(log.lines().length).to.be.greaterThan(10);
    const leaks = [secrets.name, 'Zainab', secrets.email, secrets.phone, '3911 2233', '39112233', secrets.title, 'villa 4471', 'Yousif', secrets.password, trackingToken, signedIn.body.accessToken as string, signedIn.body.refreshToken as string].filter((s) => text.includes(s));
    expect(leaks).to.deep.equal([]);
  });
});
