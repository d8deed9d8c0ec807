/**
 * Recurring issues, black-box on a real database with a manual clock: differently worded complaints
 * about one sewage overflow in one area, mixed with unrelated ones, make one issue; three about a
 * different problem elsewhere make a second; nothing mixes areas or categories; the rebuild agrees;
 * supervisors are told; the review moves through its statuses; a similar case after the fix makes
 * the issue recur; similar open cases are offered before filing, without another citizen's words.
 *
 * Each test starts from an empty set of cases and issues (beforeEach) and builds what it needs with
 * the helpers below, on a clock that starts at the same instant every time: no test leans on another.
 */
import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/case.model.js';
import { OutboxMessageModel } from '../../src/notifications/index.js';
import { detectRecurrences, rebuildAndCompare, resolveQuietIssues } from '../../src/recurring/detection.service.js';
import { RecurrenceItemModel, RecurrenceLogModel, RecurrenceQueueModel, RecurringIssueModel } from '../../src/recurring/recurring.model.js';
import { RecurrenceRuleModel } from '../../src/recurring/recurring.model.js';
import { ClaimModel } from '../../src/shared/claims.js';
import { ManualClock } from '../../src/shared/clock.js';
import { JobModel } from '../../src/shared/jobs.js';
import { clearReadCaches } from '../../src/shared/read-cache.js';
import { lt, oneOf } from '../../src/shared/db/operators.js';
import { requeueMissed } from '../../src/recurring/queue.js';
import { runRecurrenceTurn } from '../../src/recurring/schedule.js';
import { capturingLogger, makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { authAt, makeUser, tokenAt, type TestUser } from '../support/staff.js';
import { OVERFLOW, SMELL } from '../support/recurring-texts.js';
import { browserWith, csrfFrom } from '../support/pages.js';

const options = { profile: 'bh', publicUrl: 'http://tawasul.test', batch: 500 };

describe('recurring issues: detection and review', function () {
  this.timeout(60_000);
  const START = Date.parse('2027-03-01T06:00:00Z');
  const DAY = 86_400_000;
  const clock = new ManualClock(new Date(START));
  const app = makeApp({ clock });
  let works: TestUser;
  let otherSupervisor: TestUser;
  let manager: TestUser;
  let officer: TestUser;
  let citizen: TestUser;
  const as = (u: TestUser): [string, string] => authAt(u, clock);
  let filings = 0;
  /** Files a case on `day` of the scenario, each a minute after the test's previous filing (arrival order is filing order). */
  const file = async (day: number, description: string, area: string, category = 'SEWAGE') => {
    clock.set(new Date(START + day * DAY + filings++ * 60_000));
    const res = await request(app).post('/api/v1/cases').send(caseBody({ category, area, title: '', description }));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body as { reference: string };
  };
  const patchIssue = (id: string, body: Record<string, unknown>, u: TestUser = works) => request(app).patch(`/api/v1/recurring-issues/${id}`).set(...as(u)).send(body);

  /**
   * Five overflow complaints in Sitra among unrelated ones, the same words in Hidd, and three
   * complaints about a smell in Arad: 15 cases, from day 0 to day 8.
   */
  const fileTwoProblems = async (): Promise<{ sitra: string[]; arad: string[] }> => {
    const unrelated: [string, string, string][] = [
      ['انقطاع الكهرباء عن الحي منذ الصباح والجو حار', 'SITRA', 'POWER_OUTAGE'],
      ['تسرب من عداد المياه أمام المنزل منذ أسبوع', 'MANAMA', 'WATER_SUPPLY'],
      ['أعمدة الإنارة مطفأة في شارع المدرسة', 'HIDD', 'STREET_LIGHTING'],
      ['كلاب ضالة تهاجم الأطفال قرب الحديقة', 'SITRA', 'STRAY_ANIMALS'],
      ['The school bus did not come this week', 'RIFFA', 'SCHOOL_SERVICES'],
    ];
    const sitra: string[] = [];
    const arad: string[] = [];
    for (let i = 0; i < 5; i++) {
      sitra.push((await file(i, OVERFLOW[i]!, 'SITRA')).reference);
      await file(i, ...unrelated[i]!);
    }
    await file(2, 'حفرة كبيرة في الشارع الرئيسي قرب المسجد تسبب حوادث', 'SITRA', 'ROAD_DAMAGE');
    await file(3, OVERFLOW[1]!, 'HIDD'); // the same words in another area: not the same problem
    for (let i = 0; i < 3; i++) arad.push((await file(6 + i, SMELL[i]!, 'ARAD')).reference);
    return { sitra, arad };
  };

  /** The two problems, detected: a flagged issue in Sitra (`issueId`) and one in Arad. */
  const twoIssues = async (): Promise<{ sitra: string[]; arad: string[]; issueId: string }> => {
    const filed = await fileTwoProblems();
    expect((await detectRecurrences(clock.now(), options)).flagged).to.equal(2);
    return { ...filed, issueId: (await RecurringIssueModel.findOne({ area: 'SITRA' }).lean())!._id.toHexString() };
  };

  /** A review that plans a fix and starts monitoring it. */
  const planAndMonitor = async (id: string, rootCause: string, correctiveAction: string) => {
    for (const body of [{ action: 'start_review' }, { action: 'plan_action', plan: { rootCause, correctiveAction, ownerAgency: 'WORKS', targetDate: '2027-04-01' } }, { action: 'start_monitoring' }]) {
      const res = await patchIssue(id, body);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    }
  };

  /** The Sitra issue monitored after a planned fix, and recurred by a sixth overflow complaint on day 12. */
  const recurredIssue = async () => {
    const issues = await twoIssues();
    await planAndMonitor(issues.issueId, 'A collapsed sewer line', 'Replace 40 m of the line');
    issues.sitra.push((await file(12, OVERFLOW[0]!, 'SITRA')).reference);
    await detectRecurrences(clock.now(), options);
    expect((await RecurringIssueModel.findById(issues.issueId).lean())!.status).to.equal('recurred');
    return issues;
  };

  before(async () => {
    [works, otherSupervisor, manager, officer, citizen] = await Promise.all([makeUser('supervisor', 'WORKS', undefined, { clock }), makeUser('supervisor', 'EWA', undefined, { clock }), makeUser('manager', undefined, undefined, { clock }), makeUser('officer', 'WORKS', undefined, { clock }), makeUser('citizen', undefined, undefined, { clock })]);
  });

  beforeEach(async () => {
    // No cases, issues, detection state, rules, mails or job leases from another test.
    await CaseModel.deleteMany({});
    await RecurrenceQueueModel.deleteMany({});
    await RecurrenceItemModel.deleteMany({});
    await RecurrenceLogModel.deleteMany({});
    await RecurringIssueModel.deleteMany({});
    await RecurrenceRuleModel.deleteMany({});
    await OutboxMessageModel.deleteMany({});
    await JobModel.deleteMany({});
    await ClaimModel.deleteMany({});
    clearReadCaches();
    clock.set(new Date(START));
    filings = 0;
  });

  it('when five overflow complaints in one area arrive among unrelated ones, and three about another problem elsewhere, then there are exactly two issues, each one place and one category', async () => {
    const { sitra, arad } = await fileTwoProblems();
    const result = await detectRecurrences(clock.now(), options);
    expect(result.processed).to.equal(15);
    expect(result.flagged).to.equal(2);

    const list = await request(app).get('/api/v1/recurring-issues').set(...as(manager));
    expect(list.status).to.equal(200);
    const items = list.body.items as { id: string; category: string; area: string; cases: string[]; caseCount: number; citizenCount: number; status: string; keyTerms: string[] }[];
    expect(items).to.have.length(2);
    const one = items.find((i) => i.area === 'SITRA')!;
    const two = items.find((i) => i.area === 'ARAD')!;
    expect(one).to.deep.include({ category: 'SEWAGE', status: 'flagged', caseCount: 5, citizenCount: 5 });
    expect(one.cases).to.have.members(sitra);
    expect(two).to.deep.include({ category: 'SEWAGE', status: 'flagged', caseCount: 3 });
    expect(two.cases).to.have.members(arad);
    expect(one.keyTerms.join(' ')).to.contain('مجار');
  });

  it('when the groups are rebuilt from scratch, then they agree with the incremental result', async () => {
    await twoIssues();
    const report = await rebuildAndCompare('bh');
    expect(report.agree, JSON.stringify(report)).to.equal(true);
    expect(report.rebuiltGroups).to.be.at.least(2);
  });

  it('when an issue is flagged, then the agency\'s supervisors are told once, in their language', async () => {
    await twoIssues();
    const mails = await OutboxMessageModel.find({ template: 'recurring-issue', to: works.user.email }).lean();
    expect(mails).to.have.length(2);
    expect(mails.every((m) => m.language === 'en' && (m.data as { event: string }).event === 'flagged')).to.equal(true);
    await detectRecurrences(clock.now(), options); // nothing new
    expect(await OutboxMessageModel.countDocuments({ template: 'recurring-issue', to: works.user.email })).to.equal(2);
  });

  it('when a reviewer opens an issue, then it carries the explanation and the review record; others are kept out', async () => {
    const { issueId } = await twoIssues();
    const res = await request(app).get(`/api/v1/recurring-issues/${issueId}`).set(...as(works));
    expect(res.status).to.equal(200);
    expect(res.body.explanation).to.include.keys('keyTerms', 'place', 'span', 'scores', 'rule');
    expect(res.body.explanation.place.area).to.equal('SITRA');
    expect(res.body.explanation.scores.length).to.be.greaterThan(0);
    expect(res.body.actions).to.have.members(['start_review', 'dismiss']);
    expect((await request(app).get(`/api/v1/recurring-issues/${issueId}`).set(...as(otherSupervisor))).status).to.equal(404);
    expect((await request(app).get('/api/v1/recurring-issues').set(...as(otherSupervisor))).body.items).to.deep.equal([]);
    expect((await request(app).get('/api/v1/recurring-issues').set(...as(officer))).status).to.equal(403);
    expect((await request(app).get('/api/v1/recurring-issues')).status).to.equal(401);
  });

  it('when the review plans a fix and monitors it, and a similar case arrives, then the issue recurs and the owner is told', async () => {
    const { sitra, issueId } = await twoIssues();
    const patch = (body: Record<string, unknown>, u: TestUser = works) => patchIssue(issueId, body, u);
    expect((await patch({ action: 'start_monitoring' })).status).to.equal(409);
    expect((await patch({ action: 'start_review' })).body.status).to.equal('under_review');
    const incomplete = await patch({ action: 'plan_action', plan: { rootCause: 'A collapsed sewer line' } });
    expect(incomplete.status).to.equal(400);
    expect((incomplete.body.error.details as { field: string }[]).map((d) => d.field)).to.include.members(['plan.correctiveAction', 'plan.ownerAgency', 'plan.targetDate']);
    const planned = await patch({ action: 'plan_action', plan: { rootCause: 'A collapsed sewer line', correctiveAction: 'Replace 40 m of the line', ownerAgency: 'WORKS', targetDate: '2027-04-01' } }, manager);
    expect(planned.status, JSON.stringify(planned.body)).to.equal(200);
    expect(planned.body.review.plan).to.deep.include({ ownerAgency: 'WORKS' });
    expect((await patch({ action: 'start_monitoring' })).body.status).to.equal('monitoring');
    expect((await patch({ action: 'resolve' })).status).to.equal(403); // the system resolves, after the period

    sitra.push((await file(12, OVERFLOW[0]!, 'SITRA')).reference);
    await detectRecurrences(clock.now(), options);
    const after = await request(app).get(`/api/v1/recurring-issues/${issueId}`).set(...as(works));
    expect(after.body).to.deep.include({ status: 'recurred', caseCount: 6 });
    const recurred = await OutboxMessageModel.find({ template: 'recurring-issue', to: works.user.email, 'data.event': 'recurred' }).lean();
    expect(recurred).to.have.length(1);
    expect((await request(app).patch(`/api/v1/recurring-issues/${issueId}`).set(...as(works)).send({ action: 'dismiss' })).status).to.equal(400);
  });

  it('when an issue is monitored for 30 days with no similar case, then the system resolves it', async () => {
    await twoIssues();
    const two = (await request(app).get('/api/v1/recurring-issues?area=ARAD').set(...as(manager))).body.items[0] as { id: string };
    for (const action of ['start_review']) await request(app).patch(`/api/v1/recurring-issues/${two.id}`).set(...as(works)).send({ action });
    await request(app).patch(`/api/v1/recurring-issues/${two.id}`).set(...as(works)).send({ action: 'plan_action', plan: { rootCause: 'Pump filters', correctiveAction: 'Replace the filters', ownerAgency: 'WORKS', targetDate: '2027-04-01' } });
    await request(app).patch(`/api/v1/recurring-issues/${two.id}`).set(...as(works)).send({ action: 'start_monitoring' });
    expect(await resolveQuietIssues(new Date(clock.now().getTime() + 29 * 86_400_000), 'bh')).to.equal(0);
    expect(await resolveQuietIssues(new Date(clock.now().getTime() + 31 * 86_400_000), 'bh')).to.equal(1);
    expect((await request(app).get(`/api/v1/recurring-issues/${two.id}`).set(...as(manager))).body.status).to.equal('resolved');
  });

  it('when a citizen is about to file the same problem, then open look-alikes are offered without their words, and following one counts them', async () => {
    const { sitra, issueId } = await twoIssues();
    const res = await request(app).post('/api/v1/cases/similar').send({ type: 'complaint', category: 'SEWAGE', area: 'SITRA', description: 'المجاري طافحة في الشارع الرئيسي قرب المسجد من أيام' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const refs = (res.body.items as { reference: string }[]).map((i) => i.reference);
    expect(refs.length).to.be.within(1, 5);
    expect(sitra).to.include.members(refs); // only the overflow cases of Sitra: not the smell in Arad, not the same words in Hidd
    expect(JSON.stringify(res.body)).not.to.contain('المياه'); // no other citizen's text, only shared stems and references
    // Naming the place changes nothing: the place is compared apart, as in detection.
    const named = await request(app).post('/api/v1/cases/similar').send({ type: 'complaint', category: 'SEWAGE', area: 'SITRA', description: 'المجاري طافحة في الشارع الرئيسي قرب المسجد من أيام في سترة Sitra' });
    expect(named.body.items).to.deep.equal(res.body.items);
    const before = (await RecurringIssueModel.findById(issueId).lean())!.citizenCount;
    const follow = await request(app).post(`/api/v1/cases/${sitra[0]}/follow`).set(...as(citizen));
    expect(follow.status).to.equal(201);
    expect((await RecurringIssueModel.findById(issueId).lean())!.citizenCount).to.equal(before + 1);
    // A follower is told that the problem moved, in their language; a reply to the filer is the filer's alone.
    await request(app).patch(`/api/v1/cases/${sitra[0]}`).set(...as(officer)).send({ reply: { message: 'A team is on its way.', visibility: 'public' } });
    await request(app).patch(`/api/v1/cases/${sitra[0]}`).set(...as(officer)).send({ action: 'start' });
    expect(await OutboxMessageModel.countDocuments({ to: citizen.user.email, template: 'case-update' })).to.equal(0);
    const told = await OutboxMessageModel.find({ to: citizen.user.email, template: 'case-follower-update' }).lean();
    expect(told.map((m) => [m.language, (m.data as { event: string }).event])).to.deep.equal([['en', 'in_progress']]);
    expect((await request(app).post(`/api/v1/cases/${sitra[0]}/follow`)).status).to.equal(401);
    expect((await request(app).post('/api/v1/cases/similar').send({ type: 'complaint' })).status).to.equal(400);
  });

  it('when a citizen checks the form before filing, then look-alikes are listed with nothing stored, and a signed-in citizen follows one instead', async () => {
    const { sitra } = await twoIssues();
    const browser = browserWith(app, tokenAt(citizen, clock));
    const form = await browser.get('/cases/new').set('Accept-Language', 'en');
    expect(form.text).to.contain('data-testid="check-similar"');
    const token = csrfFrom(form.text);
    const before = await CaseModel.countDocuments();
    const checked = await browser
      .post('/cases/new')
      .set('Accept-Language', 'en')
      .field('_csrf', token)
      .field('intent', 'check')
      .field('type', 'complaint')
      .field('category', 'SEWAGE')
      .field('area', 'SITRA')
      .field('description', 'المجاري طافحة في الشارع الرئيسي قرب المسجد من أيام');
    expect(checked.status).to.equal(200);
    expect(checked.text).to.contain('data-testid="similar"').and.contain('Is this your problem?');
    expect(checked.text).to.contain('المجاري طافحة في الشارع الرئيسي قرب المسجد من أيام'); // the form keeps what was typed
    expect(await CaseModel.countDocuments()).to.equal(before);
    const listed = sitra.filter((r) => checked.text.includes(`data-testid="similar-${r}"`));
    expect(listed.length).to.be.greaterThan(0);
    const followed = await browser.post(`/cases/${listed[0]}/follow`).type('form').send({ _csrf: csrfFrom(checked.text) });
    expect(followed.status).to.equal(303);
    expect((await browser.get(followed.headers.location as string).set('Accept-Language', 'en')).text).to.contain('data-testid="followed"');
    expect((await CaseModel.findOne({ reference: listed[0] }).lean())!.followers!.map(String)).to.include(citizen.id);
    const guest = await request.agent(app).post(`/cases/${listed[0]}/follow`).type('form').send({});
    expect(guest.status).to.equal(401); // a guest cannot follow: sign in first (the page offers the link)
  });

  it('when the fix is done, then the supervisor links the open cases and resolves them with one public note that reaches every citizen', async () => {
    const { sitra, issueId } = await recurredIssue();
    // A citizen follows the first case, and the agency starts work on it: the follower is told.
    expect((await request(app).post(`/api/v1/cases/${sitra[0]}/follow`).set(...as(citizen))).status).to.equal(201);
    expect((await request(app).patch(`/api/v1/cases/${sitra[0]}`).set(...as(officer)).send({ action: 'start' })).status).to.equal(200);
    const outsider = await file(13, 'انقطاع الكهرباء في الحي', 'SITRA', 'POWER_OUTAGE');
    const bad = await request(app).put(`/api/v1/recurring-issues/${issueId}/linked-cases`).set(...as(works)).send({ cases: [sitra[0], outsider.reference] });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].message).to.contain(outsider.reference);
    const linked = await request(app).put(`/api/v1/recurring-issues/${issueId}/linked-cases`).set(...as(works)).send({ cases: sitra.slice(0, 3) });
    expect(linked.status, JSON.stringify(linked.body)).to.equal(200);
    expect(linked.body.linkedCases.map((c: { reference: string }) => c.reference)).to.have.members(sitra.slice(0, 3));
    expect((await request(app).post(`/api/v1/recurring-issues/${issueId}/resolve-linked`).set(...as(otherSupervisor)).send({ note: 'x y' })).status).to.equal(404);
    expect((await request(app).post(`/api/v1/recurring-issues/${issueId}/resolve-linked`).set(...as(manager)).send({ note: 'x y' })).status).to.equal(403);
    const note = 'تم استبدال خط الصرف في الشارع الرئيسي. شكراً لبلاغكم.';
    const done = await request(app).post(`/api/v1/recurring-issues/${issueId}/resolve-linked`).set(...as(works)).send({ note });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body.resolved).to.have.members(sitra.slice(0, 3));
    for (const ref of sitra.slice(0, 3)) {
      const c = (await CaseModel.findOne({ reference: ref }).lean())!;
      expect(c.status).to.equal('resolved');
      expect(c.history.at(-1)).to.deep.include({ note, visibility: 'public' });
      expect(await OutboxMessageModel.countDocuments({ template: 'case-update', 'subject.id': c._id.toHexString(), 'data.message': note })).to.equal(1); // its filer
      const followers = (c.followers ?? []).length;
      expect(await OutboxMessageModel.countDocuments({ template: 'case-follower-update', 'subject.id': c._id.toHexString(), 'data.event': 'resolved', 'data.noteForEveryone': note })).to.equal(followers);
    }
    // The follower of the first case: work started, then the note written for everyone affected; never a case-update.
    const toFollower = await OutboxMessageModel.find({ to: citizen.user.email, 'subject.id': (await CaseModel.findOne({ reference: sitra[0] }).lean())!._id.toHexString() }).sort({ createdAt: 1, _id: 1 }).lean();
    expect(toFollower.map((m) => [m.template, (m.data as { event: string }).event])).to.deep.equal([['case-follower-update', 'in_progress'], ['case-follower-update', 'resolved']]);
    expect((toFollower[1]!.data as { noteForEveryone: string }).noteForEveryone).to.equal(note);
    expect(await OutboxMessageModel.countDocuments({ to: citizen.user.email, template: 'case-update' })).to.equal(0);
  });

  it('when staff split cases out of an issue and merge them back, then the figures follow, the history says so, and the rebuild check leaves their groups out', async () => {
    const { issueId } = await recurredIssue();
    const before = (await RecurringIssueModel.findById(issueId).lean())!;
    const moving = before.references.slice(-3);
    expect((await request(app).post(`/api/v1/recurring-issues/${issueId}/split`).set(...as(works)).send({ cases: before.references })).status).to.equal(400);
    expect((await request(app).post(`/api/v1/recurring-issues/${issueId}/split`).set(...as(otherSupervisor)).send({ cases: moving })).status).to.equal(404);
    const split = await request(app).post(`/api/v1/recurring-issues/${issueId}/split`).set(...as(works)).send({ cases: moving });
    expect(split.status, JSON.stringify(split.body)).to.equal(201);
    expect(split.body).to.deep.include({ status: 'flagged', caseCount: 3, category: 'SEWAGE', area: 'SITRA' });
    expect(split.body.cases).to.have.members(moving);
    expect((await RecurringIssueModel.findById(issueId).lean())!.caseCount).to.equal(before.caseCount - 3);
    expect((await request(app).post(`/api/v1/recurring-issues/${issueId}/merge`).set(...as(works)).send({ from: issueId })).status).to.equal(400);
    const merged = await request(app).post(`/api/v1/recurring-issues/${issueId}/merge`).set(...as(manager)).send({ from: split.body.id });
    expect(merged.status, JSON.stringify(merged.body)).to.equal(200);
    expect(merged.body.caseCount).to.equal(before.caseCount);
    expect(merged.body.citizenCount).to.equal(before.citizenCount); // the follower still counts
    expect((await RecurringIssueModel.findById(split.body.id).lean())!.status).to.equal('dismissed');
    expect(merged.body.review.history.map((h: { event: string }) => h.event)).to.include.members(['split', 'merged']);
    expect((await rebuildAndCompare('bh')).agree).to.equal(true);
  });

  it('when a supervisor uses the review pages, then the queue, the issue with its weeks and explanation, and a CSRF-protected step work in both languages', async () => {
    const { issueId } = await recurredIssue();
    const browser = browserWith(app, tokenAt(works, clock));
    const queue = await browser.get('/work/recurring').set('Accept-Language', 'en');
    expect(queue.status).to.equal(200);
    expect(queue.text).to.contain(`data-testid="issue-${issueId}"`).and.contain('Recurred');
    const page = await browser.get(`/work/recurring/${issueId}`).set('Accept-Language', 'en');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('data-testid="per-week"').and.contain('after the action').and.contain('data-testid="key-terms"').and.contain('data-testid="plan"');
    expect(page.text).to.contain('data-testid="review-dismiss"');
    const arabic = await browser.get(`/work/recurring/${issueId}`).set('Accept-Language', 'ar');
    expect(arabic.text).to.contain('لماذا جُمعت هذه الطلبات').and.contain('dir="rtl"');
    expect((await browser.post(`/work/recurring/${issueId}/review`).type('form').send({ action: 'dismiss', reason: 'already_known' })).status).to.equal(403);
    const token = csrfFrom(page.text);
    const sent = await browser.post(`/work/recurring/${issueId}/review`).type('form').send({ _csrf: token, action: 'dismiss', reason: 'already_known', note: 'Handled by the network renewal project.' });
    expect(sent.status).to.equal(303);
    expect((await RecurringIssueModel.findById(issueId).lean())!.status).to.equal('dismissed');
    const officerBrowser = browserWith(app, tokenAt(officer, clock));
    expect((await officerBrowser.get('/work/recurring')).status).to.equal(403);
  });

  it('when an administrator gives a category its own rule, then it applies to cases detected from then on; others may not, and bad rules are refused', async () => {
    const admin = await makeUser('admin', undefined, undefined, { clock });
    expect((await request(app).put('/api/v1/admin/recurring-rules/FIRE_SAFETY').set(...as(works)).send({ flagCount: 2 })).status).to.equal(403);
    expect((await request(app).put('/api/v1/admin/recurring-rules/FIRE_SAFETY').set(...as(admin)).send({ flagCount: 1, similarity: 2 })).status).to.equal(400);
    expect((await request(app).put('/api/v1/admin/recurring-rules/NOPE').set(...as(admin)).send({ flagCount: 2 })).status).to.equal(400);
    const set = await request(app).put('/api/v1/admin/recurring-rules/FIRE_SAFETY').set(...as(admin)).send({ flagCount: 2, windowDays: 60 });
    expect(set.status, JSON.stringify(set.body)).to.equal(200);
    expect(set.body.rules).to.include({ flagCount: 2, windowDays: 60, similarity: 0.3 });
    try {
      const fire = 'طفاية الحريق في مبنى السوق منتهية الصلاحية ومخرج الطوارئ مغلق بالبضائع';
      await file(20, fire, 'MANAMA', 'FIRE_SAFETY');
      await file(21, 'طفايات الحريق في مبنى السوق منتهية ومخرج الطوارئ مسدود بالبضاعة', 'MANAMA', 'FIRE_SAFETY');
      await detectRecurrences(clock.now(), options);
      const issues = (await request(app).get('/api/v1/recurring-issues?category=FIRE_SAFETY').set(...as(manager))).body.items as { caseCount: number; status: string }[];
      expect(issues).to.have.length(1);
      expect(issues[0]).to.include({ caseCount: 2, status: 'flagged' });
      expect((await request(app).get('/api/v1/admin/recurring-rules').set(...as(admin))).body.categories.map((c: { category: string }) => c.category)).to.include('FIRE_SAFETY');
    } finally {
      expect((await request(app).put('/api/v1/admin/recurring-rules/FIRE_SAFETY').set(...as(admin)).send({})).status).to.equal(200);
    }
  });

  it('when a case waits in triage and staff route it with its category, then detection takes it from then on', async () => {
    const agent = await makeUser('agent', undefined, undefined, { clock });
    const first = await file(30, 'القمامة متراكمة أمام البيوت ولم تأت سيارة النظافة منذ أسبوع', 'GALALI', 'WASTE_COLLECTION');
    const second = await file(31, 'تراكم القمامة أمام المنازل وسيارة النظافة لم تمر منذ أسبوع', 'GALALI', 'WASTE_COLLECTION');
    clock.set(new Date(START + 32 * 86_400_000));
    const vague = await request(app).post('/api/v1/cases').send(caseBody({ category: undefined, area: 'GALALI', title: '', description: 'القمامة متراكمة أمام بيتنا وسيارة النظافة ما جات من أسبوع' }));
    expect(vague.body.routing?.method, JSON.stringify(vague.body)).to.equal('triage');
    expect((await detectRecurrences(clock.now(), options)).processed).to.equal(2); // the case in triage has no category yet
    expect(await RecurringIssueModel.findOne({ references: first.reference }).lean()).to.include({ status: 'forming', caseCount: 2 });

    clock.set(new Date(START + 33 * 86_400_000));
    const routed = await request(app).patch(`/api/v1/cases/${vague.body.reference}`).set(...as(agent)).send({ action: 'route', agency: 'MUHARRAQ', category: 'WASTE_COLLECTION' });
    expect(routed.status, JSON.stringify(routed.body)).to.equal(200);
    const result = await detectRecurrences(clock.now(), options);
    expect(result).to.include({ processed: 1, joined: 1, flagged: 1 });
    const issue = (await RecurringIssueModel.findOne({ references: first.reference }).lean())!;
    expect(issue.references).to.have.members([first.reference, second.reference, vague.body.reference]);
    expect(issue.status).to.equal('flagged');
    expect(issue.lastSeenAt.toISOString()).to.equal(clock.now().toISOString()); // it arrived when it was routed
    expect((await rebuildAndCompare('bh')).agree).to.equal(true);
  });

  it('when cases fall out of the longest window, then they leave the candidates but stay in the log, and the rebuild still agrees', async () => {
    // A month of history: the two problems (days 0–8) and three waste complaints in Galali (days 30–32).
    await twoIssues();
    for (const [day, text] of [
      [30, 'القمامة متراكمة أمام البيوت ولم تأت سيارة النظافة منذ أسبوع'],
      [31, 'تراكم القمامة أمام المنازل وسيارة النظافة لم تمر منذ أسبوع'],
      [32, 'القمامة متراكمة أمام بيتنا وسيارة النظافة ما جات من أسبوع'],
    ] as const) await file(day, text, 'GALALI', 'WASTE_COLLECTION');
    await detectRecurrences(clock.now(), options);
    const before = await RecurrenceLogModel.countDocuments({ profile: 'bh' });
    await file(80, 'انقطاع الكهرباء عن الحي منذ الصباح', 'SITRA', 'POWER_OUTAGE');
    expect((await detectRecurrences(clock.now(), options)).processed).to.equal(1);
    const cutoff = new Date(clock.now().getTime() - 32 * 86_400_000);
    expect(await RecurrenceItemModel.countDocuments({ profile: 'bh', createdAt: lt(cutoff) })).to.equal(0);
    expect(await RecurrenceItemModel.countDocuments({ profile: 'bh' })).to.equal(1);
    expect(await RecurrenceLogModel.countDocuments({ profile: 'bh' })).to.equal(before + 1);
    const issue = (await RecurringIssueModel.findOne({ area: 'GALALI' }).lean())!;
    expect(issue.caseCount).to.equal(3); // figures are kept when the cases leave the window
    const report = await rebuildAndCompare('bh');
    expect(report.agree, JSON.stringify(report)).to.equal(true);
    expect(report.cases).to.be.greaterThan(10);
  });

  it('when stored cases never reached the detection queue, then the requeue queues those routed in the last days once, arriving now, and detection takes them', async () => {
    const agent = await makeUser('agent', undefined, undefined, { clock });
    // Filed a week before the others, left in triage, routed by staff with them: routed recently.
    clock.set(new Date(START + 84 * 86_400_000));
    const late = await request(app).post('/api/v1/cases').send(caseBody({ category: undefined, area: 'HIDD', title: '', description: 'الحديقة العامة مهملة والألعاب خربانة' }));
    expect(late.body.routing?.method, JSON.stringify(late.body)).to.equal('triage');
    const old = await file(87, 'طفح المجاري في الشارع خلف السوق', 'HIDD', 'SEWAGE');
    const lost = await file(90, 'المجاري طافحة أمام المدرسة والرائحة قوية', 'HIDD', 'SEWAGE');
    const waiting = await file(90, 'انقطاع الماء عن البيت منذ الصباح', 'HIDD', 'WATER_SUPPLY');
    const vague = await request(app).post('/api/v1/cases').send(caseBody({ category: undefined, area: 'HIDD', title: '', description: 'الحديقة مهملة والزرع يابس' }));
    expect(vague.body.routing?.method, JSON.stringify(vague.body)).to.equal('triage');
    clock.set(new Date(START + 91 * 86_400_000));
    for (const reference of [late.body.reference, vague.body.reference]) {
      expect((await request(app).patch(`/api/v1/cases/${reference}`).set(...as(agent)).send({ action: 'route', agency: 'MUHARRAQ', category: 'PARKS_GREENERY' })).status).to.equal(200);
    }
    const ids = await CaseModel.find({ reference: oneOf([old.reference, lost.reference, vague.body.reference, late.body.reference]) }).lean();
    const idOf = (reference: string) => ids.find((c) => c.reference === reference)!._id;
    // As if each queue insert had failed, or the instance had stopped right after storing the case.
    await RecurrenceQueueModel.deleteMany({ _id: oneOf(ids.map((c) => c._id)) });
    expect(await RecurrenceQueueModel.countDocuments({ reference: waiting.reference })).to.equal(1);

    clock.set(new Date(clock.now().getTime() + 3_600_000));
    // Not the one still queued, not the one filed (and routed) four days ago; the one filed a week ago
    // and routed yesterday is.
    expect(await requeueMissed('bh', clock.now(), 2)).to.equal(3);
    // They arrive now, after the cases detection has taken already: arrival order stays routing order.
    for (const reference of [lost.reference, vague.body.reference, late.body.reference]) {
      expect((await RecurrenceQueueModel.findById(idOf(reference)).lean())!.createdAt.toISOString()).to.equal(clock.now().toISOString());
    }
    expect(await RecurrenceQueueModel.exists({ _id: idOf(old.reference) })).to.equal(null);
    expect(await requeueMissed('bh', clock.now(), 2)).to.equal(0); // queued already

    expect((await detectRecurrences(clock.now(), options)).processed).to.equal(4);
    expect(await requeueMissed('bh', clock.now(), 2)).to.equal(0); // seen by detection
    expect(await requeueMissed('bh', clock.now(), 5)).to.equal(1); // a longer look-back reaches the older one
    expect((await RecurrenceQueueModel.find({}).lean()).map((q) => q.reference)).to.deep.equal([old.reference]);
  });

  it('when the server takes its turn, then a case that missed the queue is detected, the log says so once, and the nightly check agrees', async () => {
    const missed = await file(95, 'انقطاع الكهرباء عن الفريج كله منذ الظهر', 'HIDD', 'POWER_OUTAGE');
    const id = (await CaseModel.findOne({ reference: missed.reference }).lean())!._id;
    await RecurrenceQueueModel.deleteOne({ _id: id });
    const { logger, lines } = capturingLogger('info');
    const turn = { profile: 'bh', publicUrl: options.publicUrl, instanceId: 'test-instance', logger, clock };
    await runRecurrenceTurn(clock.now(), turn);
    expect(await RecurrenceLogModel.exists({ _id: id })).not.to.equal(null);
    expect(await RecurrenceQueueModel.countDocuments({})).to.equal(0);
    const requeued = lines().filter((l) => String(l.msg).includes('queued again'));
    expect(requeued.map((l) => l.cases)).to.deep.equal([1]);
    expect(lines().filter((l) => String(l.msg).includes('the rebuild agrees')), JSON.stringify(lines())).to.have.length(1);
    // The next turn, minutes later: the hourly requeue and the nightly check are not due.
    await runRecurrenceTurn(new Date(clock.now().getTime() + 5 * 60_000), turn);
    expect(lines().filter((l) => String(l.msg).includes('queued again') || String(l.msg).includes('rebuild'))).to.have.length(2);
    expect(lines().filter((l) => l.level === 40 && String(l.msg).includes('failed'))).to.deep.equal([]);
  });

  it('when detection runs slowly, then a run takes no new case after half its lease and the next run goes on in order', async () => {
    const refs = [
      await file(96, 'انقطاع الكهرباء عن البيوت القريبة من المسجد', 'HIDD', 'POWER_OUTAGE'),
      await file(96, 'سقوط عمود إنارة في الشارع الرئيسي', 'HIDD', 'STREET_LIGHTING'),
      await file(96, 'حفرة كبيرة في الطريق عند الدوار', 'HIDD', 'ROAD_DAMAGE'),
    ];
    const waiting = async () => (await RecurrenceQueueModel.find({}).sort({ createdAt: 1, _id: 1 }).lean()).map((q) => q.reference);
    const order = await waiting(); // arrival order
    expect([...order].sort()).to.deep.equal(refs.map((r) => r.reference).sort());
    // Each look at the clock is two minutes later: half of the five-minute lease is spent after the first case.
    let calls = 0;
    const slow = { now: () => new Date(clock.now().getTime() + 2 * 60_000 * calls++) };
    const first = await detectRecurrences(clock.now(), { ...options, clock: slow });
    expect(first.processed).to.equal(1);
    expect(await waiting()).to.deep.equal(order.slice(1));
    calls = 0;
    expect((await detectRecurrences(clock.now(), { ...options, clock: slow })).processed).to.equal(1);
    expect(await waiting()).to.deep.equal(order.slice(2));
    expect((await detectRecurrences(clock.now(), options)).processed).to.equal(1); // at the usual pace
    expect(await waiting()).to.deep.equal([]);
    expect((await rebuildAndCompare('bh')).agree).to.equal(true);
  });
});
