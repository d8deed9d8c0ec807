/**
 * Registration from end to end: the verification email through the outbox relay and a real SMTP
 * server, its link opening the page where the password is chosen, which creates the account
 * verified, signs it in and brings in the cases filed earlier as a guest.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import request from 'supertest';
import { CaseModel } from '../../src/cases/index.js';
import { createMailTransport, createOutboxRelay, OutboxMessageModel } from '../../src/notifications/index.js';
import { ManualClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { EmailVerificationModel, UserModel } from '../../src/users/index.js';
import { capturingLogger, makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { makeCase } from '../support/factories.js';
import { csrfFrom } from '../support/pages.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { authTestConfig, uniqueEmail } from '../support/accounts.js';

describe('registration and email verification, end to end', () => {
  const publicUrl = 'http://tawasul.test';
  const clock = new ManualClock('2026-11-26T08:00:00Z');
  const logs = capturingLogger('info');
  const app = makeApp({ clock, logger: logs.logger, config: authTestConfig({ PUBLIC_URL: publicUrl }) });
  let smtp: TestSmtpServer;

  before(async () => {
    smtp = await startSmtpServer();
  });
  after(() => smtp.close());
  beforeEach(() => OutboxMessageModel.deleteMany({}));

  async function relayOnce(): Promise<void> {
    const transport = createMailTransport(smtp.url)!;
    const relay = createOutboxRelay({ transport, from: 'Tawasul <no-reply@tawasul.test>', logger: createLogger({ level: 'silent' }), clock });
    await relay.runOnce();
    transport.close();
  }

  /** The verification link of the last registration, read from the outbox (no SMTP needed). */
  async function lastLinkFor(email: string): Promise<string> {
    const message = await OutboxMessageModel.findOne({ to: email, template: 'account-verify' }).sort({ createdAt: -1, _id: -1 }).lean();
    const url = new URL((message!.data as { verifyUrl: string }).verifyUrl);
    return url.pathname + url.search;
  }

  const tokenOn = (html: string): string => /name="token" value="([^"]+)"/.exec(html)![1]!;

  /** Opens the link in a browser and chooses the password on its page, keeping the name shown. */
  async function choosePassword(link: string, password: string, language = 'ar') {
    const agent = request.agent(app).set('Accept-Language', language);
    const page = await agent.get(link);
    expect(page.status, page.text).to.equal(200);
    const name = /id="f-name"[^>]*value="([^"]*)"/.exec(page.text)![1]!;
    const res = await agent.post('/verify-email').type('form').send({ _csrf: csrfFrom(page.text), token: tokenOn(page.text), name, password });
    return { agent, page, res };
  }

  it('when a guest who filed a case registers with that email and opens the emailed link, then the page asks for a password, and choosing it verifies, signs in and brings the case', async () => {
    const email = uniqueEmail('guest');
    const filed = await request(app).post('/api/v1/cases').send(caseBody({ contact: { name: 'فاطمة علي', email } }));
    expect(filed.status).to.equal(201);
    const registered = await request(app).post('/api/v1/auth/register').send({ email: email.toUpperCase(), name: 'فاطمة علي', language: 'ar' });
    expect(registered.status).to.equal(202);

    await relayOnce();
    const mail = smtp.received.find((m) => m.rcptTo.includes(email) && /تفعيل/.test(m.mail.subject ?? ''));
    expect(mail, 'the Arabic verification email arrived').to.not.equal(undefined);
    expect(mail!.mail.text).to.contain('مرحبًا فاطمة علي');
    expect(mail!.mail.html).to.contain('dir="rtl"');
    const link = new RegExp(`${publicUrl.replace(/\./g, '\\.')}(/verify-email\\?token=[A-Za-z0-9_-]+)`).exec(mail!.mail.text ?? '')![1]!;
    const token = link.split('=')[1]!;
    expect(await EmailVerificationModel.countDocuments({ tokenHash: token })).to.equal(0); // stored hashed only
    expect(await UserModel.countDocuments({ email }), 'no account before the password is chosen').to.equal(0);
    expect((await request(app).post('/api/v1/auth/login').send({ email, password: 'correct horse battery' })).body.error.code).to.equal('INVALID_CREDENTIALS');

    // Opening the link twice (a mail filter, then the person) spends nothing.
    expect((await request(app).get(link)).status).to.equal(200);
    const { agent, page, res } = await choosePassword(link, 'correct horse battery');
    expect(page.text).to.contain('<h1>اختر كلمة المرور</h1>').and.contain(email).and.contain('value="فاطمة علي"');
    expect(page.headers['cache-control']).to.equal('no-store');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/verify-email/done?cases=1');
    const done = await agent.get(res.headers.location as string);
    expect(done.status).to.equal(200);
    expect(done.text).to.contain('data-testid="verified"').and.contain('تم تأكيد بريدك الإلكتروني').and.contain('تسجيل الخروج (فاطمة علي)');
    expect(done.text).to.match(/data-testid="linked-cases">[^<]*: 1</);

    const user = await UserModel.findOne({ email }).lean();
    expect(user).to.deep.include({ role: 'citizen', name: 'فاطمة علي', language: 'ar' });
    expect(user!.emailVerifiedAt).to.be.instanceOf(Date);
    const stored = await CaseModel.findOne({ reference: filed.body.reference }).lean();
    expect(stored!.citizenId!.toString()).to.equal(user!._id.toString());

    const after = await request(app).post('/api/v1/auth/login').send({ email, password: 'correct horse battery' });
    expect(after.status).to.equal(200);
    expect(after.body.user).to.include({ role: 'citizen', emailVerified: true, language: 'ar' });

    const again = await request(app).get(link).set('Accept-Language', 'en');
    expect(again.status).to.equal(400);
    expect(again.text).to.contain('data-code="VERIFICATION_LINK_INVALID"');
    const logged = JSON.stringify(logs.lines());
    expect(logged).to.contain('/verify-email'); // the requests were logged, without the token or the password
    expect(logged).to.not.contain(token).and.not.contain('correct horse battery');
  });

  it('when the password chosen on the link\'s page is too short, then the page says so, keeps the name, never echoes the password, and the link still works', async () => {
    const email = uniqueEmail('short');
    await request(app).post('/api/v1/auth/register').send({ email, name: 'Short Pw', language: 'en' });
    const link = await lastLinkFor(email);
    const agent = request.agent(app).set('Accept-Language', 'en');
    const page = await agent.get(link);
    const res = await agent.post('/verify-email').type('form').send({ _csrf: csrfFrom(page.text), token: tokenOn(page.text), name: 'Short Pw', password: 'short-pw' });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('id="f-password-error"').and.contain('value="Short Pw"').and.not.contain('short-pw');
    expect(await UserModel.countDocuments({ email })).to.equal(0);
    const noCsrf = await request(app).post('/verify-email').type('form').send({ token: tokenOn(page.text), name: 'Short Pw', password: 'a-long-password' });
    expect(noCsrf.status).to.equal(403);
    expect(await UserModel.countDocuments({ email })).to.equal(0);
    expect((await choosePassword(link, 'a-long-password', 'en')).res.status).to.equal(303);
    expect((await UserModel.findOne({ email }).lean())!.language).to.equal('en');
  });

  it('when the address has a case that another account already owns, then verifying does not take it', async () => {
    const email = uniqueEmail('owned');
    const ownerId = new Types.ObjectId();
    const owned = await makeCase({ contact: { name: 'Owner', email }, contactEmail: email, citizenId: ownerId });
    const guest = await makeCase({ contact: { name: 'Guest', email }, contactEmail: email });
    await request(app).post('/api/v1/auth/register').send({ email, name: 'Claimer' });
    const { res } = await choosePassword(await lastLinkFor(email), 'a-long-password');
    expect(res.headers.location).to.equal('/verify-email/done?cases=1');
    const user = await UserModel.findOne({ email }).lean();
    expect((await CaseModel.findById(owned._id).lean())!.citizenId!.toString()).to.equal(ownerId.toString());
    expect((await CaseModel.findById(guest._id).lean())!.citizenId!.toString()).to.equal(user!._id.toString());
  });

  it('when the link is older than 48 hours, then it no longer opens, and a page opened in time and sent late does not verify', async () => {
    const email = uniqueEmail('late');
    await request(app).post('/api/v1/auth/register').send({ email, name: 'Late' });
    const link = await lastLinkFor(email);
    const agent = request.agent(app);
    const page = await agent.get(link);
    expect(page.status).to.equal(200);
    clock.advance(48 * 3600 * 1000 + 1000);
    expect((await request(app).get(link)).status).to.equal(400);
    const late = await agent.post('/verify-email').type('form').send({ _csrf: csrfFrom(page.text), token: tokenOn(page.text), name: 'Late', password: 'a-long-password' });
    expect(late.status).to.equal(400);
    expect(late.text).to.contain('data-code="VERIFICATION_LINK_INVALID"');
    expect(await UserModel.countDocuments({ email })).to.equal(0);
  });

  it('when a verified citizen later files as a guest with the same email, then the case is theirs after the next sign-in', async () => {
    const email = uniqueEmail('later');
    await request(app).post('/api/v1/auth/register').send({ email, name: 'Later' });
    await choosePassword(await lastLinkFor(email), 'a-long-password');
    const filed = await request(app).post('/api/v1/cases').send(caseBody({ contact: { name: 'Later', email } }));
    expect((await CaseModel.findOne({ reference: filed.body.reference }).lean())!.citizenId ?? null).to.equal(null);
    const signedIn = await request(app).post('/api/v1/auth/login').send({ email, password: 'a-long-password' });
    expect((await CaseModel.findOne({ reference: filed.body.reference }).lean())!.citizenId!.toString()).to.equal(signedIn.body.user.id);
  });

  it('when the link token is missing or garbage, then the page says the link does not work, whether opened or posted', async () => {
    for (const path of ['/verify-email', '/verify-email?token=abc', '/verify-email?token[$ne]=x', `/verify-email?token=${'A'.repeat(43)}`]) {
      const res = await request(app).get(path);
      expect(res.status, path).to.equal(400);
      expect(res.text).to.contain('data-code="VERIFICATION_LINK_INVALID"');
    }
    const agent = request.agent(app);
    const form = await agent.get('/signup');
    for (const token of [undefined, 'abc', 'A'.repeat(43)]) {
      const res = await agent.post('/verify-email').type('form').send({ _csrf: csrfFrom(form.text), ...(token ? { token } : {}), name: 'Nobody', password: 'a-long-password' });
      expect(res.status, String(token)).to.equal(400);
      expect(res.text).to.contain('data-code="VERIFICATION_LINK_INVALID"');
    }
  });

  it('when the done page is opened without a session, then it sends the visitor to sign in', async () => {
    const res = await request(app).get('/verify-email/done?cases=3');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/signin?next=%2Fverify-email%2Fdone%3Fcases%3D3');
  });
});
