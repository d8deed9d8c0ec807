import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/index.js';
import { ManualClock } from '../../src/shared/clock.js';
import { makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { browserWith, csrfFrom } from '../support/pages.js';
import { authAt, makeUser, tokenAt, type TestUser } from '../support/staff.js';

/** The meeting forms on the officer's and the citizen's case pages, on Sunday 29 November 2026, 09:00 in Bahrain. */
describe('meeting pages: the officer offers, the citizen or an agent picks, the officer records', () => {
  const clock = new ManualClock('2026-11-29T06:00:00Z');
  const app = makeApp({ clock });
  let officer: TestUser;
  let agent: TestUser;
  let citizen: TestUser;
  before(async () => {
    [officer, agent, citizen] = await Promise.all([
      makeUser('officer', 'CAPITAL', 'Officer Hassan', { clock }),
      makeUser('agent', undefined, 'Agent Huda', { clock }),
      makeUser('citizen', undefined, 'Citizen Fatima', { clock }),
    ]);
  });
  afterEach(() => clock.set('2026-11-29T06:00:00Z'));

  async function fileCase(by?: TestUser): Promise<string> {
    const req = request(app).post('/api/v1/cases');
    const res = await (by ? req.set(...authAt(by, clock)) : req).send(caseBody());
    expect(res.status).to.equal(201);
    return res.body.reference as string;
  }

  /** The officer's case page and its CSRF token, in a language. */
  async function officerPage(reference: string, lang: 'ar' | 'en') {
    const browser = browserWith(app, tokenAt(officer, clock));
    const page = await browser.get(`/work/cases/${reference}`).set('Accept-Language', lang);
    expect(page.status).to.equal(200);
    return { browser, page, csrf: csrfFrom(page.text) };
  }

  it('when the officer offers a Friday from the page, then the page says why in Arabic and nothing is stored', async () => {
    const reference = await fileCase();
    const { browser, csrf } = await officerPage(reference, 'ar');
    const res = await browser.post(`/work/cases/${reference}/meetings`).set('Accept-Language', 'ar').type('form').send({ _csrf: csrf, kind: 'callback', slot1: '2026-12-04T10:00', durationMinutes: '30' });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('خارج ساعات عمل الجهة');
    expect(res.text).to.contain('dir="rtl"');
    const listed = await request(app).get(`/api/v1/cases/${reference}/meetings`).set(...authAt(officer, clock));
    expect(listed.body.items).to.deep.equal([]);
  });

  it('when the form comes without its CSRF token, then it is refused (403) and nothing is stored', async () => {
    const reference = await fileCase();
    const browser = browserWith(app, tokenAt(officer, clock));
    await browser.get(`/work/cases/${reference}`);
    const res = await browser.post(`/work/cases/${reference}/meetings`).type('form').send({ kind: 'callback', slot1: '2026-12-01T10:00' });
    expect(res.status).to.equal(403);
    expect((await request(app).get(`/api/v1/cases/${reference}/meetings`).set(...authAt(officer, clock))).body.items).to.deep.equal([]);
  });

  it('when the officer offers two times typed in Bahrain time, the signed-in citizen picks one on their page (in English), then a second pick of the same meeting is refused on the page', async () => {
    const reference = await fileCase(citizen);
    const { browser, csrf } = await officerPage(reference, 'en');
    const offered = await browser.post(`/work/cases/${reference}/meetings`).type('form').send({ _csrf: csrf, kind: 'callback', slot1: '2026-12-01T10:00', slot2: '2026-12-02T11:30', slot3: '', durationMinutes: '30', phone: '' });
    expect(offered.status, offered.text.slice(0, 500)).to.equal(303);
    const listed = await request(app).get(`/api/v1/cases/${reference}/meetings`).set(...authAt(officer, clock));
    expect(listed.body.items[0].slots.map((s: { start: string }) => s.start)).to.deep.equal(['2026-12-01T07:00:00.000Z', '2026-12-02T08:30:00.000Z']);
    const meetingId = listed.body.items[0].id as string;

    const own = browserWith(app, tokenAt(citizen, clock));
    const page = await own.get(`/cases/${reference}`).set('Accept-Language', 'en');
    expect(page.text).to.contain('Choose a time for your meeting');
    expect(page.text).to.contain('Tuesday, 1 December 2026, 10:00–10:30');
    const picked = await own.post(`/cases/${reference}/meetings/${meetingId}/pick`).set('Accept-Language', 'en').type('form').send({ _csrf: csrfFrom(page.text), slot: '2026-12-02T08:30:00.000Z' });
    expect(picked.status).to.equal(303);
    const after = await own.get(`/cases/${reference}`).set('Accept-Language', 'en');
    expect(after.text).to.contain('Your meeting: Wednesday, 2 December 2026, 11:30–12:00');
    expect(after.text).to.contain('We will call you on');

    const again = await own.post(`/cases/${reference}/meetings/${meetingId}/pick`).set('Accept-Language', 'en').type('form').send({ _csrf: csrfFrom(page.text), slot: '2026-12-01T07:00:00.000Z' });
    expect(again.status).to.equal(409);
    const c = (await CaseModel.findOne({ reference }).lean())!;
    expect(c.history.filter((h) => h.event === 'meeting_booked')).to.have.length(1);

    // The officer cancels it from the page; the history keeps the outcome for staff.
    const { browser: ob, csrf: oc, page: op } = await officerPage(reference, 'en');
    expect(op.text).to.contain('Booked for Wednesday, 2 December 2026, 11:30–12:00');
    const cancelled = await ob.post(`/work/cases/${reference}/meetings/${meetingId}/outcome`).type('form').send({ _csrf: oc, outcome: 'cancelled', note: 'The citizen asked to cancel.' });
    expect(cancelled.status).to.equal(303);
    const entry = (await CaseModel.findOne({ reference }).lean())!.history.find((h) => h.event === 'meeting_outcome');
    expect(entry).to.include({ to: 'cancelled', visibility: 'internal' });
  });

  it('when a caller phones, then the agent picks a time for them from the staff case page', async () => {
    const reference = await fileCase();
    const { browser, csrf } = await officerPage(reference, 'en');
    await browser.post(`/work/cases/${reference}/meetings`).type('form').send({ _csrf: csrf, kind: 'callback', slot1: '2026-12-03T09:00', durationMinutes: '15' });
    const agentBrowser = browserWith(app, tokenAt(agent, clock));
    const page = await agentBrowser.get(`/work/cases/${reference}`).set('Accept-Language', 'ar');
    expect(page.text).to.contain('data-testid="meeting-pick"');
    expect(page.text).not.to.contain('data-testid="meeting-offer"');
    const meetingId = /meetings\/([0-9a-f]{24})\/pick/.exec(page.text)![1]!;
    const picked = await agentBrowser.post(`/work/cases/${reference}/meetings/${meetingId}/pick`).type('form').send({ _csrf: csrfFrom(page.text), slot: '2026-12-03T06:00:00.000Z' });
    expect(picked.status, picked.text.slice(0, 300)).to.equal(303);
    const c = (await CaseModel.findOne({ reference }).lean())!;
    const booked = c.history.find((h) => h.event === 'meeting_booked')!;
    expect(booked.actor).to.include({ kind: 'agent', name: 'Agent Huda' });
  });
});
