/**
 * SLA policies and calendars as data, through the admin API, on real cases: the targets a new case
 * gets, an agency's own calendar, restarting the clock on transfer, a supervisor's priority change,
 * and a calendar change that moves the deadlines of open cases and says why in their history.
 */
import { expect } from 'chai';
import request from 'supertest';
import { CaseModel, type CaseDoc } from '../../src/cases/case.model.js';
import { OutboxMessageModel, renderEmail, type CaseReceiptData } from '../../src/notifications/index.js';
import { ManualClock } from '../../src/shared/clock.js';
import { CalendarModel } from '../../src/sla/calendar.model.js';
import { SlaPolicyModel } from '../../src/sla/policy.model.js';
import { recomputeStaleClocks } from '../../src/cases/index.js';
import { makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { csrfFrom } from '../support/pages.js';
import { authAt, makeUser, type TestUser } from '../support/staff.js';

const SCHOOL_CASE = { category: 'SCHOOL_SERVICES', area: undefined, description: 'The school bus has not come to our street for two weeks now.' };

describe('SLA policies and calendar changes', function () {
  // A calendar change recomputes every open case on that calendar; on FerretDB each guarded update
  // scans the collection, so the two tests that change the BH calendar take 10 s or more each.
  this.timeout(60_000);
  const clock = new ManualClock('2026-11-22T04:00:00Z'); // Sunday 07:00 in Bahrain
  const app = makeApp({ clock });
  let admin: TestUser;
  let officer: TestUser;
  let supervisor: TestUser;
  const as = (u: TestUser): [string, string] => authAt(u, clock);
  const created: string[] = [];
  const createPolicy = async (body: Record<string, unknown>) => {
    const res = await request(app).post('/api/v1/admin/sla-policies').set(...as(admin)).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    created.push(res.body.id as string);
    return res.body as { id: string };
  };
  const load = async (reference: string): Promise<CaseDoc> => (await CaseModel.findOne({ reference }).lean<CaseDoc>())!;

  before(async () => {
    [admin, officer, supervisor] = await Promise.all([makeUser('admin', undefined, undefined, { clock }), makeUser('officer', 'EDUCATION', undefined, { clock }), makeUser('supervisor', 'EDUCATION', undefined, { clock })]);
  });
  afterEach(async () => {
    // Policies are global data: leave none behind for other tests.
    for (const id of created.splice(0)) await request(app).delete(`/api/v1/admin/sla-policies/${id}`).set(...as(admin));
  });

  it('when an admin creates, lists, replaces and deletes a policy, then each is stored and read back', async () => {
    const p = await createPolicy({ name: 'School services', match: { category: 'SCHOOL_SERVICES' }, resolution: { workingDays: 5 } });
    const list = await request(app).get('/api/v1/admin/sla-policies').set(...as(admin));
    expect(list.body.items).to.deep.include({ id: p.id, name: 'School services', match: { category: 'SCHOOL_SERVICES' }, resolution: { workingDays: 5 } });
    const replaced = await request(app).put(`/api/v1/admin/sla-policies/${p.id}`).set(...as(admin)).send({ name: 'School services (hours)', match: { category: 'SCHOOL_SERVICES' }, firstResponse: { workingHours: 4 } });
    expect(replaced.status).to.equal(200);
    expect(replaced.body).to.deep.equal({ id: p.id, name: 'School services (hours)', match: { category: 'SCHOOL_SERVICES' }, firstResponse: { workingHours: 4 } });
    expect((await request(app).delete(`/api/v1/admin/sla-policies/${p.id}`).set(...as(admin))).status).to.equal(204);
    expect((await request(app).delete(`/api/v1/admin/sla-policies/${p.id}`).set(...as(admin))).status).to.equal(404);
  });

  it('when a policy is malformed, names unknown codes or puts agency settings on a category, then it is 400 with every problem and nothing is stored', async () => {
    const before = await SlaPolicyModel.countDocuments();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ name: 'x', match: {}, resolution: { workingDays: 0 } }, ['resolution.workingDays']],
      [{ name: 'x', match: { category: 'SCHOOL_SERVICES' }, resolution: { workingDays: 2, workingHours: 3 } }, ['resolution']],
      [{ name: 'x', match: { agency: 'NOPE', category: 'NOT_A_CATEGORY' }, resolution: { workingDays: 2 } }, ['match.agency', 'match.category']],
      [{ name: 'x', match: { category: 'SCHOOL_SERVICES' }, calendar: 'AE' }, ['calendar']],
      [{ name: 'x', match: { agency: 'EDUCATION' }, calendar: 'ZZ' }, ['calendar']],
      [{ name: 'x', match: { agency: 'EDUCATION' } }, ['']],
    ];
    for (const [body, fields] of cases) {
      const res = await request(app).post('/api/v1/admin/sla-policies').set(...as(admin)).send(body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      expect((res.body.error.details as { field: string }[]).map((d) => d.field), JSON.stringify(res.body)).to.include.members(fields);
    }
    expect(await SlaPolicyModel.countDocuments()).to.equal(before);
  });

  it('when anyone but an admin manages policies, then it is 403 (401 without a token)', async () => {
    expect((await request(app).get('/api/v1/admin/sla-policies').set(...as(supervisor))).status).to.equal(403);
    expect((await request(app).post('/api/v1/admin/sla-policies').set(...as(officer)).send({ name: 'x', match: {}, resolution: { workingDays: 1 } })).status).to.equal(403);
    expect((await request(app).get('/api/v1/admin/sla-policies')).status).to.equal(401);
  });

  it('when an admin changes the profile-wide resolution target, then the home page, the confirmation page and the receipt all promise the new figure', async () => {
    clock.set('2026-11-22T04:00:00Z'); // Sunday 07:00 in Bahrain
    const browser = request.agent(app);
    const homeBefore = await browser.get('/').set('Accept-Language', 'en');
    expect(homeBefore.status).to.equal(200);
    expect(homeBefore.text).to.contain('answers within 14 working days'); // the national default
    await createPolicy({ name: 'Every case: 9 working days (test)', match: {}, resolution: { workingDays: 9 } });

    const home = await browser.get('/').set('Accept-Language', 'en');
    expect(home.status).to.equal(200);
    expect(home.text).to.contain('answers within 9 working days');
    const form = await browser.get('/cases/new').set('Accept-Language', 'en');
    const email = `nine-days-${Date.now()}@example.bh`;
    const posted = await browser
      .post('/cases/new')
      .set('Accept-Language', 'en')
      .field('_csrf', csrfFrom(form.text))
      .field('type', 'complaint')
      .field('category', 'SCHOOL_SERVICES')
      .field('description', SCHOOL_CASE.description)
      .field('contact_name', 'Maryam')
      .field('contact_email', email);
    expect(posted.status, posted.text).to.equal(303);
    const confirmation = await browser.get('/cases/filed').set('Accept-Language', 'en');
    expect(confirmation.status).to.equal(200);
    expect(confirmation.text).to.contain('an answer within 9 working days');

    const receipt = await OutboxMessageModel.findOne({ to: email, template: 'case-receipt' }).lean();
    expect((receipt!.data as CaseReceiptData).expectedDays).to.equal(9);
    expect((await renderEmail('case-receipt', 'en', receipt!.data as CaseReceiptData)).text).to.contain('within 9 working days');
    // A case no rule routes (in triage) is promised the same.
    const triage = await request(app).post('/api/v1/cases').send(caseBody({ category: undefined, area: undefined, description: 'Something is wrong but I do not know who handles it.' }));
    expect([triage.status, triage.body.status], JSON.stringify(triage.body)).to.deep.equal([201, 'triage']);
    const triageReceipt = await OutboxMessageModel.findOne({ template: 'case-receipt', 'subject.id': (await load(triage.body.reference as string))._id.toHexString() }).lean();
    expect((triageReceipt!.data as CaseReceiptData).expectedDays).to.equal(9);
  });

  it('when a category policy in hours and an agency calendar apply, then a new case gets them and the preview says the same', async () => {
    await createPolicy({ name: 'Education follows the UAE week (test)', match: { agency: 'EDUCATION' }, calendar: 'AE' });
    await createPolicy({ name: 'School services: 10 working hours', match: { category: 'SCHOOL_SERVICES' }, resolution: { workingHours: 10 } });
    clock.set('2026-11-20T08:00:00Z'); // Friday 12:00 in Dubai: the UAE's Friday ends at 12:00
    const filed = await request(app).post('/api/v1/cases').send(caseBody(SCHOOL_CASE));
    // AE: Fri ends 12:00 (no time left), Sat–Sun weekend, Mon 07:30–15:30 (8 h), Tue 07:30 + 2 h = 09:30 +04.
    expect(filed.body.dueAt).to.equal('2026-11-24T05:30:00.000Z');
    const stored = await load(filed.body.reference as string);
    expect(stored.sla).to.deep.include({ calendar: 'AE' });
    expect(stored.sla!.policyIds).to.have.length(2);
    const preview = await request(app).get('/api/v1/sla/preview').query({ category: 'SCHOOL_SERVICES', from: '2026-11-20T12:00:00+04:00' }).set(...as(officer));
    expect(preview.body).to.deep.include({ calendar: 'AE', resolutionDueAt: '2026-11-24T09:30:00+04:00' });
  });

  it('when a case is transferred to an agency whose policy restarts the clock, then it restarts, and otherwise it is kept; the history says which', async () => {
    clock.set('2026-11-22T04:00:00Z');
    const first = await request(app).post('/api/v1/cases').send(caseBody(SCHOOL_CASE));
    clock.set('2026-11-23T04:00:00Z'); // Monday 07:00
    await request(app).patch(`/api/v1/cases/${first.body.reference}`).set(...as(officer)).send({ action: 'transfer', agency: 'HEALTH', reason: 'A school clinic matter.' });
    let c = await load(first.body.reference as string);
    expect(c.sla!.startedAt.toISOString()).to.equal('2026-11-22T04:00:00.000Z');
    expect((c.history.at(-1)!.data as { clock: string }).clock).to.equal('kept');

    await createPolicy({ name: 'Health restarts transferred cases (test)', match: { agency: 'HEALTH' }, restartOnTransfer: true });
    clock.set('2026-11-22T04:00:00Z');
    const second = await request(app).post('/api/v1/cases').send(caseBody(SCHOOL_CASE));
    clock.set('2026-11-23T04:00:00Z');
    await request(app).patch(`/api/v1/cases/${second.body.reference}`).set(...as(officer)).send({ action: 'transfer', agency: 'HEALTH', reason: 'A school clinic matter.' });
    c = await load(second.body.reference as string);
    expect(c.sla!.startedAt.toISOString()).to.equal('2026-11-23T04:00:00.000Z');
    expect(c.dueAt!.toISOString()).to.equal('2026-12-13T11:00:00.000Z'); // Mon 23 not counted: Tue 24 (1st) … Sun 13 Dec (14th)
    expect((c.history.at(-1)!.data as { clock: string }).clock).to.equal('restarted');
  });

  it('when a supervisor raises the priority, then the deadline follows the urgent policy from the same start; an officer may not', async () => {
    await createPolicy({ name: 'Urgent education cases (test)', match: { agency: 'EDUCATION', priority: 'urgent' }, resolution: { workingDays: 1 } });
    clock.set('2026-11-22T04:00:00Z');
    const filed = await request(app).post('/api/v1/cases').send(caseBody(SCHOOL_CASE));
    expect(filed.body.dueAt).to.equal('2026-12-10T11:00:00.000Z');
    expect((await request(app).patch(`/api/v1/cases/${filed.body.reference}`).set(...as(officer)).send({ priority: 'urgent' })).status).to.equal(403);
    clock.set('2026-11-22T06:00:00Z');
    const raised = await request(app).patch(`/api/v1/cases/${filed.body.reference}`).set(...as(supervisor)).send({ priority: 'urgent' });
    expect(raised.status, JSON.stringify(raised.body)).to.equal(200);
    const c = await load(filed.body.reference as string);
    expect(c.priority).to.equal('urgent');
    expect(c.dueAt!.toISOString()).to.equal('2026-11-23T11:00:00.000Z'); // one working day after Sunday's start
    expect(c.history.at(-1)).to.deep.include({ event: 'priority_changed', from: 'normal', to: 'urgent', visibility: 'internal' });
    expect((await request(app).patch(`/api/v1/cases/${filed.body.reference}`).set(...as(supervisor)).send({ priority: 'urgent' })).status).to.equal(400);
  });

  it('when a citizen sends a priority, then it is ignored; the contact centre may set one', async () => {
    const agent = await makeUser('agent', undefined, undefined, { clock });
    clock.set('2026-11-22T04:00:00Z');
    const byCitizen = await request(app).post('/api/v1/cases').send(caseBody({ ...SCHOOL_CASE, priority: 'urgent' }));
    expect((await load(byCitizen.body.reference as string)).priority).to.equal('normal');
    const byAgent = await request(app).post('/api/v1/cases').set(...as(agent)).send(caseBody({ ...SCHOOL_CASE, priority: 'high' }));
    expect(byAgent.status, JSON.stringify(byAgent.body)).to.equal(201);
    expect((await load(byAgent.body.reference as string)).priority).to.equal('high');
  });

  it('when an admin adds a holiday inside open cases\' spans, then their deadlines move a working day, the history says why, and answered cases keep theirs', async () => {
    const original = await request(app).get('/api/v1/admin/calendars/BH').set(...as(admin));
    clock.set('2026-11-22T04:00:00Z');
    const open = await request(app).post('/api/v1/cases').send(caseBody(SCHOOL_CASE));
    const answered = await request(app).post('/api/v1/cases').send(caseBody(SCHOOL_CASE));
    await request(app).patch(`/api/v1/cases/${answered.body.reference}`).set(...as(officer)).send({ action: 'resolve', note: 'The bus route is restored.' });
    expect(open.body.dueAt).to.equal('2026-12-10T11:00:00.000Z');
    const revisionBefore = (await CalendarModel.findOne({ code: 'BH' }).lean())!.revision;
    try {
      clock.set('2026-11-23T06:00:00Z');
      const body = { ...original.body, holidays: [...(original.body.holidays as unknown[]), { date: '2026-11-25', name_ar: 'عطلة طارئة', name_en: 'Emergency holiday' }] };
      const res = await request(app).put('/api/v1/admin/calendars/BH').set(...as(admin)).send(body);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.revision).to.equal(revisionBefore + 1);
      expect(res.body.recomputedCases).to.be.at.least(1);
      const moved = await load(open.body.reference as string);
      expect(moved.dueAt!.toISOString()).to.equal('2026-12-13T11:00:00.000Z'); // Thu 10 → next working day, Sun 13 Dec
      expect(moved.history.at(-1)).to.deep.include({ event: 'sla_changed', visibility: 'public' });
      expect(moved.history.at(-1)!.data).to.deep.include({ reason: 'calendar_changed', calendar: 'BH' });
      const kept = await load(answered.body.reference as string);
      expect(kept.dueAt!.toISOString()).to.equal('2026-12-10T11:00:00.000Z');
      expect(kept.history.map((h) => h.event)).not.to.include('sla_changed');
      const citizen = await request(app).get(`/api/v1/cases/${open.body.reference}`).set('X-Tracking-Token', open.body.trackingToken);
      expect(citizen.body.dueAt).to.equal('2026-12-13T11:00:00.000Z');
    } finally {
      const restored = await request(app).put('/api/v1/admin/calendars/BH').set(...as(admin)).send(original.body);
      expect(restored.status).to.equal(200);
    }
    expect((await load(open.body.reference as string)).dueAt!.toISOString()).to.equal('2026-12-10T11:00:00.000Z');
  });

  it('when a calendar change was stored but its recompute was cut short, then the sweep loop finishes it once and then skips the calendar', async () => {
    clock.set('2026-11-22T04:00:00Z');
    const filed = await request(app).post('/api/v1/cases').send(caseBody(SCHOOL_CASE));
    const before = await load(filed.body.reference as string);
    // As if an instance stored a new revision and died before recomputing.
    await CalendarModel.updateOne({ code: 'BH' }, { $inc: { revision: 1 } });
    const revision = (await CalendarModel.findOne({ code: 'BH' }).lean())!.revision;
    await recomputeStaleClocks(clock.now());
    const after = await load(filed.body.reference as string);
    expect(after.sla!.calendarRevision).to.equal(revision);
    expect(after.dueAt).to.deep.equal(before.dueAt); // same calendar content: the deadline stays, no history entry
    expect(after.history.length).to.equal(before.history.length);
    expect((await CalendarModel.findOne({ code: 'BH' }).lean())!.recomputedRevision).to.equal(revision);
    expect(await recomputeStaleClocks(clock.now())).to.equal(0);
  });
});
