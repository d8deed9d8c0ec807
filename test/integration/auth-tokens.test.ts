/**
 * The access-token attack table: every token that is not exactly what we issued, for an account
 * that still accepts it, is 401 INVALID_TOKEN.
 */
import crypto from 'node:crypto';
import { expect } from 'chai';
import express from 'express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { ManualClock } from '../../src/shared/clock.js';
import { errorHandler } from '../../src/shared/error-handler.js';
import { sealingKey } from '../../src/shared/idempotency.js';
import { createLogger } from '../../src/shared/logger.js';
import { authenticate, disableUser, endAllSessions, issueAccessToken, principalOf, requireAuth, requireRole, tokenSettings, TOKEN_AUDIENCE } from '../../src/users/index.js';
import { makeApp } from '../support/app.js';
import { authTestConfig, makeAccount } from '../support/accounts.js';

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens', () => {
  const clock = new ManualClock('2026-11-23T08:00:00Z');
  const config = authTestConfig();
  const app = makeApp({ clock, config });
  const settings = tokenSettings(config, clock);
  const key = sealingKey(config.jwtSecret, 'jwt-access-v1');
  const now = () => Math.floor(clock.now().getTime() / 1000);

  const me = (authorization: string) => request(app).get('/api/v1/auth/me').set('Authorization', authorization);
  const expectInvalid = async (authorization: string) => {
    const res = await me(authorization);
    expect(res.status, JSON.stringify(res.body)).to.equal(401);
    expect(res.body.error.code).to.equal('INVALID_TOKEN');
  };
  /** Claims as we issue them, for a user, to be signed some other way. */
  const claimsFor = (user: { _id: { toString(): string }; role: string; tokenVersion: number }) => ({
    sub: user._id.toString(),
    role: user.role,
    tv: user.tokenVersion,
    iat: now(),
    exp: now() + 900,
    iss: config.publicUrl,
    aud: TOKEN_AUDIENCE,
  });

  it('when a token we issued is presented, then /me answers with the account and no secret', async () => {
    const { user } = await makeAccount('officer', {}, clock.now());
    const res = await me(`Bearer ${issueAccessToken(user, settings)}`);
    expect(res.status).to.equal(200);
    expect(res.body.user).to.include({ id: user._id.toString(), email: user.email, role: 'officer', agency: 'WORKS', emailVerified: true });
    expect(res.body.user).to.not.have.any.keys('passwordHash', 'tokenVersion', '_id');
    expect(res.headers['cache-control']).to.equal('no-store');
  });

  it('when the token has expired (the clock moved past 15 minutes), then it is 401, and a second before it was not', async () => {
    const { user } = await makeAccount('citizen', {}, clock.now());
    const token = issueAccessToken(user, settings);
    clock.advance(15 * 60_000 - 1000);
    expect((await me(`Bearer ${token}`)).status).to.equal(200);
    clock.advance(1000);
    await expectInvalid(`Bearer ${token}`);
  });

  it('when a token was issued later than the service\'s clock (beyond a minute of skew), then it is 401; within the minute it is accepted', async () => {
    const { user } = await makeAccount('citizen', {}, clock.now());
    const ahead = new ManualClock(new Date(clock.now().getTime() + 61_000));
    await expectInvalid(`Bearer ${issueAccessToken(user, tokenSettings(config, ahead))}`);
    ahead.set(new Date(clock.now().getTime() + 59_000));
    expect((await me(`Bearer ${issueAccessToken(user, tokenSettings(config, ahead))}`)).status).to.equal(200);
  });

  it('when the token says alg "none" with an empty signature, then it is 401', async () => {
    const { user } = await makeAccount('citizen', {}, clock.now());
    await expectInvalid(`Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...claimsFor(user), role: 'admin' })}.`);
    await expectInvalid(`Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claimsFor(user))}.`);
  });

  it('when the token is signed RS256 with some key pair, then it is 401 (the algorithm is pinned)', async () => {
    const { user } = await makeAccount('citizen', {}, clock.now());
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectInvalid(`Bearer ${jwt.sign(claimsFor(user), privateKey, { algorithm: 'RS256' })}`);
  });

  it('when the token is HS256 signed with an RSA public key as the secret (HS/RS confusion), then it is 401', async () => {
    const { user } = await makeAccount('citizen', {}, clock.now());
    const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' });
    const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claimsFor(user))}`;
    const signature = crypto.createHmac('sha256', pem).update(unsigned).digest('base64url');
    await expectInvalid(`Bearer ${unsigned}.${signature}`);
  });

  it('when the token is for another audience or issuer, then it is 401', async () => {
    const { user } = await makeAccount('citizen', {}, clock.now());
    const { iss: _iss, aud: _aud, ...claims } = claimsFor(user);
    await expectInvalid(`Bearer ${jwt.sign(claims, key, { algorithm: 'HS256', issuer: config.publicUrl, audience: 'another-service' })}`);
    await expectInvalid(`Bearer ${jwt.sign(claims, key, { algorithm: 'HS256', issuer: 'https://evil.example', audience: TOKEN_AUDIENCE })}`);
    // The same claims with the right audience and issuer pass: the two above failed for those alone.
    expect((await me(`Bearer ${jwt.sign(claims, key, { algorithm: 'HS256', issuer: config.publicUrl, audience: TOKEN_AUDIENCE })}`)).status).to.equal(200);
  });

  it('when the payload is changed (role → admin) and the signature kept, then it is 401', async () => {
    const { user } = await makeAccount('citizen', {}, clock.now());
    const [header, payload, signature] = issueAccessToken(user, settings).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    await expectInvalid(`Bearer ${header}.${b64url({ ...claims, role: 'admin' })}.${signature}`);
  });

  it('when the token is signed with the raw JWT_SECRET instead of the derived key, or lacks an expiry, then it is 401', async () => {
    const { user } = await makeAccount('citizen', {}, clock.now());
    await expectInvalid(`Bearer ${jwt.sign(claimsFor(user), config.jwtSecret, { algorithm: 'HS256' })}`);
    const { exp: _exp, ...noExpiry } = claimsFor(user);
    await expectInvalid(`Bearer ${jwt.sign(noExpiry, key, { algorithm: 'HS256' })}`);
  });

  it('when the account is disabled, then its token is 401', async () => {
    const { user } = await makeAccount('agent', {}, clock.now());
    const token = issueAccessToken(user, settings);
    await disableUser(user.email, clock.now());
    await expectInvalid(`Bearer ${token}`);
  });

  it('when the account\'s token version is bumped (sign out everywhere), then earlier tokens are 401 and new ones work', async () => {
    const { user } = await makeAccount('manager', {}, clock.now());
    const token = issueAccessToken(user, settings);
    await endAllSessions(user._id, clock.now());
    await expectInvalid(`Bearer ${token}`);
    expect((await me(`Bearer ${issueAccessToken({ ...user, tokenVersion: user.tokenVersion + 1 }, settings)}`)).status).to.equal(200);
  });

  it('when the header is not a bearer token or the token is garbage, then it is 401, never anonymous', async () => {
    await expectInvalid('Basic dXNlcjpwYXNz');
    await expectInvalid('Bearer');
    await expectInvalid('Bearer not.a.jwt');
    // Even on an endpoint anonymous visitors may use, a bad token is refused rather than ignored.
    const res = await request(app).get('/api/v1/directory').set('Authorization', 'Bearer not.a.jwt');
    expect(res.status).to.equal(401);
  });

  it('when a token belongs to an account that no longer exists, then it is 401', async () => {
    const { user } = await makeAccount('citizen', {}, clock.now());
    const token = issueAccessToken(user, settings);
    const { UserModel } = await import('../../src/users/index.js');
    await UserModel.deleteOne({ _id: user._id });
    await expectInvalid(`Bearer ${token}`);
  });
});

describe('guards', () => {
  const clock = new ManualClock('2026-11-23T08:00:00Z');
  const config = authTestConfig();
  const settings = tokenSettings(config, clock);
  const app = express();
  app.use(authenticate({ config, clock }));
  app.get('/api/admin-only', requireRole('admin'), (_req, res) => {
    res.json({ role: principalOf(res)!.role });
  });
  app.get('/api/signed-in', requireAuth, (_req, res) => {
    res.json({ userId: principalOf(res)!.userId });
  });
  app.get('/account', requireAuth, (_req, res) => {
    res.send('ok');
  });
  app.use(errorHandler(createLogger({ level: 'silent' })));

  it('when no token is given, then requireAuth and requireRole answer 401 UNAUTHENTICATED', async () => {
    expect((await request(app).get('/api/signed-in')).body.error.code).to.equal('UNAUTHENTICATED');
    const res = await request(app).get('/api/admin-only');
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('UNAUTHENTICATED');
  });

  it('when a page needs an account and the visitor has none, then it redirects to sign in and back', async () => {
    const res = await request(app).get('/account?tab=1').set('Accept', 'text/html');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/signin?next=%2Faccount%3Ftab%3D1');
  });

  it('when the role is not one of those allowed, then it is 403 FORBIDDEN; with it, the handler runs', async () => {
    const { user: officer } = await makeAccount('officer', {}, clock.now());
    const refused = await request(app).get('/api/admin-only').set('Authorization', `Bearer ${issueAccessToken(officer, settings)}`);
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('FORBIDDEN');
    const { user: admin } = await makeAccount('admin', {}, clock.now());
    const allowed = await request(app).get('/api/admin-only').set('Authorization', `Bearer ${issueAccessToken(admin, settings)}`);
    expect(allowed.status).to.equal(200);
    expect(allowed.body).to.deep.equal({ role: 'admin' });
  });
});

describe('guards inside a mounted API router', () => {
  it('when an API route below a mount point needs an account, then an anonymous GET is 401 JSON, not a redirect', async () => {
    const config = authTestConfig();
    const clock = new ManualClock('2026-11-23T08:00:00Z');
    const app = express();
    const api = express.Router();
    api.get('/things', requireAuth, (_req, res) => {
      res.json([]);
    });
    app.use(authenticate({ config, clock }));
    app.use('/api/v1', api);
    app.use(errorHandler(createLogger({ level: 'silent' })));
    const res = await request(app).get('/api/v1/things');
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('UNAUTHENTICATED');
  });
});
