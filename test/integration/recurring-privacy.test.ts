/**
 * What a stranger can learn of another citizen's case through the recurring-issue features, black-box
 * on a real database: the look-alike search (`POST /api/v1/cases/similar`, anonymous) names only
 * words of the problem vocabulary, never a person's name or number from another citizen's
 * description, and is rate-limited like tracking; a citizen who follows a stranger's case is told
 * that the shared problem moved, in a notice of its own, and never receives the agency's replies or
 * notes to the filer (checked in the outbox and in what an SMTP server received).
 */
import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/case.model.js';
import { createMailTransport, createOutboxRelay, OutboxMessageModel } from '../../src/notifications/index.js';
import { detectRecurrences } from '../../src/recurring/detection.service.js';
import { problemVocabulary } from '../../src/recurring/vocabulary.js';
import { ManualClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { UserModel } from '../../src/users/user.model.js';
import { makeApp, testConfig } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { authAt, makeUser, type TestUser } from '../support/staff.js';

const options = { profile: 'bh', publicUrl: 'http://tawasul.test', batch: 500 };

describe('recurring issues: what strangers can learn of a case', function () {
  this.timeout(60_000);
  const clock = new ManualClock('2027-05-02T06:00:00Z');
  const app = makeApp({ clock });
  const as = (u: TestUser): [string, string] => authAt(u, clock);
  const file = async (body: Record<string, unknown>, by?: TestUser): Promise<string> => {
    const req = request(app).post('/api/v1/cases');
    const res = await (by ? req.set(...as(by)) : req).send(caseBody({ category: 'SEWAGE', area: 'SITRA', title: '', ...body }));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.reference as string;
  };

  describe('the look-alike search', () => {
    const PRIVATE = 'طفح المجاري أمام بيت خالد المنصوري Khalid Almansoori في الشارع الرئيسي والمياه الآسنة تغطي الطريق، اتصلوا على 33112244';
    const NAMES = 'Khalid Almansoori خالد المنصوري Fatima Alqassab فاطمة القصاب Yusuf Haddad يوسف حداد 33112244';
    const PROBLEM = 'المجاري طافحة في الشارع الرئيسي والمياه الآسنة تغطي الطريق';
    let reference = '';

    before(async () => {
      reference = await file({ description: PRIVATE });
      await file({ description: 'انقطاع الكهرباء عن الحي منذ الصباح', category: 'POWER_OUTAGE' });
      await detectRecurrences(clock.now(), options);
    });

    it('when a search lists people\'s names beside the problem, then the look-alike is found but its shared words are only problem vocabulary, never a name or number', async () => {
      const [stored, queued] = [await CaseModel.countDocuments(), await OutboxMessageModel.countDocuments()];
      const res = await request(app).post('/api/v1/cases/similar').send({ type: 'complaint', category: 'SEWAGE', area: 'SITRA', description: `${NAMES} ${PROBLEM}` });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const item = (res.body.items as { reference: string; sharedWords: string[] }[]).find((i) => i.reference === reference);
      expect(item, JSON.stringify(res.body)).to.exist;
      const words = item!.sharedWords;
      expect(words.length).to.be.greaterThan(0);
      expect(words.join(' ')).to.contain('مجار'); // the problem is named
      const answer = JSON.stringify(res.body).toLowerCase();
      for (const leak of ['khalid', 'almansoori', 'خالد', 'منصور', 'المنصوري', '3311', '2244']) expect(answer, leak).not.to.contain(leak);
      const vocabulary = problemVocabulary('bh', 'SEWAGE');
      expect(words.filter((w) => !vocabulary.stems.has(w)), 'words outside the problem vocabulary').to.deep.equal([]);
      expect(await CaseModel.countDocuments()).to.equal(stored); // nothing stored
      expect(await OutboxMessageModel.countDocuments()).to.equal(queued); // nothing sent
    });

    it('when the same problem is searched with and without a list of names, then the answers are the same: a name cannot be probed through the score', async () => {
      const plain = await request(app).post('/api/v1/cases/similar').send({ type: 'complaint', category: 'SEWAGE', area: 'SITRA', description: PROBLEM });
      const named = await request(app).post('/api/v1/cases/similar').send({ type: 'complaint', category: 'SEWAGE', area: 'SITRA', description: `${NAMES} ${PROBLEM}` });
      expect(plain.status).to.equal(200);
      expect(plain.body.items.map((i: { reference: string }) => i.reference)).to.include(reference);
      expect(named.body.items).to.deep.equal(plain.body.items);
    });

    it('when one address searches more often than the tracking limit allows, then the next search is 429 RATE_LIMITED', async () => {
      clock.advance(15 * 60_000); // a window of its own: the searches above were counted too
      const limited = makeApp({ clock, config: testConfig({ RATE_LIMIT_TRACKING: '2' }) });
      const search = () => request(limited).post('/api/v1/cases/similar').set('Accept-Language', 'en').send({ type: 'complaint', category: 'SEWAGE', area: 'SITRA', description: PROBLEM });
      expect((await search()).status).to.equal(200);
      expect((await search()).status).to.equal(200);
      const refused = await search();
      expect(refused.status).to.equal(429);
      expect(refused.body.error.code).to.equal('RATE_LIMITED');
      clock.advance(15 * 60_000); // the next window
      expect((await search()).status).to.equal(200);
    });
  });

  describe('following a stranger\'s case', () => {
    const REPLY = 'Dear Khalid, our inspector will visit your villa 1234 on Sunday; please call him on 33112244.';
    const NOTE = 'Khalid, the blockage in front of villa 1234 was cleared; call 33112244 if it comes back.';
    const PERSONAL = ['Khalid', 'villa 1234', '33112244', 'inspector', 'blockage'];
    let filer: TestUser;
    let follower: TestUser;
    let arabicFollower: TestUser;
    let officer: TestUser;
    let smtp: TestSmtpServer;

    before(async () => {
      smtp = await startSmtpServer();
      [filer, follower, arabicFollower, officer] = await Promise.all([makeUser('citizen', undefined, 'Khalid Almansoori', { clock }), makeUser('citizen', undefined, undefined, { clock }), makeUser('citizen', undefined, undefined, { clock }), makeUser('officer', 'WORKS', undefined, { clock })]);
      await UserModel.updateOne({ _id: arabicFollower.user._id }, { $set: { language: 'ar' } });
    });
    after(() => smtp.close());

    const relayAll = async (): Promise<void> => {
      const transport = createMailTransport(smtp.url)!;
      const relay = createOutboxRelay({ transport, from: 'Tawasul <no-reply@tawasul.test>', logger: createLogger({ level: 'silent' }), clock, isSubjectLive: async (s) => (await CaseModel.exists({ _id: s.id })) !== null, batchSize: 100 });
      while ((await relay.runOnce()).sent > 0);
      transport.close();
    };

    it('when an officer replies to the filer with personal details and resolves the case, then the followers get only the follower notices and the filer gets the reply', async () => {
      const reference = await file({ language: 'en', description: 'طفح مجاري في الشارع الرئيسي أمام بيتي والمياه تغطي الطريق', contact: { name: 'Khalid Almansoori', email: filer.user.email, phone: '+973 3311 2244' } }, filer);
      for (const f of [follower, arabicFollower]) {
        const followed = await request(app).post(`/api/v1/cases/${reference}/follow`).set(...as(f));
        expect(followed.status, JSON.stringify(followed.body)).to.equal(201);
      }
      const c = (await CaseModel.findOne({ reference }).lean())!;
      expect(c.followers!.map(String)).to.have.members([follower.id, arabicFollower.id]);
      const route = async (body: Record<string, unknown>) => {
        clock.advance(60_000);
        const res = await request(app).patch(`/api/v1/cases/${reference}`).set(...as(officer)).send(body);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
      };
      await route({ action: 'start' });
      await route({ reply: { message: REPLY, visibility: 'public' } });
      await route({ action: 'resolve', note: NOTE });

      // What is stored: the reply and the note are the filer's, on the case.
      const after = (await CaseModel.findOne({ reference }).lean())!;
      expect(after.status).to.equal('resolved');
      expect(after.history.map((h) => h.note)).to.include.members([REPLY, NOTE]);

      // The outbox: the filer is told of the reply and of the answer, with their text.
      const toFiler = await OutboxMessageModel.find({ to: filer.user.email, template: 'case-update' }).sort({ createdAt: 1, _id: 1 }).lean();
      expect(toFiler.map((m) => (m.data as { message: string | null }).message)).to.deep.equal([REPLY, NOTE]);
      // The followers: one notice per move of the problem (work started, resolved), none for the reply.
      for (const f of [follower, arabicFollower]) {
        const toFollower = await OutboxMessageModel.find({ to: f.user.email }).sort({ createdAt: 1, _id: 1 }).lean();
        for (const m of toFollower) for (const word of PERSONAL) expect(JSON.stringify(m.data), word).not.to.contain(word);
        expect(toFollower.map((m) => m.template)).to.deep.equal(['case-follower-update', 'case-follower-update']);
        expect(toFollower.map((m) => (m.data as { event: string }).event)).to.deep.equal(['in_progress', 'resolved']);
      }

      // What was sent: every mail that reached a follower, read as delivered.
      await relayAll();
      for (const f of [follower, arabicFollower]) {
        const mails = smtp.received.filter((r) => r.rcptTo.includes(f.user.email));
        expect(mails).to.have.length(2);
        for (const { mail } of mails) {
          const whole = `${mail.subject ?? ''}\n${mail.text ?? ''}\n${typeof mail.html === 'string' ? mail.html : ''}`;
          for (const word of PERSONAL) expect(whole, word).not.to.contain(word);
          expect(whole).to.contain(reference);
          expect(whole).not.to.match(/replied to your case|ردّت الجهة على طلبك/);
        }
      }
      const english = smtp.received.filter((r) => r.rcptTo.includes(follower.user.email)).map((r) => r.mail.subject);
      expect(english).to.deep.equal([`Work has started on a problem you follow — ${reference}`, `A problem you follow has been resolved — ${reference}`]);
      const arabic = smtp.received.filter((r) => r.rcptTo.includes(arabicFollower.user.email)).map((r) => r.mail);
      expect(arabic[1]!.subject).to.equal(`تم حل مشكلة تتابعها — ${reference}`);
      expect(arabic[1]!.html).to.contain('dir="rtl"');
      const filerMails = smtp.received.filter((r) => r.rcptTo.includes(filer.user.email));
      expect(filerMails.some((r) => (r.mail.text ?? '').includes(REPLY) && r.mail.subject!.startsWith('The entity replied to your case'))).to.equal(true);
      expect(filerMails.some((r) => (r.mail.text ?? '').includes(NOTE))).to.equal(true);
    });
  });
});
