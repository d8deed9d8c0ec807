/**
 * A sign-up for someone else's address (a "squatter") must get the squatter nothing: it takes no
 * address, blocks no staff account, expires, and the account goes live only with the password the
 * holder of the emailed link chooses on the link's page.
 */
import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/index.js';
import { OutboxMessageModel } from '../../src/notifications/index.js';
import { ManualClock } from '../../src/shared/clock.js';
import { EmailVerificationModel, hashPassword, passwordMatches, purgeExpiredEmailVerifications, UserModel } from '../../src/users/index.js';
import { makeApp } from '../support/app.js';
import { authTestConfig, makeAccount, uniqueEmail } from '../support/accounts.js';
import { caseBody } from '../support/cases.js';
import { csrfFrom } from '../support/pages.js';
import { authAt, makeUser } from '../support/staff.js';

describe('a sign-up nobody verified', () => {
  const clock = new ManualClock('2026-12-01T08:00:00Z');
  const app = makeApp({ clock, config: authTestConfig() });
  const login = (email: string, password: string) => request(app).post('/api/v1/auth/login').set('Accept-Language', 'en').send({ email, password });

  /** An unverified citizen account as sign-ups stored them before the password moved to the link's page. */
  async function legacyUnverified(email: string, password: string, createdAt: Date = clock.now()) {
    const user = new UserModel({ email, passwordHash: await hashPassword(password), role: 'citizen', name: 'Legacy', language: 'ar', tokenVersion: 0, createdAt, updatedAt: createdAt });
    await user.save({ timestamps: false });
    return user;
  }

  /** The sign-up form as a browser posts it; a password in it is what a squatter would add. */
  async function signUpOnPage(fields: Record<string, string>): Promise<void> {
    const agent = request.agent(app);
    const form = await agent.get('/signup');
    const res = await agent.post('/signup').type('form').send({ _csrf: csrfFrom(form.text), ...fields });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/signup/sent');
  }

  /** The verification links sent to an address, oldest first, as paths. */
  async function linksFor(email: string): Promise<string[]> {
    const messages = await OutboxMessageModel.find({ to: email, template: 'account-verify' }).sort({ createdAt: 1, _id: 1 }).lean();
    return messages.map((m) => {
      const url = new URL((m.data as { verifyUrl: string }).verifyUrl);
      return url.pathname + url.search;
    });
  }

  /** Opens a link in a fresh browser and, if a password is given, chooses it on the page. */
  async function openLink(link: string, choose?: { password: string; name?: string }) {
    const agent = request.agent(app).set('Accept-Language', 'en');
    const page = await agent.get(link);
    const token = /name="token" value="([^"]+)"/.exec(page.text)?.[1];
    if (!choose || page.status !== 200 || !token) return { page, done: undefined };
    const name = choose.name ?? /id="f-name"[^>]*value="([^"]*)"/.exec(page.text)![1]!;
    const done = await agent.post('/verify-email').type('form').send({ _csrf: csrfFrom(page.text), token, name, password: choose.password });
    return { page, done, agent };
  }

  it('when a squatter signs up with the owner\'s address and the owner opens the emailed link, then nothing goes live until the owner chooses a password, and only that one works', async () => {
    const email = uniqueEmail('owner');
    const filed = await request(app).post('/api/v1/cases').send(caseBody({ contact: { name: 'Owner Person', email } }));
    expect(filed.status).to.equal(201);
    await signUpOnPage({ name: 'Squatter', email, password: 'the-squatters-password' });

    const [link] = await linksFor(email);
    const { page } = await openLink(link!);
    // Opening the link verified nothing: the squatter's password opens nothing, no case moved.
    const squatter = await login(email, 'the-squatters-password');
    expect(squatter.status, 'the squatter cannot sign in').to.equal(401);
    expect(squatter.body.error.code).to.equal('INVALID_CREDENTIALS');
    expect((await CaseModel.findOne({ reference: filed.body.reference }).lean())!.citizenId ?? null, 'the guest case is not linked').to.equal(null);
    expect(await UserModel.countDocuments({ email }), 'a sign-up stores no account').to.equal(0);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('action="/verify-email"').and.contain('autocomplete="new-password"');
    expect(page.text).to.not.contain('the-squatters-password');

    const { done } = await openLink(link!, { password: 'the-owners-own-password', name: 'Owner Person' });
    expect(done?.status).to.equal(303);
    expect(done!.headers.location).to.equal('/verify-email/done?cases=1');
    const user = await UserModel.findOne({ email }).lean();
    expect(user).to.deep.include({ role: 'citizen', name: 'Owner Person', language: 'en' });
    expect(user!.emailVerifiedAt).to.be.instanceOf(Date);
    expect(await passwordMatches('the-owners-own-password', user!.passwordHash)).to.equal(true);
    expect(await passwordMatches('the-squatters-password', user!.passwordHash)).to.equal(false);
    expect((await CaseModel.findOne({ reference: filed.body.reference }).lean())!.citizenId!.toString()).to.equal(user!._id.toString());
    expect((await login(email, 'the-squatters-password')).status).to.equal(401);
    expect((await login(email, 'the-owners-own-password')).status).to.equal(200);
  });

  it('when a second sign-up follows the first for the same address, then the first gets no control: the link holder names the account and chooses its password, and the other link stops working', async () => {
    const email = uniqueEmail('twice');
    await signUpOnPage({ name: 'First Squatter', email, password: 'first-squatter-pw' });
    await signUpOnPage({ name: 'Real Owner', email, password: 'a-password-typed-early' });
    const [squattersLink, ownersLink] = await linksFor(email);
    expect(ownersLink).to.not.equal(undefined);

    // The owner happens to open the squatter's email first: that makes nothing live.
    await openLink(squattersLink!);
    expect((await login(email, 'first-squatter-pw')).status, 'the first squatter cannot sign in').to.equal(401);
    // On the page the name is only a suggestion; the password is the link holder's.
    const { page, done } = await openLink(squattersLink!, { password: 'owners-chosen-password', name: 'Real Owner' });
    expect(page.text).to.contain('value="First Squatter"');
    expect(done?.status).to.equal(303);
    const user = await UserModel.findOne({ email }).lean();
    expect(user!.name).to.equal('Real Owner');
    expect((await login(email, 'owners-chosen-password')).status).to.equal(200);
    for (const password of ['first-squatter-pw', 'a-password-typed-early']) expect((await login(email, password)).status, password).to.equal(401);

    const stale = await openLink(ownersLink!);
    expect(stale.page.status).to.equal(400);
    expect(stale.page.text).to.contain('data-code="VERIFICATION_LINK_INVALID"');
    expect(await EmailVerificationModel.countDocuments({ email, usedAt: null })).to.equal(0);
  });

  it('when an unverified account from an older sign-up holds the address, then the link holder\'s password replaces the one it was stored with', async () => {
    const email = uniqueEmail('legacy');
    const legacy = await legacyUnverified(email, 'legacy-squatter-pw');
    await signUpOnPage({ name: 'Owner', email, password: 'typed-at-sign-up' });
    const { done } = await openLink((await linksFor(email))[0]!, { password: 'owner-password-here' });
    expect(done?.status).to.equal(303);
    const users = await UserModel.find({ email }).lean();
    expect(users).to.have.length(1);
    expect(users[0]!._id.toString()).to.equal(legacy._id.toString());
    expect(await passwordMatches('owner-password-here', users[0]!.passwordHash)).to.equal(true);
    expect((await login(email, 'legacy-squatter-pw')).status).to.equal(401);
  });

  it('when an admin creates a staff account for an address with only an unverified sign-up, then it is created (as for a new address) and the sign-up\'s link stops working', async () => {
    const admin = await makeUser('admin', undefined, 'Admin', { clock });
    const email = uniqueEmail('officer');
    await signUpOnPage({ name: 'Squatter', email, password: 'the-squatters-password' });
    const [link] = await linksFor(email);
    const fresh = uniqueEmail('fresh-officer');
    const body = (address: string) => ({ email: address, password: 'the-admins-choice-1', role: 'officer', agency: 'WORKS', name: 'Officer Khalid' });

    const created = await request(app).post('/api/v1/admin/users').set(...authAt(admin, clock)).send(body(email));
    const forFresh = await request(app).post('/api/v1/admin/users').set(...authAt(admin, clock)).send(body(fresh));
    expect(created.status).to.equal(201);
    expect(created.body.status).to.equal('created');
    expect(Object.keys(created.body.user).sort()).to.deep.equal(Object.keys(forFresh.body.user).sort());
    expect(created.body.user).to.include({ email, role: 'officer', agency: 'WORKS', emailVerified: true });

    const stored = await UserModel.find({ email }).lean();
    expect(stored).to.have.length(1);
    expect(await passwordMatches('the-admins-choice-1', stored[0]!.passwordHash)).to.equal(true);
    const opened = await openLink(link!);
    expect(opened.page.status).to.equal(400);
    expect(await UserModel.findOne({ email }).lean()).to.deep.include({ role: 'officer', name: 'Officer Khalid' });
  });

  it('when an unverified account from an older sign-up holds the address, then an admin\'s staff account replaces it', async () => {
    const admin = await makeUser('admin', undefined, 'Admin', { clock });
    const email = uniqueEmail('legacy-officer');
    await legacyUnverified(email, 'legacy-squatter-pw');
    const res = await request(app).post('/api/v1/admin/users').set(...authAt(admin, clock)).send({ email, password: 'the-admins-choice-1', role: 'supervisor', agency: 'WORKS', name: 'Supervisor Huda' });
    expect(res.status).to.equal(201);
    const stored = await UserModel.find({ email }).lean();
    expect(stored).to.have.length(1);
    expect(stored[0]).to.deep.include({ role: 'supervisor', agency: 'WORKS' });
    expect((await login(email, 'legacy-squatter-pw')).status).to.equal(401);
    expect((await login(email, 'the-admins-choice-1')).status).to.equal(200);
  });

  it('when a sign-up is never verified, then its link stops working after 48 hours and the purge removes it, with unverified accounts older sign-ups stored', async () => {
    const email = uniqueEmail('never');
    await signUpOnPage({ name: 'Never Verified', email, password: 'typed-at-sign-up' });
    const [link] = await linksFor(email);
    const staleLegacy = uniqueEmail('stale-legacy');
    const freshLegacy = uniqueEmail('fresh-legacy');
    await legacyUnverified(staleLegacy, 'legacy-password', new Date(clock.now().getTime() - 3600_000));
    const { user: verifiedCitizen } = await makeAccount('citizen', {}, clock.now());
    const { user: officer } = await makeAccount('officer', {}, clock.now());

    clock.advance(47 * 3600_000);
    await legacyUnverified(freshLegacy, 'legacy-password', clock.now());
    expect((await openLink(link!)).page.status, 'still valid at 47 h').to.equal(200);
    clock.advance(3600_000 + 1000);
    expect((await openLink(link!)).page.status, 'expired after 48 h').to.equal(400);

    await purgeExpiredEmailVerifications(clock.now());
    expect(await EmailVerificationModel.countDocuments({ email })).to.equal(0);
    expect(await UserModel.countDocuments({ email: staleLegacy })).to.equal(0);
    expect(await UserModel.countDocuments({ email: freshLegacy })).to.equal(1);
    for (const kept of [verifiedCitizen, officer]) expect(await UserModel.exists({ _id: kept._id })).to.not.equal(null);
    expect(await UserModel.countDocuments({ email })).to.equal(0);
  });

  it('when the registration API is sent a password, then it is refused naming the field, in both languages; without one it is accepted', async () => {
    const email = uniqueEmail('api');
    const en = await request(app).post('/api/v1/auth/register').set('Accept-Language', 'en').send({ email, name: 'Squatter', password: 'the-squatters-password' });
    expect(en.status).to.equal(400);
    expect(en.body.error.details).to.deep.equal([{ field: 'password', code: 'PASSWORD_AFTER_VERIFICATION', message: 'Do not send a password when signing up: it is chosen on the page the emailed link opens.' }]);
    const ar = await request(app).post('/api/v1/auth/register').send({ email, name: 'Squatter', password: 'the-squatters-password' });
    expect(ar.body.error.details[0].message).to.match(/[\u0600-\u06FF]/);
    expect(await OutboxMessageModel.countDocuments({ to: email })).to.equal(0);
    expect((await request(app).post('/api/v1/auth/register').send({ email, name: 'Someone' })).status).to.equal(202);
    expect(await OutboxMessageModel.countDocuments({ to: email, template: 'account-verify' })).to.equal(1);
  });
});
