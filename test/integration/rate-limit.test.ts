import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { ManualClock } from '../../src/shared/clock.js';
import { createLimiter, purgeRateLimitWindows, RateLimitHitModel } from '../../src/shared/rate-limit.js';
import { authTestConfig, makeAccount } from '../support/accounts.js';
import { makeApp, testConfig } from '../support/app.js';
import { caseBody } from '../support/cases.js';

const YEAR_MS = 365 * 24 * 3600_000;

describe('rate limits', () => {
  beforeEach(() => RateLimitHitModel.deleteMany({}));

  it('when one address files more cases than allowed, then the next is 429 RATE_LIMITED and is not stored', async () => {
    const clock = new ManualClock('2026-11-23T08:00:00Z');
    const app = makeApp({ clock, config: testConfig({ RATE_LIMIT_FILING: '3' }) });
    for (let i = 0; i < 3; i++) expect((await request(app).post('/api/v1/cases').send(caseBody())).status).to.equal(201);
    const refused = await request(app).post('/api/v1/cases').set('Accept-Language', 'en').send(caseBody());
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal('RATE_LIMITED');
    expect(refused.headers['retry-after']).to.be.a('string');

    clock.advance(15 * 60_000); // the next window
    expect((await request(app).post('/api/v1/cases').send(caseBody())).status).to.equal(201);
  });

  it('when two app instances share the database, then they share the count', async () => {
    const clock = new ManualClock('2026-11-23T09:00:00Z');
    const config = testConfig({ RATE_LIMIT_TRACKING: '2' });
    const [a, b] = [makeApp({ clock, config }), makeApp({ clock, config })];
    expect((await request(a).get('/api/v1/cases/TW-26-0000-0000')).status).to.equal(404);
    expect((await request(b).get('/api/v1/cases/TW-26-0000-0000')).status).to.equal(404);
    expect((await request(a).get('/api/v1/cases/TW-26-0000-0000')).status).to.equal(429);
  });

  it('when two app instances count one address, then both write their hits into one window', async () => {
    const clock = new ManualClock('2026-11-23T11:00:00Z');
    const config = testConfig({ RATE_LIMIT_FILING: '3' });
    const [a, b] = [makeApp({ clock, config }), makeApp({ clock, config })];
    expect((await request(a).post('/api/v1/cases').send(caseBody())).status).to.equal(201);
    expect((await request(b).post('/api/v1/cases').send(caseBody())).status).to.equal(201);
    expect((await request(a).post('/api/v1/cases').send(caseBody())).status).to.equal(201);
    expect((await request(b).post('/api/v1/cases').send(caseBody())).status).to.equal(429);

    const hits = await RateLimitHitModel.find({}).sort({ _id: 1 }).lean();
    expect(hits).to.have.length(4); // the refused one counts too
    // <limiter>:<address>:<window start>, so that every instance names the same window.
    expect(new Set(hits.map((h) => h.w)).size).to.equal(1);
    expect(hits[0]!.w).to.match(/^rl:filing:.+:\d+$/).and.contain(String(Date.parse('2026-11-23T11:00:00Z')));
    expect(hits.every((h) => h.resetAt.toISOString() === '2026-11-23T11:15:00.000Z')).to.equal(true);
  });

  it('when a browser is refused, then it gets the error page in its language', async () => {
    const app = makeApp({ config: testConfig({ RATE_LIMIT_TRACKING: '1' }) });
    await request(app).get('/track');
    const res = await request(app).get('/track').set('Accept', 'text/html').set('Accept-Language', 'ar');
    expect(res.status).to.equal(429);
    expect(res.text).to.contain('data-code="RATE_LIMITED"').and.contain('dir="rtl"');
  });

  it('when windows have ended, then the purge removes them', async () => {
    const clock = new ManualClock('2026-11-23T10:00:00Z');
    await request(makeApp({ clock })).get('/track');
    expect(await RateLimitHitModel.countDocuments({})).to.equal(1);
    expect(await purgeRateLimitWindows(new Date('2026-11-23T10:05:00Z'))).to.equal(0);
    expect(await purgeRateLimitWindows(new Date('2026-11-23T10:16:00Z'))).to.equal(1);
  });

  // express-rate-limit reads the wall clock; the windows are the injected clock's. Whatever the
  // distance between the two, failures-only counting must take successes back.
  for (const [label, offset] of [['a year behind', -YEAR_MS], ['a year ahead of', YEAR_MS]] as const) {
    it(`when the app's clock is ${label} the machine's, then failed sign-ins still count and successful ones do not`, async () => {
      const clock = new ManualClock(new Date(Date.now() + offset));
      const app = makeApp({ clock, config: authTestConfig({ RATE_LIMIT_SIGNIN_ACCOUNT: '2' }) });
      const login = (email: string, password: string) => request(app).post('/api/v1/auth/login').send({ email, password });
      const { user, password } = await makeAccount('citizen', {}, clock.now());

      // A success is taken back once its answer has gone out: wait for that before the next try.
      const failuresCounted = async (n: number) => {
        const counted = () => RateLimitHitModel.countDocuments({ w: new RegExp('^rl:signin-account-address:') });
        for (let i = 0; i < 40 && (await counted()) !== n; i++) await new Promise((r) => setTimeout(r, 25));
        expect(await counted()).to.equal(n);
      };
      for (let i = 0; i < 4; i++) expect((await login(user.email, password)).status).to.equal(200);
      await failuresCounted(0);
      expect((await login(user.email, 'wrong-password-1')).status).to.equal(401);
      expect((await login(user.email, password)).status).to.equal(200); // one failure of two allowed
      await failuresCounted(1);
      expect((await login(user.email, 'wrong-password-2')).status).to.equal(401);
      const refused = await login(user.email, password);
      expect(refused.status).to.equal(429);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).to.be.greaterThan(0).and.at.most(15 * 60); // seconds left in the app's window

      clock.advance(15 * 60_000);
      expect((await login(user.email, password)).status).to.equal(200);
    });
  }

  it('when the window turns while a request is answered, then its success is taken back from the window it was counted in', async () => {
    const clock = new ManualClock(new Date(Date.now() - YEAR_MS));
    clock.set(new Date(Math.floor(clock.now().getTime() / 60_000) * 60_000 + 59_000)); // a second before a window ends
    const limited = express();
    limited.get('/', createLimiter('turning', { limit: 5, windowMs: 60_000, countFailuresOnly: true }, clock), (_req, res) => {
      clock.advance(2_000); // the answer takes long enough for the next window to begin
      res.send('ok');
    });
    expect((await request(limited).get('/')).status).to.equal(200);
    // The count is taken back once the answer has been sent: wait for it, a bounded while.
    const hits = () => RateLimitHitModel.countDocuments({});
    for (let i = 0; i < 40 && (await hits()) !== 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await hits()).to.equal(0); // counted and taken back, in the window it was counted in
  });
});

