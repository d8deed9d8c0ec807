/**
 * Personal-data duties (Bahrain's and the UAE's PDPL): retention anonymises ended cases after
 * RETENTION_YEARS, keeping their figures; a citizen downloads everything held about them and closes
 * their account (ended cases anonymised as retention does, cases still being worked kept).
 */
import { expect } from 'chai';
import mongoose, { Types } from 'mongoose';
import request from 'supertest';
import { AuditModel } from '../../src/audit/index.js';
import { storeAttachments } from '../../src/cases/attachments.js';
import { CaseModel, type CaseDoc } from '../../src/cases/case.model.js';
import { forgetExpiredHistory } from '../../src/classification/history-retention.js';
import { HistoryCaseModel } from '../../src/classification/classifier.model.js';
import { anonymiseExpiredCases, retentionCutoff } from '../../src/cases/retention.js';
import { forgetAnonymisedCase as forget } from '../../src/recurring/forget.js';
import { UserModel } from '../../src/users/user.model.js';
import { makeApp } from '../support/app.js';
import { makeCase } from '../support/factories.js';
import { PNG_1PX } from '../support/files.js';
import { makeUser } from '../support/staff.js';

const files = (): mongoose.mongo.Collection => mongoose.connection.db!.collection('attachments.files');
const chunks = (): mongoose.mongo.Collection => mongoose.connection.db!.collection('attachments.chunks');

/** An ended case full of personal data: contact, texts, a citizen message, a public reply, an internal note, a file, a rating. */
async function endedCase(overrides: Record<string, unknown> = {}): Promise<CaseDoc> {
  const createdAt = (overrides.createdAt as Date | undefined) ?? new Date('2028-01-10T08:00:00Z');
  const closedAt = (overrides.closedAt as Date | undefined) ?? new Date('2028-02-10T08:00:00Z');
  const [file] = await storeAttachments([{ filename: 'photo.png', contentType: 'image/png', buffer: PNG_1PX }], createdAt);
  const citizenId = (overrides.citizenId as Types.ObjectId | undefined) ?? new Types.ObjectId();
  return makeCase({
    title: 'Flooded street by my house',
    description: 'Water in front of house 12, road 34; call me on my mobile.',
    contact: { name: 'Fatima Ali', email: 'fatima@example.bh', phone: '+973 3300 1234' },
    contactEmail: 'fatima@example.bh',
    location: { lat: 26.2, lng: 50.6 },
    citizenId,
    idempotencyKey: 'idem-key-1',
    status: 'closed',
    createdAt,
    updatedAt: closedAt,
    resolvedAt: new Date(closedAt.getTime() - 15 * 86_400_000),
    closedAt,
    resolutionMinutes: 43_200,
    slaBreached: 0,
    dueAt: new Date('2028-01-20T08:00:00Z'),
    priority: 'high',
    routing: { method: 'classifier', confidence: 0.9, routedAt: createdAt, terms: ['house', 'road', 'water'], candidates: [{ category: 'WASTE_COLLECTION', agency: 'CAPITAL', probability: 0.9 }] },
    rating: { score: 4, comment: 'Thanks, Ahmed at the office was kind', at: closedAt },
    followers: [new Types.ObjectId()],
    attachments: [{ ...file, _id: new Types.ObjectId() }],
    history: [
      { at: createdAt, actor: { kind: 'citizen', userId: citizenId }, event: 'filed', to: 'submitted', visibility: 'public' },
      { at: createdAt, actor: { kind: 'citizen', userId: citizenId }, event: 'message', note: 'My neighbour Ali saw it too.', visibility: 'public' },
      { at: createdAt, actor: { kind: 'staff', role: 'officer', agency: 'CAPITAL', name: 'Officer One' }, event: 'message', note: 'Called Mrs Ali on +973 3300 1234', visibility: 'internal' },
      { at: closedAt, actor: { kind: 'staff', role: 'officer', agency: 'CAPITAL' }, event: 'status_changed', from: 'resolved', to: 'closed', note: 'Pumped out at house 12.', visibility: 'public', data: { action: 'accept_resolution' } },
    ],
    ...overrides,
  });
}

const PERSONAL_TEXT = /Fatima|fatima@|3300 1234|house 12|Ahmed|Ali|photo\.png/;

describe('retention: ended cases are anonymised after RETENTION_YEARS', () => {
  const now = new Date('2034-06-01T00:00:00Z'); // a fixed clock: five years back is 2029-06-01

  it('when the cutoff is computed, then it is that many calendar years back', () => {
    expect(retentionCutoff(now, 5).toISOString()).to.equal('2029-06-01T00:00:00.000Z');
  });

  it('when an ended case is older than the retention period, then its personal data and files go and its figures stay; young and open cases are untouched; a second run changes nothing', async () => {
    const old = await endedCase();
    const oldRejected = await endedCase({ status: 'rejected', closedAt: new Date('2029-01-01T00:00:00Z') });
    const young = await endedCase({ closedAt: new Date('2030-01-01T00:00:00Z') });
    const openOld = await endedCase({ status: 'in_progress', closedAt: undefined, resolvedAt: undefined, rating: undefined });
    const otherProfile = await endedCase({ profile: 'ae' });
    const fileId = old.attachments[0]!.fileId;
    expect(await files().countDocuments({ _id: fileId })).to.equal(1);

    expect(await anonymiseExpiredCases(now, { profile: 'bh', years: 5, batch: 1, forget })).to.equal(1); // batched: one per call here
    expect(await anonymiseExpiredCases(now, { profile: 'bh', years: 5, batch: 10, forget })).to.equal(1);

    const after = (await CaseModel.findById(old._id).lean<CaseDoc>())!;
    expect(after.anonymisedAt!.toISOString()).to.equal(now.toISOString());
    expect(after.contact).to.deep.equal({ name: '', email: '' });
    expect(after.contactEmail).to.equal('');
    expect(after.title).to.equal(undefined);
    expect(after.description).to.equal('');
    expect(after.location).to.equal(undefined);
    expect(after.citizenId).to.equal(undefined);
    expect(after.followers).to.equal(undefined);
    expect(after.idempotencyKey).to.equal(undefined);
    expect(after.routing.terms).to.equal(undefined);
    expect(after.rating).to.deep.include({ score: 4 });
    expect(after.rating!.comment).to.equal(undefined);
    expect(after.attachments).to.deep.equal([]);
    expect(after.trackingTokenHash).to.not.equal(old.trackingTokenHash);
    expect(after.history.map((h) => h.note)).to.deep.equal([undefined, undefined, undefined, undefined]);
    expect(after.history.filter((h) => h.actor.kind === 'citizen').map((h) => h.actor.userId)).to.deep.equal([undefined, undefined]);
    expect(JSON.stringify(after)).to.not.match(PERSONAL_TEXT);
    expect(await files().countDocuments({ _id: fileId })).to.equal(0);
    expect(await chunks().countDocuments({ files_id: fileId })).to.equal(0);
    // The figures reports read are all there.
    const figures = (c: CaseDoc) => ({
      reference: c.reference, type: c.type, status: c.status, category: c.category, area: c.area, agency: c.agency, channel: c.channel, language: c.language, priority: c.priority,
      createdAt: c.createdAt, resolvedAt: c.resolvedAt, closedAt: c.closedAt, dueAt: c.dueAt, dayKey: c.dayKey, weekKey: c.weekKey, monthKey: c.monthKey,
      resolutionMinutes: c.resolutionMinutes, slaBreached: c.slaBreached, routingMethod: c.routing.method, candidates: c.routing.candidates, ratingScore: c.rating?.score, ratingAt: c.rating?.at,
      events: c.history.map((h) => [h.at, h.event, h.from, h.to, h.visibility, h.actor.kind, h.actor.role, h.actor.agency, h.data]),
    });
    expect(figures(after)).to.deep.equal(figures(old));

    expect((await CaseModel.findById(oldRejected._id).lean<CaseDoc>())!.anonymisedAt).to.be.instanceOf(Date);
    for (const kept of [young, openOld, otherProfile]) {
      const stored = (await CaseModel.findById(kept._id).lean<CaseDoc>())!;
      expect(stored.anonymisedAt).to.equal(undefined);
      expect(stored.contact.email).to.equal('fatima@example.bh');
      expect(stored.description).to.equal(kept.description);
      expect(await files().countDocuments({ _id: kept.attachments[0]!.fileId })).to.equal(1);
    }

    const audit = await AuditModel.find({ action: 'case.anonymised' }).sort({ at: 1, _id: 1 }).lean();
    expect(audit.map((e) => [e.reference, e.detail, e.actor.kind])).to.have.deep.members([
      [old.reference, 'retention', 'system'],
      [oldRejected.reference, 'retention', 'system'],
    ]);

    // A second run (the next day) finds nothing and changes nothing.
    const snapshot = await CaseModel.find({}).sort({ _id: 1 }).lean();
    expect(await anonymiseExpiredCases(new Date(now.getTime() + 86_400_000), { profile: 'bh', years: 5, forget })).to.equal(0);
    expect(await CaseModel.find({}).sort({ _id: 1 }).lean()).to.deep.equal(snapshot);
    expect(await AuditModel.countDocuments({ action: 'case.anonymised' })).to.equal(2);
  });
});

describe('retention: imported history is deleted after RETENTION_YEARS', () => {
  it('when imported cases ended before the cutoff, then they are deleted (by resolution date, else filing date) and younger ones and other profiles stay', async () => {
    const cutoff = new Date('2029-06-01T00:00:00Z');
    const line = (ref: string, createdAt: string, resolvedAt?: string, profile = 'bh') => ({
      profile, ref, createdAt: new Date(createdAt), ...(resolvedAt ? { resolvedAt: new Date(resolvedAt) } : {}), type: 'complaint', language: 'ar',
      description: `نص المواطن ${ref}`, category: 'WASTE_COLLECTION', agency: 'CAPITAL', importedAt: new Date(createdAt),
    });
    await HistoryCaseModel.insertMany([
      line('OLD-RESOLVED', '2029-01-01T00:00:00Z', '2029-05-01T00:00:00Z'),
      line('FILED-OLD-RESOLVED-YOUNG', '2029-05-01T00:00:00Z', '2029-07-01T00:00:00Z'),
      line('OLD-NO-DATE', '2029-02-01T00:00:00Z'),
      line('YOUNG-NO-DATE', '2029-08-01T00:00:00Z'),
      line('OTHER-PROFILE', '2029-01-01T00:00:00Z', '2029-05-01T00:00:00Z', 'ae'),
    ]);
    expect(await forgetExpiredHistory('bh', cutoff)).to.equal(2);
    expect((await HistoryCaseModel.find({}).lean()).map((h) => h.ref)).to.have.members(['FILED-OLD-RESOLVED-YOUNG', 'YOUNG-NO-DATE', 'OTHER-PROFILE']);
    expect(await forgetExpiredHistory('bh', cutoff)).to.equal(0);
  });
});

describe("a citizen's own data: download and account closing", () => {
  const app = makeApp();

  it('when a citizen downloads their data, then it holds their account, cases with their messages and public replies, ratings and follows, and nothing of another citizen', async () => {
    const me = await makeUser('citizen', undefined, 'Maryam Hasan');
    const other = await makeUser('citizen', undefined, 'Other Person');
    const mine = await endedCase({ citizenId: me.user._id, contact: { name: 'Maryam Hasan', email: me.user.email }, contactEmail: me.user.email });
    const guest = await makeCase({ contact: { name: 'Maryam Hasan', email: me.user.email }, contactEmail: me.user.email }); // filed signed out with their address
    const theirs = await makeCase({ citizenId: other.user._id, description: 'Secret of the other citizen', contact: { name: 'Other Person', email: other.user.email }, contactEmail: other.user.email, followers: [me.user._id] });

    const res = await request(app).get('/api/v1/me/data').set(...me.auth);
    expect(res.status).to.equal(200);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.headers['content-disposition']).to.contain('attachment');
    const data = res.body as { account: Record<string, unknown>; cases: { reference: string; description: string; contact: { email: string }; timeline: { note: string | null }[] }[]; ratings: unknown[]; follows: { reference: string }[] };
    expect(data.account).to.include({ id: me.id, email: me.user.email, name: 'Maryam Hasan', role: 'citizen' });
    expect(data.account).to.not.have.any.keys('passwordHash', 'tokenVersion', 'password');
    expect(data.cases.map((c) => c.reference)).to.have.members([mine.reference, guest.reference]);
    const exported = data.cases.find((c) => c.reference === mine.reference)!;
    expect(exported.description).to.equal(mine.description);
    expect(exported.contact.email).to.equal(me.user.email);
    const notes = exported.timeline.map((t) => t.note);
    expect(notes).to.include('My neighbour Ali saw it too.').and.include('Pumped out at house 12.');
    expect(notes).to.not.include('Called Mrs Ali on +973 3300 1234'); // internal notes are not theirs to read
    expect(data.ratings).to.deep.equal([{ reference: mine.reference, score: 4, comment: 'Thanks, Ahmed at the office was kind', at: mine.rating!.at.toISOString() }]);
    expect(data.follows).to.deep.equal([{ reference: theirs.reference, type: 'complaint', status: 'assigned', category: 'WASTE_COLLECTION', area: 'SITRA', agency: 'CAPITAL' }]);
    const text = JSON.stringify(res.body);
    for (const secret of ['Secret of the other citizen', other.user.email, 'Other Person', other.id, me.user.passwordHash]) expect(text).to.not.contain(secret);
    expect(await AuditModel.countDocuments({ action: 'account.exported', 'actor.userId': me.id })).to.equal(1);
  });

  it('when staff or nobody asks for /me, then they are refused', async () => {
    for (const role of ['officer', 'agent', 'admin'] as const) {
      const staff = await makeUser(role, role === 'officer' ? 'CAPITAL' : undefined);
      expect((await request(app).get('/api/v1/me/data').set(...staff.auth)).status).to.equal(403);
      expect((await request(app).post('/api/v1/me/close').set(...staff.auth).send({ password: 'correct horse battery' })).status).to.equal(403);
    }
    expect((await request(app).get('/api/v1/me/data')).status).to.equal(401);
  });

  it('when the password is wrong or missing, then the account is not closed', async () => {
    const me = await makeUser('citizen');
    const wrong = await request(app).post('/api/v1/me/close').set(...me.auth).set('Accept-Language', 'en').send({ password: 'not my password' });
    expect(wrong.status).to.equal(403);
    expect(wrong.body.error.code).to.equal('PASSWORD_INCORRECT');
    expect((await request(app).post('/api/v1/me/close').set(...me.auth).send({})).status).to.equal(400);
    const stored = (await UserModel.findById(me.user._id).lean())!;
    expect(stored.disabledAt).to.equal(undefined);
    expect(stored.email).to.equal(me.user.email);
    expect((await request(app).get('/api/v1/auth/me').set(...me.auth)).status).to.equal(200);
  });

  it('when a citizen closes their account with their password, then they are signed out everywhere, their ended cases are anonymised, their open cases kept and their follows removed', async () => {
    const me = await makeUser('citizen', undefined, 'Maryam Hasan');
    const login = await request(app).post('/api/v1/auth/login').send({ email: me.user.email, password: 'correct horse battery' });
    expect(login.status).to.equal(200);
    const ended = await endedCase({ citizenId: me.user._id, contactEmail: me.user.email, closedAt: new Date() }); // young: closing does not wait for retention
    const declined = await endedCase({ citizenId: me.user._id, type: 'suggestion', status: 'declined', closedAt: new Date() });
    const open = await endedCase({ citizenId: me.user._id, status: 'in_progress', closedAt: undefined, resolvedAt: undefined, rating: undefined });
    const followed = await makeCase({ followers: [me.user._id, new Types.ObjectId()] });

    const res = await request(app).post('/api/v1/me/close').set(...me.auth).send({ password: 'correct horse battery' });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: 'closed', anonymisedCases: 2, keptOpenCases: 1 });

    // Signed out everywhere: the access token, the refresh token and the password no longer work.
    expect((await request(app).get('/api/v1/auth/me').set(...me.auth)).status).to.equal(401);
    expect((await request(app).get('/api/v1/auth/me').set('Authorization', `Bearer ${login.body.accessToken as string}`)).status).to.equal(401);
    expect((await request(app).post('/api/v1/auth/refresh').send({ refreshToken: login.body.refreshToken })).status).to.equal(401);
    expect((await request(app).post('/api/v1/auth/login').send({ email: me.user.email, password: 'correct horse battery' })).status).to.equal(401);

    const account = (await UserModel.findById(me.user._id).lean())!;
    expect(account.disabledAt).to.be.instanceOf(Date);
    expect(account.email).to.not.equal(me.user.email);
    expect(account.name).to.not.contain('Maryam');
    expect(account.passwordHash).to.not.equal(me.user.passwordHash);
    expect(account.tokenVersion).to.be.greaterThan(me.user.tokenVersion);

    for (const c of [ended, declined]) {
      const stored = (await CaseModel.findById(c._id).lean<CaseDoc>())!;
      expect(stored.anonymisedAt).to.be.instanceOf(Date);
      expect(stored.citizenId).to.equal(undefined);
      expect(JSON.stringify(stored)).to.not.match(PERSONAL_TEXT);
      expect(await files().countDocuments({ _id: c.attachments[0]!.fileId })).to.equal(0);
    }
    const kept = (await CaseModel.findById(open._id).lean<CaseDoc>())!;
    expect(kept.anonymisedAt).to.equal(undefined);
    expect(kept.contact.email).to.equal('fatima@example.bh');
    expect(kept.description).to.equal(open.description);
    expect(await files().countDocuments({ _id: open.attachments[0]!.fileId })).to.equal(1);
    expect((await CaseModel.findById(followed._id).lean<CaseDoc>())!.followers!.map(String)).to.not.include(me.id);

    const audit = await AuditModel.find({ $or: [{ 'actor.userId': me.id }, { reference: ended.reference }, { reference: declined.reference }] }).sort({ at: 1, _id: 1 }).lean();
    expect(audit.map((e) => [e.action, e.detail])).to.have.deep.members([
      ['case.anonymised', 'account-closed'],
      ['case.anonymised', 'account-closed'],
      ['account.closed', 'anonymised:2 kept-open:1'],
    ]);
  });
});
