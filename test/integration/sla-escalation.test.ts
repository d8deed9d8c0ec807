/**
 * The escalation sweep on real cases and a real database, with a manual clock (never a sleep):
 * at risk → officer and supervisors; breached → supervisors and the agency's head contact, and the
 * citizen sees it was escalated; still breached 5 working days later → managers. Each level once,
 * whoever runs the sweep. Times are Bahrain's (UTC+3, Sun–Thu 07:00–14:00).
 */
import { expect } from 'chai';
import request from 'supertest';
import { CaseModel, type CaseDoc } from '../../src/cases/case.model.js';
import { OutboxMessageModel } from '../../src/notifications/index.js';
import { ManualClock } from '../../src/shared/clock.js';
import { runSlaSweep } from '../../src/cases/index.js';
import { makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { authAt, makeUser, type TestUser } from '../support/staff.js';

const HOUSING_CASE = { category: 'HOUSING_SERVICES', area: undefined, description: 'My housing application has had no answer for months; nobody replies on the phone.' };
const sweepOptions = { profile: 'bh', publicUrl: 'http://tawasul.test', batch: 100_000 };

describe('SLA escalation sweep', () => {
  const clock = new ManualClock('2026-11-22T04:00:00Z'); // Sunday 07:00
  const app = makeApp({ clock });
  let admin: TestUser;
  let officer: TestUser;
  let supervisor: TestUser;
  let manager: TestUser;
  let policyId: string;
  const as = (u: TestUser): [string, string] => authAt(u, clock);
  const mailsFor = async (c: { _id: unknown }) => OutboxMessageModel.find({ template: 'sla-escalation', 'subject.id': String(c._id) }).lean();
  const load = async (reference: string): Promise<CaseDoc> => (await CaseModel.findOne({ reference }).lean<CaseDoc>())!;
  const sweepAt = async (iso: string) => {
    clock.set(iso);
    return runSlaSweep(clock.now(), sweepOptions);
  };
  /** Files a Housing case at Sunday 07:00 and has the officer start it: due Tuesday 14:00 (2 working days, from the policy). */
  const fileAndStart = async (): Promise<{ reference: string; trackingToken: string }> => {
    clock.set('2026-11-22T04:00:00Z');
    const filed = await request(app).post('/api/v1/cases').send(caseBody(HOUSING_CASE));
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
    expect(filed.body.dueAt).to.equal('2026-11-24T11:00:00.000Z');
    const started = await request(app).patch(`/api/v1/cases/${filed.body.reference}`).set(...as(officer)).send({ action: 'start' });
    expect(started.status).to.equal(200);
    return filed.body as { reference: string; trackingToken: string };
  };

  before(async () => {
    [admin, officer, supervisor, manager] = await Promise.all([makeUser('admin', undefined, undefined, { clock }), makeUser('officer', 'HOUSING', undefined, { clock }), makeUser('supervisor', 'HOUSING', undefined, { clock }), makeUser('manager', undefined, undefined, { clock })]);
    const res = await request(app)
      .post('/api/v1/admin/sla-policies')
      .set(...as(admin))
      .send({ name: 'Housing: short target for the test', match: { agency: 'HOUSING' }, resolution: { workingDays: 2 }, headContact: { name: 'Head of Housing', email: 'head@housing.example', language: 'ar' } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    policyId = res.body.id as string;
  });
  after(async () => {
    await request(app).delete(`/api/v1/admin/sla-policies/${policyId}`).set(...as(admin));
  });

  it('when a case goes at risk, breaches and stays late, then each level is told once, to the right people, and the citizen sees the escalation', async () => {
    const filed = await fileAndStart();
    let c = await load(filed.reference);
    expect(c.sla!.atRiskAt.toISOString()).to.equal('2026-11-24T05:45:00.000Z'); // 75 % of 21 working hours: Tuesday 08:45
    expect(c.sla!.nextCheckAt!.toISOString()).to.equal('2026-11-24T05:45:00.000Z');

    await sweepAt('2026-11-23T07:00:00Z'); // Monday 10:00: on track
    expect(await mailsFor(c)).to.have.length(0);

    await sweepAt('2026-11-24T06:00:00Z'); // Tuesday 09:00: at risk
    let mails = await mailsFor(c);
    expect(mails.map((m) => m.to)).to.have.members([officer.user.email, supervisor.user.email].concat(await otherSupervisorsOfHousing()));
    expect(mails.every((m) => (m.data as { level: string }).level === 'at_risk')).to.equal(true);
    c = await load(filed.reference);
    expect(c.sla!.level).to.equal(1);
    expect(c.history.at(-1)).to.deep.include({ event: 'escalated', to: 'at_risk', visibility: 'internal' });
    const citizenBefore = await request(app).get(`/api/v1/cases/${filed.reference}`).set('X-Tracking-Token', filed.trackingToken);
    expect(citizenBefore.status).to.equal(200);
    expect((citizenBefore.body.timeline as { event: string }[]).map((e) => e.event)).not.to.include('escalated');

    await sweepAt('2026-11-24T06:30:00Z'); // again: nothing new
    expect(await mailsFor(c)).to.have.length(mails.length);

    await sweepAt('2026-11-24T11:01:00Z'); // Tuesday 14:01: breached
    mails = await mailsFor(c);
    const breached = mails.filter((m) => (m.data as { level: string }).level === 'breached');
    expect(breached.map((m) => m.to)).to.include.members([supervisor.user.email, 'head@housing.example']);
    expect(breached.map((m) => m.to)).not.to.include(officer.user.email);
    expect(breached.find((m) => m.to === 'head@housing.example')!.language).to.equal('ar');
    expect(breached.find((m) => m.to === supervisor.user.email)!.language).to.equal('en');
    c = await load(filed.reference);
    expect(c).to.deep.include({ slaBreached: 1 });
    expect(c.sla!.level).to.equal(2);
    const citizenAfter = await request(app).get(`/api/v1/cases/${filed.reference}`).set('X-Tracking-Token', filed.trackingToken);
    expect(citizenAfter.body.escalated).to.equal(true);
    expect((citizenAfter.body.timeline as { event: string; to: string }[]).filter((e) => e.event === 'escalated').map((e) => e.to)).to.deep.equal(['breached']);

    await sweepAt('2026-12-01T10:59:00Z'); // Tuesday 1 Dec 13:59: not yet 5 working days late
    expect((await mailsFor(c)).filter((m) => (m.data as { level: string }).level === 'managers')).to.have.length(0);
    await sweepAt('2026-12-01T11:00:00Z'); // 14:00: five working days after the deadline
    const toManagers = (await mailsFor(c)).filter((m) => (m.data as { level: string }).level === 'managers');
    expect(toManagers.map((m) => m.to)).to.include(manager.user.email);
    expect(toManagers.map((m) => m.to)).not.to.include(supervisor.user.email);
    c = await load(filed.reference);
    expect(c.sla!.level).to.equal(3);
    expect(c.sla!.nextCheckAt ?? null).to.equal(null); // nothing more to do: the query no longer finds it

    const total = (await mailsFor(c)).length;
    await sweepAt('2026-12-10T11:00:00Z');
    expect(await mailsFor(c)).to.have.length(total);
  });

  it('when two sweeps run against the same database at once, or one after the other, then each recipient is told once', async () => {
    const filed = await fileAndStart();
    const c = await load(filed.reference);
    clock.set('2026-11-24T11:01:00Z');
    const [a, b] = await Promise.all([runSlaSweep(clock.now(), { ...sweepOptions, instanceId: 'a' }), runSlaSweep(clock.now(), { ...sweepOptions, instanceId: 'b' })]);
    await runSlaSweep(clock.now(), { ...sweepOptions, instanceId: 'c' });
    const mails = await mailsFor(c);
    expect(mails.length).to.be.greaterThan(0);
    expect(new Set(mails.map((m) => m.to)).size).to.equal(mails.length);
    expect(a.escalated + b.escalated).to.be.at.least(1);
    const stored = await load(filed.reference);
    expect(stored.history.filter((h) => h.event === 'escalated')).to.have.length(1);
    expect(stored.sla).not.to.have.property('lease'); // the claim decides who escalates: nothing is held on the case
  });

  it('when four sweeps run at once over twelve breached cases, then each case is escalated by exactly one of them, once', async () => {
    const filed = [];
    for (let i = 0; i < 12; i++) filed.push(await fileAndStart());
    clock.set('2026-11-24T11:01:00Z');
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((instanceId) => runSlaSweep(clock.now(), { ...sweepOptions, instanceId })));
    expect(results.reduce((n, r) => n + r.escalated, 0)).to.equal(12);
    for (const f of filed) {
      const stored = await load(f.reference);
      expect(stored.history.filter((h) => h.event === 'escalated').map((h) => h.to)).to.deep.equal(['breached']); // at risk is skipped once late
      expect(stored.sla!.escalations!.map((e) => e.level)).to.deep.equal([2]);
    }
  });

  it('when a case waits for the citizen, then it is not escalated while paused, and its schedule resumes with the deadline moved', async () => {
    const filed = await fileAndStart();
    await request(app).patch(`/api/v1/cases/${filed.reference}`).set(...as(officer)).send({ action: 'request_information' });
    let c = await load(filed.reference);
    expect(c.sla!.nextCheckAt ?? null).to.equal(null);
    await sweepAt('2026-11-25T11:01:00Z'); // Wednesday, long past the original deadline
    expect(await mailsFor(c)).to.have.length(0);
    // The citizen answers on Wednesday 14:01: all working time since Sunday 07:00 (4 × 7 h) was paused.
    const answer = await request(app).post(`/api/v1/cases/${filed.reference}/messages`).set('X-Tracking-Token', filed.trackingToken).send({ message: 'Here is my application number.' });
    expect(answer.status).to.equal(201);
    c = await load(filed.reference);
    expect(c.sla!.pausedWorkingMinutes).to.equal(1680);
    expect(c.dueAt!.toISOString()).to.equal('2026-11-30T11:00:00.000Z'); // Tuesday 14:00 + 28 working hours → Monday 30 Nov 14:00
    expect(c.sla!.nextCheckAt).to.be.instanceOf(Date);
    expect(c.sla!.nextCheckAt!.getTime()).to.be.greaterThan(clock.now().getTime());
  });

  it('when the sweep looks for work, then it reads an index on the stored schedule', async () => {
    const indexes = await CaseModel.collection.indexes();
    expect(indexes.map((i) => Object.keys(i.key).join(','))).to.include('sla.nextCheckAt');
  });

  it('when a case is answered late, then the times for reports and the breach are stored', async () => {
    const filed = await fileAndStart();
    clock.set('2026-11-23T05:00:00Z'); // Monday 08:00: the first public reply
    await request(app).patch(`/api/v1/cases/${filed.reference}`).set(...as(officer)).send({ reply: { message: 'We are looking into it.', visibility: 'public' } });
    clock.set('2026-11-25T05:00:00Z'); // Wednesday 08:00: resolved after the deadline
    const resolved = await request(app).patch(`/api/v1/cases/${filed.reference}`).set(...as(officer)).send({ action: 'resolve', note: 'Your application is approved.' });
    expect(resolved.status).to.equal(200);
    const c = await load(filed.reference);
    expect(c).to.deep.include({ firstResponseMinutes: 1500, firstResponseWorkingMinutes: 480, firstResponseBreached: 0, resolutionWorkingMinutes: 1320, slaBreached: 1 });
    expect(c.sla!.nextCheckAt ?? null).to.equal(null);
  });

  async function otherSupervisorsOfHousing(): Promise<string[]> {
    const { UserModel } = await import('../../src/users/user.model.js');
    const all = await UserModel.find({ role: 'supervisor', agency: 'HOUSING', disabledAt: null }).lean();
    return all.map((u) => u.email).filter((e) => e !== supervisor.user.email);
  }
});
