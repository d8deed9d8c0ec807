/**
 * One cursor pagination (shared/pagination.ts) for every list that can grow: the cases list (and
 * the citizen's own through it), recurring issues, the audit log, and the "my cases" and recurring
 * queue pages. Each is walked page by page with its cursor while newer items arrive at the front:
 * every item is seen once, in order, none skipped; a page past the end is empty with no next cursor;
 * a forged cursor is a 400 INVALID_CURSOR with a message a person can act on, in their language.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import request from 'supertest';
import { AuditModel } from '../../src/audit/index.js';
import { CaseModel } from '../../src/cases/case.model.js';
import { RecurringIssueModel } from '../../src/recurring/index.js';
import { encodeCursor, type Page } from '../../src/shared/pagination.js';
import { makeApp } from '../support/app.js';
import { makeCase } from '../support/factories.js';
import { browserWith } from '../support/pages.js';
import { makeUser, type TestUser } from '../support/staff.js';

const BASE = new Date('2026-10-01T08:00:00Z');
const at = (minutes: number): Date => new Date(BASE.getTime() + minutes * 60_000);
const FORGED = ['not-a-cursor', Buffer.from('{"v":null,"id":"nope"}').toString('base64url'), Buffer.from('{"v":"yesterday","id":"0123456789abcdef01234567"}').toString('base64url')];

/**
 * Walks a list from its first page with each answer's `nextCursor`, calling `between` after every
 * page (to add items at the front); returns the ids seen, in order, and how many pages it took.
 */
async function walk<T>(fetchPage: (cursor?: string) => Promise<Page<T>>, idOf: (item: T) => string, between: (page: number) => Promise<void>): Promise<{ seen: string[]; pages: number }> {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let page = 1; page < 50; page++) {
    const answer = await fetchPage(cursor);
    seen.push(...answer.items.map(idOf));
    if (!answer.nextCursor) return { seen, pages: page };
    cursor = answer.nextCursor;
    await between(page);
  }
  throw new Error('the walk did not end');
}

describe('cursor pages of every list that can grow', () => {
  const app = makeApp();

  /** The refusal of each forged cursor: 400 INVALID_CURSOR, in English and in Arabic. */
  async function expectRefused(path: string, auth: [string, string], extra: Record<string, string> = {}): Promise<void> {
    for (const cursor of FORGED) {
      const en = await request(app).get(path).query({ ...extra, cursor }).set(...auth).set('Accept-Language', 'en');
      expect(en.status, cursor).to.equal(400);
      expect(en.body.error).to.deep.equal({ code: 'INVALID_CURSOR', message: 'This page link is no longer valid. Start again from the first page.' });
    }
    const ar = await request(app).get(path).query({ ...extra, cursor: FORGED[0] }).set(...auth).set('Accept-Language', 'ar');
    expect(ar.body.error).to.deep.equal({ code: 'INVALID_CURSOR', message: 'رابط هذه الصفحة لم يعد صالحاً. ابدأ من الصفحة الأولى.' });
  }

  describe('the cases list (GET /api/v1/cases)', () => {
    let citizen: TestUser;
    beforeEach(async () => {
      await CaseModel.deleteMany({});
      citizen = await makeUser('citizen');
    });

    it('when a citizen walks their cases three at a time while new ones are filed, then each of theirs is seen once, newest first, none skipped', async () => {
      // Two share a timestamp across a page's edge: the _id breaks the tie, so neither is lost.
      for (const minutes of [1, 2, 3, 5, 5, 6, 7]) await makeCase({ citizenId: citizen.user._id, createdAt: at(minutes) });
      await makeCase({ createdAt: at(4) }); // somebody else's
      const expected = (await CaseModel.find({ citizenId: citizen.user._id }).sort({ createdAt: -1, _id: -1 }).lean()).map((c) => c.reference);

      const { seen, pages } = await walk(
        async (cursor) => {
          const res = await request(app).get('/api/v1/cases').query({ limit: 3, ...(cursor ? { cursor } : {}) }).set(...citizen.auth);
          expect(res.status).to.equal(200);
          expect(Object.keys(res.body as object)).to.deep.equal(['items', 'nextCursor']);
          return res.body as Page<{ reference: string }>;
        },
        (c) => c.reference,
        async (page) => {
          await makeCase({ citizenId: citizen.user._id, createdAt: at(100 + page) });
        },
      );
      expect(seen).to.deep.equal(expected);
      expect(pages).to.equal(3);
      expect(await CaseModel.countDocuments({ citizenId: citizen.user._id })).to.equal(9); // the two filed during the walk are on the first page now
    });

    it('when a page past the end is asked for, then it is empty with no next cursor; a forged cursor is 400 INVALID_CURSOR', async () => {
      const last = await makeCase({ citizenId: citizen.user._id, createdAt: at(1) });
      const past = await request(app).get('/api/v1/cases').query({ cursor: encodeCursor({ value: last.createdAt, id: last._id }) }).set(...citizen.auth);
      expect(past.status).to.equal(200);
      expect(past.body).to.deep.equal({ items: [], nextCursor: null });
      await expectRefused('/api/v1/cases', citizen.auth);
    });
  });

  describe('recurring issues (GET /api/v1/recurring-issues)', () => {
    let manager: TestUser;
    const makeIssue = (lastSeenAt: Date, category = 'SEWAGE') =>
      RecurringIssueModel.create({ profile: 'bh', status: 'flagged', category, area: 'SITRA', agency: 'CAPITAL', caseCount: 3, citizenCount: 3, firstSeenAt: BASE, lastSeenAt });
    beforeEach(async () => {
      await RecurringIssueModel.deleteMany({});
      manager = await makeUser('manager');
    });

    it('when a manager walks the issues three at a time while new ones form, then each is seen once, most recently seen first, none skipped', async () => {
      for (const minutes of [1, 2, 3, 3, 6, 6, 7, 8]) await makeIssue(at(minutes)); // a tie across a page's edge
      await makeIssue(at(4), 'POTHOLES'); // filtered out
      const expected = (await RecurringIssueModel.find({ category: 'SEWAGE' }).sort({ lastSeenAt: -1, _id: -1 }).lean()).map((i) => i._id.toHexString());

      const { seen, pages } = await walk(
        async (cursor) => {
          const res = await request(app).get('/api/v1/recurring-issues').query({ category: 'SEWAGE', limit: 3, ...(cursor ? { cursor } : {}) }).set(...manager.auth);
          expect(res.status).to.equal(200);
          expect(Object.keys(res.body as object)).to.deep.equal(['items', 'nextCursor']);
          return res.body as Page<{ id: string }>;
        },
        (i) => i.id,
        async (page) => {
          await makeIssue(at(100 + page));
        },
      );
      expect(seen).to.deep.equal(expected);
      expect(pages).to.equal(3);
    });

    it('when no limit is given, then a page holds 50; past the end is empty with no next cursor; a forged cursor is 400 INVALID_CURSOR', async () => {
      await RecurringIssueModel.insertMany(Array.from({ length: 51 }, (_, n) => ({ profile: 'bh', status: 'flagged', category: 'SEWAGE', caseCount: 3, citizenCount: 3, firstSeenAt: BASE, lastSeenAt: at(n) })));
      const first = await request(app).get('/api/v1/recurring-issues').set(...manager.auth);
      expect(first.body.items).to.have.length(50);
      const second = await request(app).get('/api/v1/recurring-issues').query({ cursor: first.body.nextCursor as string }).set(...manager.auth);
      expect(second.body.items).to.have.length(1);
      expect(second.body.nextCursor).to.equal(null);
      const oldest = await RecurringIssueModel.findOne({}).sort({ lastSeenAt: 1, _id: 1 }).lean();
      const past = await request(app).get('/api/v1/recurring-issues').query({ cursor: encodeCursor({ value: oldest!.lastSeenAt, id: oldest!._id }) }).set(...manager.auth);
      expect(past.body).to.deep.equal({ items: [], nextCursor: null });
      await expectRefused('/api/v1/recurring-issues', manager.auth);
    });
  });

  describe('the audit log (GET /api/v1/admin/audit)', () => {
    let admin: TestUser;
    const reference = `BH-PAGE-${new Types.ObjectId().toHexString().slice(-6)}`;
    const record = (when: Date) => AuditModel.create({ at: when, actor: { kind: 'system' }, action: 'case.viewed', reference, detail: 'api' });
    before(async () => {
      admin = await makeUser('admin');
    });

    it('when an admin walks a case\'s entries two at a time while new ones are written, then each is seen once, newest first, none skipped', async () => {
      for (const minutes of [1, 2, 2, 4, 5]) await record(at(minutes));
      const expected = (await AuditModel.find({ reference }).sort({ at: -1, _id: -1 }).lean()).map((e) => e._id.toHexString());
      const { seen, pages } = await walk(
        async (cursor) => {
          const res = await request(app).get('/api/v1/admin/audit').query({ reference, limit: 2, ...(cursor ? { cursor } : {}) }).set(...admin.auth);
          expect(res.status).to.equal(200);
          return res.body as Page<{ id: string }>;
        },
        (e) => e.id,
        async (page) => {
          await record(at(100 + page));
        },
      );
      expect(seen).to.deep.equal(expected);
      expect(pages).to.equal(3);
      const oldest = await AuditModel.findOne({ reference }).sort({ at: 1, _id: 1 }).lean();
      const past = await request(app).get('/api/v1/admin/audit').query({ reference, cursor: encodeCursor({ value: oldest!.at, id: oldest!._id }) }).set(...admin.auth);
      expect(past.body).to.deep.equal({ items: [], nextCursor: null });
    });

    it('when the cursor is forged, then it is 400 INVALID_CURSOR', async () => {
      await expectRefused('/api/v1/admin/audit', admin.auth, { reference });
    });
  });
});

describe('cursor pages of the HTML lists', () => {
  const app = makeApp();
  /** The `rel="next"` link of a page, unescaped; null when there is none. */
  const nextLinkOf = (html: string): string | null => /<a href="([^"]+)" rel="next">/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? null;

  it('when a citizen with more than 100 cases opens "my cases", then a "next page" link leads on to the rest, none twice, none skipped', async () => {
    const citizen = await makeUser('citizen');
    for (let n = 0; n < 130; n += 10) await Promise.all(Array.from({ length: 10 }, (_, k) => makeCase({ citizenId: citizen.user._id, createdAt: at(n + k) })));
    const expected = (await CaseModel.find({ citizenId: citizen.user._id }).sort({ createdAt: -1, _id: -1 }).lean()).map((c) => c.reference);
    const browser = browserWith(app, citizen.token);
    const refsOf = (html: string) => [...html.matchAll(/data-testid="mine-([^"]+)"/g)].map((m) => m[1]!);

    const first = await browser.get('/my/cases').set('Accept-Language', 'en');
    expect(first.status).to.equal(200);
    expect(refsOf(first.text)).to.have.length(100);
    expect(first.text).not.to.contain('First page');
    const next = nextLinkOf(first.text);
    expect(next).to.match(/^\/my\/cases\?cursor=[A-Za-z0-9_-]+$/);
    await makeCase({ citizenId: citizen.user._id, createdAt: at(1000) }); // filed between the two pages

    const second = await browser.get(next!).set('Accept-Language', 'en');
    expect(second.status).to.equal(200);
    expect([...refsOf(first.text), ...refsOf(second.text)]).to.deep.equal(expected);
    expect(nextLinkOf(second.text)).to.equal(null);
    expect(second.text).to.contain('<a href="/my/cases">First page</a>');
  });

  it('when "my cases" is opened with a forged cursor, then the page says the link is no longer valid (400)', async () => {
    const citizen = await makeUser('citizen');
    const page = await browserWith(app, citizen.token).get('/my/cases?cursor=not-a-cursor').set('Accept-Language', 'en').set('Accept', 'text/html');
    expect(page.status).to.equal(400);
    expect(page.text).to.contain('This page link is no longer valid. Start again from the first page.');
  });

  it('when a manager opens the recurring queue with more than 100 issues, then a "next page" link keeps the status filter and leads on to the rest', async () => {
    await RecurringIssueModel.deleteMany({});
    const manager = await makeUser('manager');
    await RecurringIssueModel.insertMany(Array.from({ length: 120 }, (_, n) => ({ profile: 'bh', status: 'flagged', category: 'SEWAGE', area: 'SITRA', caseCount: 3, citizenCount: 3, firstSeenAt: BASE, lastSeenAt: at(n % 110) })));
    await RecurringIssueModel.create({ profile: 'bh', status: 'dismissed', category: 'SEWAGE', caseCount: 3, citizenCount: 3, firstSeenAt: BASE, lastSeenAt: at(50) });
    const expected = (await RecurringIssueModel.find({ status: 'flagged' }).sort({ lastSeenAt: -1, _id: -1 }).lean()).map((i) => i._id.toHexString());
    const browser = browserWith(app, manager.token);
    const idsOf = (html: string) => [...html.matchAll(/data-testid="issue-([0-9a-f]{24})"/g)].map((m) => m[1]!);

    const first = await browser.get('/work/recurring?status=flagged').set('Accept-Language', 'en');
    expect(first.status).to.equal(200);
    expect(idsOf(first.text)).to.have.length(100);
    const next = nextLinkOf(first.text);
    expect(next).to.match(/^\/work\/recurring\?status=flagged&cursor=[A-Za-z0-9_-]+$/);
    await RecurringIssueModel.create({ profile: 'bh', status: 'flagged', category: 'SEWAGE', caseCount: 3, citizenCount: 3, firstSeenAt: BASE, lastSeenAt: at(5000) });

    const second = await browser.get(next!).set('Accept-Language', 'en');
    expect([...idsOf(first.text), ...idsOf(second.text)]).to.deep.equal(expected);
    expect(nextLinkOf(second.text)).to.equal(null);
    expect(second.text).to.contain('<a href="/work/recurring?status=flagged">First page</a>');
    expect((await browser.get('/work/recurring?cursor=not-a-cursor').set('Accept-Language', 'en')).status).to.equal(400);
  });
});
