import { expect } from 'chai';
import request from 'supertest';
import { OutboxMessageModel } from '../../src/notifications/index.js';
import { ManualClock } from '../../src/shared/clock.js';
import { EmailVerificationModel, RefreshTokenModel, UserModel, disableUser, hashPassword } from '../../src/users/index.js';
import { makeApp } from '../support/app.js';
import { authTestConfig, makeAccount, uniqueEmail } from '../support/accounts.js';

describe('sign-in API', () => {
  const clock = new ManualClock('2026-11-24T08:00:00Z');
  const app = makeApp({ clock, config: authTestConfig() });
  const login = (email: string, password: string) => request(app).post('/api/v1/auth/login').set('Accept-Language', 'en').send({ email, password });

  it('when the email and password are right, then it answers an access token, a refresh token and the account', async () => {
    const { user, password } = await makeAccount('supervisor', {}, clock.now());
    const res = await login(user.email.toUpperCase(), password); // addresses are case-insensitive
    expect(res.status).to.equal(200);
    expect(res.body).to.have.keys('accessToken', 'refreshToken', 'tokenType', 'expiresIn', 'user');
    expect(res.body.expiresIn).to.equal(900);
    expect(res.body.user).to.deep.include({ id: user._id.toString(), role: 'supervisor', agency: 'WORKS', email: user.email });
    expect(res.body.user).to.not.have.property('passwordHash');
    expect(res.headers['cache-control']).to.equal('no-store');
    const me = await request(app).get('/api/v1/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`);
    expect(me.status).to.equal(200);
    expect(await RefreshTokenModel.countDocuments({ userId: user._id })).to.equal(1);
    const stored = await RefreshTokenModel.findOne({ userId: user._id }).lean();
    expect(stored!.tokenHash).to.match(/^[0-9a-f]{64}$/).and.not.equal(res.body.refreshToken); // only the hash is kept
  });

  it('when the email is unknown or the password wrong, then both answers are the same 401 INVALID_CREDENTIALS', async () => {
    const { user } = await makeAccount('citizen', {}, clock.now());
    const unknown = await login(uniqueEmail('nobody'), 'some-password-1');
    const wrong = await login(user.email, 'some-password-1');
    for (const res of [unknown, wrong]) {
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('INVALID_CREDENTIALS');
    }
    expect(unknown.body).to.deep.equal(wrong.body);
    expect(Object.keys(unknown.headers).sort()).to.deep.equal(Object.keys(wrong.headers).sort());
    expect(await RefreshTokenModel.countDocuments({ userId: user._id })).to.equal(0);
  });

  it('when the account is disabled, then even the right password is INVALID_CREDENTIALS', async () => {
    const { user, password } = await makeAccount('officer', {}, clock.now());
    await disableUser(user.email, clock.now());
    const res = await login(user.email, password);
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('INVALID_CREDENTIALS');
  });

  it('when a citizen has not verified the email, then the right password gets EMAIL_NOT_VERIFIED and a wrong one INVALID_CREDENTIALS', async () => {
    const email = uniqueEmail('unverified');
    await UserModel.create({ email, passwordHash: await hashPassword('right-password-1'), role: 'citizen', name: 'Sara', language: 'en', tokenVersion: 0 });
    const right = await login(email, 'right-password-1');
    expect(right.status).to.equal(401);
    expect(right.body.error.code).to.equal('EMAIL_NOT_VERIFIED');
    expect((await login(email, 'wrong-password-1')).body.error.code).to.equal('INVALID_CREDENTIALS');
  });

  it('when the body is not an email and password (or carries an operator), then it is 400 and nothing is looked up by it', async () => {
    const res = await request(app).post('/api/v1/auth/login').send({ email: { $ne: '' }, password: 'x' });
    expect(res.status).to.equal(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal(['email']);
  });
});

describe('refresh tokens', () => {
  const clock = new ManualClock('2026-11-24T09:00:00Z');
  const app = makeApp({ clock, config: authTestConfig() });
  const refresh = (refreshToken: string) => request(app).post('/api/v1/auth/refresh').send({ refreshToken });
  const signIn = async () => {
    const { user, password } = await makeAccount('citizen', {}, clock.now());
    const res = await request(app).post('/api/v1/auth/login').send({ email: user.email, password });
    expect(res.status).to.equal(200);
    return { user, first: res.body as { accessToken: string; refreshToken: string } };
  };

  it('when eight requests present one live refresh token at once, then exactly one is answered a new pair', async () => {
    for (let round = 0; round < 5; round++) {
      const { first } = await signIn();
      const answers = await Promise.all(Array.from({ length: 8 }, () => refresh(first.refreshToken)));
      expect(answers.map((r) => r.status).sort()).to.deep.equal([200, 401, 401, 401, 401, 401, 401, 401]);
    }
  });

  it('when a live refresh token is presented, then it is spent and a new pair is issued in the same family', async () => {
    const { user, first } = await signIn();
    clock.advance(20 * 60_000); // the access token has expired meanwhile
    const res = await refresh(first.refreshToken);
    expect(res.status).to.equal(200);
    expect(res.body.refreshToken).to.be.a('string').and.not.equal(first.refreshToken);
    expect((await request(app).get('/api/v1/auth/me').set('Authorization', `Bearer ${first.accessToken}`)).status).to.equal(401);
    expect((await request(app).get('/api/v1/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`)).status).to.equal(200);
    const family = await RefreshTokenModel.find({ userId: user._id }).sort({ createdAt: 1, _id: 1 }).lean();
    expect(family).to.have.length(2);
    expect(family[0]!.familyId).to.equal(family[1]!.familyId);
    expect(family[0]!.rotatedAt).to.be.instanceOf(Date);
    expect(family[1]!.rotatedAt ?? null).to.equal(null);
  });

  it('when a spent refresh token is presented again, then it is 401 and the whole family is revoked (theft detection)', async () => {
    const { user, first } = await signIn();
    const second = (await refresh(first.refreshToken)).body as { refreshToken: string };
    const reuse = await refresh(first.refreshToken); // the thief, or the victim, replays the old one
    expect(reuse.status).to.equal(401);
    expect(reuse.body.error.code).to.equal('INVALID_TOKEN');
    const latest = await refresh(second.refreshToken); // so the newest token of the family is dead too
    expect(latest.status).to.equal(401);
    const family = await RefreshTokenModel.find({ userId: user._id }).lean();
    expect(family.every((t) => t.revokedAt instanceof Date)).to.equal(true);
  });

  it('when the same account has another session, then a revoked family leaves the other working', async () => {
    const { user, password } = await makeAccount('citizen', {}, clock.now());
    const signInOnce = async () => (await request(app).post('/api/v1/auth/login').send({ email: user.email, password })).body as { refreshToken: string };
    const phone = await signInOnce();
    const laptop = await signInOnce();
    await refresh(phone.refreshToken);
    expect((await refresh(phone.refreshToken)).status).to.equal(401); // reuse: the phone's family is revoked
    expect((await refresh(laptop.refreshToken)).status).to.equal(200);
  });

  it('when a refresh token has expired (30 days), then it is 401', async () => {
    const { first } = await signIn();
    clock.advance(30 * 24 * 3600 * 1000 + 1000);
    expect((await refresh(first.refreshToken)).status).to.equal(401);
  });

  it('when signing out, then it is 204, the family is revoked, and the token no longer refreshes', async () => {
    const { user, first } = await signIn();
    const out = await request(app).post('/api/v1/auth/logout').send({ refreshToken: first.refreshToken });
    expect(out.status).to.equal(204);
    expect((await RefreshTokenModel.findOne({ userId: user._id }).lean())!.revokedAt).to.be.instanceOf(Date);
    const res = await refresh(first.refreshToken);
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('INVALID_TOKEN');
    // Signing out with an unknown token says nothing either way.
    expect((await request(app).post('/api/v1/auth/logout').send({ refreshToken: 'x'.repeat(43) })).status).to.equal(204);
  });

  it('when the account is disabled, then its refresh tokens stop working', async () => {
    const { user, first } = await signIn();
    await disableUser(user.email, clock.now());
    expect((await refresh(first.refreshToken)).status).to.equal(401);
  });

  it('when the refresh token is unknown or malformed, then it is 401 or 400', async () => {
    expect((await refresh('A'.repeat(43))).status).to.equal(401);
    expect((await request(app).post('/api/v1/auth/refresh').send({ refreshToken: { $gt: '' } })).status).to.equal(400);
  });
});

describe('registration API', () => {
  const clock = new ManualClock('2026-11-24T10:00:00Z');
  const app = makeApp({ clock, config: authTestConfig() });
  const register = (body: Record<string, unknown>) => request(app).post('/api/v1/auth/register').set('Accept-Language', 'en').send(body);

  it('when a new address, one with a pending sign-up, a verified citizen\'s and a staff member\'s register, then the answers are identical 202s and only the unregistered address gets links', async () => {
    const fresh = uniqueEmail('new');
    const { user: existing } = await makeAccount('citizen', {}, clock.now());
    const { user: staff } = await makeAccount('officer', {}, clock.now());
    const answers = [
      await register({ email: fresh, name: 'Maryam' }),
      await register({ email: fresh, name: 'Maryam' }), // pending: another link
      await register({ email: existing.email, name: 'Maryam' }),
      await register({ email: staff.email, name: 'Maryam' }),
    ];
    for (const res of answers) {
      expect(res.status).to.equal(202);
      expect(res.body).to.deep.equal(answers[0]!.body);
      expect(Object.keys(res.headers).sort()).to.deep.equal(Object.keys(answers[0]!.headers).sort());
    }
    expect(await OutboxMessageModel.countDocuments({ to: fresh, template: 'account-verify' })).to.equal(2);
    expect(await OutboxMessageModel.countDocuments({ to: existing.email })).to.equal(0);
    expect(await OutboxMessageModel.countDocuments({ to: staff.email })).to.equal(0);
    // A sign-up is no account: nothing holds the address until a link's holder chooses a password.
    expect(await UserModel.countDocuments({ email: fresh })).to.equal(0);
    const pending = await EmailVerificationModel.find({ email: fresh }).sort({ createdAt: 1, _id: 1 }).lean();
    expect(pending.map((p) => [p.name, p.language])).to.deep.equal([['Maryam', 'en'], ['Maryam', 'en']]);
    for (const taken of [existing.email, staff.email]) expect(await EmailVerificationModel.countDocuments({ email: taken })).to.equal(0);
    const unchanged = await UserModel.findById(existing._id).lean();
    expect(unchanged!.passwordHash).to.equal(existing.passwordHash);
  });

  it('when the name is too short or the email invalid, then it is 400 naming the fields', async () => {
    const res = await register({ email: 'not-an-email', name: 'M' });
    expect(res.status).to.equal(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).to.deep.equal(['email', 'name']);
  });
});

describe('sign-in rate limits', () => {
  it('when one account has too many failed sign-ins, then even the right password waits, other accounts do not, and successes never count', async () => {
    const clock = new ManualClock('2026-11-25T08:00:00Z');
    const app = makeApp({ clock, config: authTestConfig({ RATE_LIMIT_SIGNIN_ACCOUNT: '3' }) });
    const login = (email: string, password: string) => request(app).post('/api/v1/auth/login').send({ email, password });
    const { user: target, password } = await makeAccount('citizen', {}, clock.now());
    const { user: other, password: otherPassword } = await makeAccount('citizen', {}, clock.now());

    for (let i = 0; i < 5; i++) expect((await login(other.email, otherPassword)).status).to.equal(200);
    for (let i = 0; i < 3; i++) expect((await login(target.email, `wrong-password-${i}`)).status).to.equal(401);
    const refused = await login(target.email.toUpperCase(), password);
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal('RATE_LIMITED');
    expect((await login(other.email, otherPassword)).status).to.equal(200);
    // An unknown email is limited the same way, so a 429 tells nothing about existence.
    const ghost = uniqueEmail('ghost');
    for (let i = 0; i < 3; i++) expect((await login(ghost, `wrong-password-${i}`)).status).to.equal(401);
    expect((await login(ghost, 'wrong-password-9')).status).to.equal(429);

    clock.advance(15 * 60_000);
    expect((await login(target.email, password)).status).to.equal(200);
  });

  it('when one address makes too many attempts, then it is 429 whatever the account', async () => {
    const clock = new ManualClock('2026-11-25T09:00:00Z');
    const app = makeApp({ clock, config: authTestConfig({ RATE_LIMIT_SIGNIN: '2' }) });
    const attempt = () => request(app).post('/api/v1/auth/login').send({ email: uniqueEmail(), password: 'whatever-123' });
    expect((await attempt()).status).to.equal(401);
    expect((await attempt()).status).to.equal(401);
    expect((await attempt()).status).to.equal(429);
  });
});

describe('sign-in limits that nobody can turn against someone else', () => {
  const clock = new ManualClock('2026-11-25T10:00:00Z');
  const limits = { TRUST_PROXY: 'true', RATE_LIMIT_SIGNIN: '20', RATE_LIMIT_SIGNIN_ACCOUNT: '5' };
  const app = makeApp({ clock, config: authTestConfig(limits) });
  const from = (address: string, email: string, password: string) =>
    request(app).post('/api/v1/auth/login').set('X-Forwarded-For', address).set('Accept-Language', 'en').send({ email, password });

  it('when someone fails five times for an officer from one address, then the officer signs in from another address at once', async () => {
    const { user, password } = await makeAccount('officer', {}, clock.now());
    for (let i = 0; i < 5; i++) expect((await from('203.0.113.7', user.email, `guess-${i}-password`)).status).to.equal(401);
    expect((await from('203.0.113.7', user.email, password)).status).to.equal(429); // the failing address waits
    const officer = await from('198.51.100.20', user.email, password);
    expect(officer.status).to.equal(200);
  });

  it('when thirty colleagues behind one office address sign in within the window, then none is refused', async () => {
    const accounts = await Promise.all(Array.from({ length: 30 }, () => makeAccount('officer', {}, clock.now())));
    for (const { user, password } of accounts) expect((await from('192.0.2.44', user.email, password)).status).to.equal(200);
  });

  it('when one address fails for many accounts (password spraying), then it is refused after the limit, while others go on', async () => {
    for (let i = 0; i < 20; i++) expect((await from('203.0.113.99', uniqueEmail('spray'), 'spring-2026-pw')).status).to.equal(401);
    const refused = await from('203.0.113.99', uniqueEmail('spray'), 'spring-2026-pw');
    expect(refused.status).to.equal(429);
    // Retry-After is the time left in the 15-minute window, not a fixed minute.
    expect(Number(refused.headers['retry-after'])).to.be.greaterThan(60).and.at.most(15 * 60);
    const { user, password } = await makeAccount('citizen', {}, clock.now());
    expect((await from('198.51.100.21', user.email, password)).status).to.equal(200);
  });

  it('when forty wrong sign-ins arrive from one address at once, then no more than the limit of twenty are tried', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => from('203.0.113.150', uniqueEmail(`burst${i}`), 'spring-2026-pw')));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).to.be.at.most(20);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).to.deep.equal([]);
  });

  it('when an account fails from many addresses, then answers slow down but the right password still signs in', async () => {
    const { user, password } = await makeAccount('supervisor', {}, clock.now());
    for (let i = 0; i < 7; i++) expect((await from(`198.18.0.${i + 1}`, user.email, `guess-${i}-password`)).status).to.equal(401);
    const started = Date.now();
    const res = await from('198.51.100.30', user.email, password);
    expect(res.status).to.equal(200);
    expect(Date.now() - started).to.be.at.least(900); // 7 failures over 5: two steps of half a second
  });
});

