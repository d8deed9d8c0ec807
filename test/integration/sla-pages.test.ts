/**
 * The clock on the pages: the officer's queue opens sorted by deadline with a state word and colour
 * per case (on track, at risk, late), the case page shows the time left, a supervisor changes the
 * priority through a CSRF-protected form, and the citizen is told when a late case was escalated.
 */
import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/case.model.js';
import { ManualClock } from '../../src/shared/clock.js';
import { runSlaSweep } from '../../src/cases/index.js';
import { issueAccessToken, tokenSettings } from '../../src/users/index.js';
import { makeApp, testConfig } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { browserWith, csrfFrom } from '../support/pages.js';
import { makeUser, tokenAt, type TestUser } from '../support/staff.js';

const E_SERVICES = { category: 'E_SERVICES', area: undefined, description: 'The online payment page fails every time at the last step.' };

describe('the SLA clock on the pages', () => {
  const clock = new ManualClock('2026-11-05T12:00:00Z');
  const app = makeApp({ clock });
  let officer: TestUser;
  let supervisor: TestUser;
  const refs: Record<'late' | 'atRisk' | 'onTrack' | 'answered', { reference: string; trackingToken: string }> = {} as never;
  const browserOf = (u: TestUser) => browserWith(app, tokenAt(u, clock));
  const file = async (iso: string) => {
    clock.set(iso);
    const res = await request(app).post('/api/v1/cases').send(caseBody(E_SERVICES));
    expect(res.status).to.equal(201);
    return res.body as { reference: string; trackingToken: string };
  };

  before(async () => {
    [officer, supervisor] = await Promise.all([makeUser('officer', 'IGA', undefined, { clock }), makeUser('supervisor', 'IGA', undefined, { clock })]);
    refs.late = await file('2026-11-05T12:00:00Z'); // Thursday 5 Nov: due Wed 25 Nov
    refs.atRisk = await file('2026-11-19T12:00:00Z'); // Thursday 19 Nov after hours: due Wed 9 Dec, at risk from Sun 6 Dec 10:30
    refs.onTrack = await file('2026-11-22T04:00:00Z'); // Sunday 22 Nov 07:00: due Thu 10 Dec
    refs.answered = await file('2026-11-01T05:00:00Z');
    await request(app).patch(`/api/v1/cases/${refs.answered.reference}`).set('Authorization', `Bearer ${issueAccessToken(officer.user, tokenSettings(testConfig(), clock))}`).send({ action: 'resolve', note: 'Fixed on our side.' });
    clock.set('2026-12-06T08:00:00Z'); // Sunday 6 Dec 11:00: 74 of 98 working hours used on the at-risk case
  });

  it('when an officer opens the queue, then it is sorted by deadline, open cases only, each with its state and time left', async () => {
    const page = await browserOf(officer).get('/work').set('Accept-Language', 'en');
    expect(page.status).to.equal(200);
    const at = (ref: string) => page.text.indexOf(`data-testid="row-${ref}"`);
    expect(at(refs.late.reference)).to.be.greaterThan(-1);
    expect(at(refs.late.reference)).to.be.lessThan(at(refs.atRisk.reference));
    expect(at(refs.atRisk.reference)).to.be.lessThan(at(refs.onTrack.reference));
    expect(at(refs.answered.reference)).to.equal(-1);
    const row = (ref: string) => page.text.slice(at(ref), page.text.indexOf('</tr>', at(ref)));
    expect(row(refs.late.reference)).to.contain('data-testid="sla-breached"').and.contain('Late').and.contain('of working time late');
    expect(row(refs.atRisk.reference)).to.contain('data-testid="sla-at_risk"').and.contain('At risk');
    // Sunday 11:00 to Wednesday 9 Dec 14:00: 3 h on Sunday, then Monday–Wednesday 7 h each.
    expect(row(refs.atRisk.reference)).to.contain('24 h 0 min of working time left');
    expect(row(refs.onTrack.reference)).to.contain('data-testid="sla-on_track"').and.contain('On track');
  });

  it('when the filter form is sent with its empty fields, then they mean "any" (not a 400) and the chosen sort applies', async () => {
    const page = await browserOf(officer).get('/work?q=&category=&area=&sort=-createdAt').set('Accept-Language', 'en');
    expect(page.status).to.equal(200);
    const at = (ref: string) => page.text.indexOf(`data-testid="row-${ref}"`);
    expect(at(refs.onTrack.reference)).to.be.greaterThan(-1);
    expect(at(refs.onTrack.reference)).to.be.lessThan(at(refs.late.reference)); // newest first, as asked
  });

  it('when the queue is shown in Arabic, then the clock speaks Arabic', async () => {
    const page = await browserOf(officer).get('/work').set('Accept-Language', 'ar');
    expect(page.text).to.contain('معرّض للتأخر').and.contain('متأخر');
  });

  it('when an officer opens a case, then it shows the deadline, the time left and the priority', async () => {
    const page = await browserOf(officer).get(`/work/cases/${refs.atRisk.reference}`).set('Accept-Language', 'en');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('data-testid="sla-clock"').and.contain('data-testid="sla-at_risk"');
    expect(page.text).to.contain('data-testid="priority">Normal');
    expect(page.text).not.to.contain('data-testid="priority-form"'); // officers do not set priority
  });

  it('when a supervisor changes the priority through the form, then it is stored; without the CSRF token it is refused', async () => {
    const browser = browserOf(supervisor);
    const page = await browser.get(`/work/cases/${refs.onTrack.reference}`).set('Accept-Language', 'en');
    expect(page.text).to.contain('data-testid="priority-form"');
    const forged = await browser.post(`/work/cases/${refs.onTrack.reference}/priority`).type('form').send({ priority: 'high' });
    expect(forged.status).to.equal(403);
    const sent = await browser.post(`/work/cases/${refs.onTrack.reference}/priority`).type('form').send({ _csrf: csrfFrom(page.text), priority: 'high' });
    expect(sent.status).to.equal(303);
    expect((await CaseModel.findOne({ reference: refs.onTrack.reference }).lean())!.priority).to.equal('high');
  });

  it('when a late case has been escalated, then its citizen reads that on the case page, in Arabic or English', async () => {
    await runSlaSweep(clock.now(), { profile: 'bh', publicUrl: 'http://tawasul.test', batch: 100_000 });
    const track = async (lang: string) => {
      const browser = request.agent(app);
      const opened = await browser.get(`/track?reference=${refs.late.reference}&token=${refs.late.trackingToken}`).set('Accept-Language', lang).redirects(2);
      expect(opened.status).to.equal(200);
      return opened.text;
    };
    expect(await track('en')).to.contain('data-testid="escalated"').and.contain('It has been escalated within the entity').and.contain('Escalated within the entity because it is late');
    expect(await track('ar')).to.contain('صُعِّد داخل الجهة');
    const onTrack = await request.agent(app).get(`/track?reference=${refs.onTrack.reference}&token=${refs.onTrack.trackingToken}`).redirects(2);
    expect(onTrack.status).to.equal(200);
    expect(onTrack.text).not.to.contain('data-testid="escalated"');
  });
});
