/**
 * Registration from end to end: the verification email through the outbox relay and a real SMTP
 * server, its link verifying the account and bringing in the cases filed earlier as a guest.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import request from 'supertest';
import { CaseModel } from '../../src/cases/index.js';
import { createMailTransport, createOutboxRelay, OutboxMessageModel } from '../../src/notifications/index.js';
import { ManualClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { EmailVerificationModel, UserModel } from '../../src/users/index.js';
import { makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { makeCase } from '../support/factories.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { authTestConfig, uniqueEmail } from '../support/accounts.js';

describe('registration and email verification, end to end', () => {
  const publicUrl = 'http://tawasul.test';
  const clock = new ManualClock('2026-11-26T08:00:00Z');
  const app = makeApp({ clock, config: authTestConfig({ PUBLIC_URL: publicUrl }) });
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

  it('when a guest who filed a case registers with that email and opens the emailed link, then the account is verified and owns the case', async () => {
    const email = uniqueEmail('guest');
    const filed = await request(app).post('/api/v1/cases').send(caseBody({ contact: { name: 'فاطمة علي', email } }));
    expect(filed.status).to.equal(201);
    const registered = await request(app).post('/api/v1/auth/register').send({ email: email.toUpperCase(), password: 'correct horse battery', name: 'فاطمة علي', language: 'ar' });
    expect(registered.status).to.equal(202);

    await relayOnce();
    const mail = smtp.received.find((m) => m.rcptTo.includes(email) && /تفعيل/.test(m.mail.subject ?? ''));
    expect(mail, 'the Arabic verification email arrived').to.not.equal(undefined);
    expect(mail!.mail.text).to.contain('مرحبًا فاطمة علي');
    expect(mail!.mail.html).to.contain('dir="rtl"');
    const link = new RegExp(`${publicUrl.replace(/\./g, '\\.')}(/verify-email\\?token=[A-Za-z0-9_-]+)`).exec(mail!.mail.text ?? '')![1]!;
    expect(await EmailVerificationModel.countDocuments({ tokenHash: link.split('=')[1] })).to.equal(0); // stored hashed only

    const before = await request(app).post('/api/v1/auth/login').send({ email, password: 'correct horse battery' });
    expect(before.body.error.code).to.equal('EMAIL_NOT_VERIFIED');

    const page = await request(app).get(link);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('data-testid="verified"').and.contain('تم تأكيد بريدك الإلكتروني');
    expect(page.text).to.match(/data-testid="linked-cases">[^<]*: 1</);

    const user = await UserModel.findOne({ email }).lean();
    expect(user!.emailVerifiedAt).to.be.instanceOf(Date);
    const stored = await CaseModel.findOne({ reference: filed.body.reference }).lean();
    expect(stored!.citizenId!.toString()).to.equal(user!._id.toString());

    const after = await request(app).post('/api/v1/auth/login').send({ email, password: 'correct horse battery' });
    expect(after.status).to.equal(200);
    expect(after.body.user).to.include({ role: 'citizen', emailVerified: true, language: 'ar' });

    const again = await request(app).get(link).set('Accept-Language', 'en');
    expect(again.status).to.equal(400);
    expect(again.text).to.contain('data-code="VERIFICATION_LINK_INVALID"');
  });

  it('when someone registered the address first with their own password, then the owner\'s link sets the owner\'s password', async () => {
    const email = uniqueEmail('squatted');
    await request(app).post('/api/v1/auth/register').send({ email, password: 'the-squatters-password', name: 'Squatter' });
    await request(app).post('/api/v1/auth/register').send({ email, password: 'the-owners-password', name: 'Owner' });
    const ownersLink = await lastLinkFor(email);
    expect((await request(app).get(ownersLink)).status).to.equal(200);

    const squatter = await request(app).post('/api/v1/auth/login').send({ email, password: 'the-squatters-password' });
    expect(squatter.status).to.equal(401);
    const owner = await request(app).post('/api/v1/auth/login').send({ email, password: 'the-owners-password' });
    expect(owner.status).to.equal(200);
    expect(owner.body.user.name).to.equal('Owner');
    // The squatter's link, sent to the owner's mailbox, no longer works.
    const squattersMessage = await OutboxMessageModel.findOne({ to: email }).sort({ createdAt: 1, _id: 1 }).lean();
    const squattersLink = new URL((squattersMessage!.data as { verifyUrl: string }).verifyUrl);
    expect((await request(app).get(squattersLink.pathname + squattersLink.search)).status).to.equal(400);
  });

  it('when the address has a case that another account already owns, then verifying does not take it', async () => {
    const email = uniqueEmail('owned');
    const ownerId = new Types.ObjectId();
    const owned = await makeCase({ contact: { name: 'Owner', email }, contactEmail: email, citizenId: ownerId });
    const guest = await makeCase({ contact: { name: 'Guest', email }, contactEmail: email });
    await request(app).post('/api/v1/auth/register').send({ email, password: 'a-long-password', name: 'Claimer' });
    const page = await request(app).get(await lastLinkFor(email));
    expect(page.text).to.match(/data-testid="linked-cases">[^<]*: 1</);
    const user = await UserModel.findOne({ email }).lean();
    expect((await CaseModel.findById(owned._id).lean())!.citizenId!.toString()).to.equal(ownerId.toString());
    expect((await CaseModel.findById(guest._id).lean())!.citizenId!.toString()).to.equal(user!._id.toString());
  });

  it('when the link is older than 48 hours, then it no longer verifies', async () => {
    const email = uniqueEmail('late');
    await request(app).post('/api/v1/auth/register').send({ email, password: 'a-long-password', name: 'Late' });
    const link = await lastLinkFor(email);
    clock.advance(48 * 3600 * 1000 + 1000);
    const res = await request(app).get(link);
    expect(res.status).to.equal(400);
    expect((await UserModel.findOne({ email }).lean())!.emailVerifiedAt ?? null).to.equal(null);
  });

  it('when a verified citizen later files as a guest with the same email, then the case is theirs after the next sign-in', async () => {
    const email = uniqueEmail('later');
    await request(app).post('/api/v1/auth/register').send({ email, password: 'a-long-password', name: 'Later' });
    await request(app).get(await lastLinkFor(email));
    const filed = await request(app).post('/api/v1/cases').send(caseBody({ contact: { name: 'Later', email } }));
    expect((await CaseModel.findOne({ reference: filed.body.reference }).lean())!.citizenId ?? null).to.equal(null);
    const signedIn = await request(app).post('/api/v1/auth/login').send({ email, password: 'a-long-password' });
    expect((await CaseModel.findOne({ reference: filed.body.reference }).lean())!.citizenId!.toString()).to.equal(signedIn.body.user.id);
  });

  it('when the link token is missing or garbage, then the page says the link does not work', async () => {
    for (const path of ['/verify-email', '/verify-email?token=abc', '/verify-email?token[$ne]=x']) {
      const res = await request(app).get(path);
      expect(res.status, path).to.equal(400);
      expect(res.text).to.contain('data-code="VERIFICATION_LINK_INVALID"');
    }
  });
});
