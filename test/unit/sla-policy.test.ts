import { expect } from 'chai';
import { loadSeedCalendar } from '../../src/sla/calendar.js';
import { levelAt, levelsToNotify, recomputeClock, resumeClock, scheduleFor, startClock, elapsed } from '../../src/sla/clock.js';
import { addTarget, checkPolicyShape, resolvePolicy as resolveOver, specificity, type PolicyMatch, type SlaPolicy } from '../../src/sla/policy.js';
import { slaDefaultsOf } from '../../src/sla/policy.service.js';
import { ValidationError } from '../../src/shared/errors.js';

const BH = loadSeedCalendar('BH'); // Sun–Thu 07:00–14:00 (+03:00), weekend Fri–Sat
const at = (iso: string): Date => new Date(iso);
// The Bahrain profile's defaults (profiles/bh/profile.json's sla).
const DEFAULTS = slaDefaultsOf('bh');
const resolvePolicy = (ps: readonly SlaPolicy[], c: PolicyMatch) => resolveOver(ps, c, DEFAULTS);

const policies: SlaPolicy[] = [
  { id: 'agency', name: 'EWA', match: { agency: 'EWA' }, resolution: { workingDays: 10 }, restartOnTransfer: true, headContact: { name: 'Head', email: 'head@ewa.example', language: 'ar' } },
  { id: 'category', name: 'Outages', match: { category: 'POWER_OUTAGE' }, resolution: { workingHours: 8 } },
  { id: 'category-type', name: 'Outage inquiries', match: { category: 'POWER_OUTAGE', type: 'inquiry' }, firstResponse: { workingHours: 2 } },
  { id: 'urgent', name: 'Urgent', match: { priority: 'urgent' }, resolution: { workingDays: 3 } },
  { id: 'agency-urgent', name: 'EWA urgent', match: { agency: 'EWA', priority: 'urgent' }, resolution: { workingDays: 2 } },
];

describe('SLA policies: the most specific wins', () => {
  it('when no policy matches, then the national default applies: 2 and 14 working days, managers after 5', () => {
    const p = resolvePolicy(policies, { agency: 'WORKS', category: 'ROADS', type: 'complaint', priority: 'normal' });
    expect(p).to.deep.include({ firstResponse: { workingDays: 2 }, resolution: { workingDays: 14 }, managersAfter: { workingDays: 5 }, calendar: null, restartOnTransfer: false, headContact: null });
    expect(p.policyIds).to.deep.equal([]);
  });

  it('when an agency and a category policy both match, then the category sets the target and the agency still gives its settings', () => {
    const p = resolvePolicy(policies, { agency: 'EWA', category: 'POWER_OUTAGE', type: 'complaint', priority: 'normal' });
    expect(p.resolution).to.deep.equal({ workingHours: 8 });
    expect(p.firstResponse).to.deep.equal(DEFAULTS.firstResponse);
    expect(p.restartOnTransfer).to.equal(true);
    expect(p.headContact?.email).to.equal('head@ewa.example');
    expect(p.policyIds).to.deep.equal(['category', 'agency']);
  });

  it('when category + type matches, then it beats the category alone for what it sets, and the category still fills the rest', () => {
    const p = resolvePolicy(policies, { agency: 'EWA', category: 'POWER_OUTAGE', type: 'inquiry', priority: 'normal' });
    expect(p.firstResponse).to.deep.equal({ workingHours: 2 });
    expect(p.resolution).to.deep.equal({ workingHours: 8 });
    expect(p.policyIds[0]).to.equal('category-type');
  });

  it('when agency + priority and priority alone match, then agency + priority wins', () => {
    expect(resolvePolicy(policies, { agency: 'EWA', category: 'WATER_SUPPLY', type: 'complaint', priority: 'urgent' }).resolution).to.deep.equal({ workingDays: 2 });
    expect(resolvePolicy(policies, { agency: 'WORKS', category: 'ROADS', type: 'complaint', priority: 'urgent' }).resolution).to.deep.equal({ workingDays: 3 });
  });

  it('when the weights are compared, then every combination has its own rank and a category outranks any mix without one', () => {
    const fields = ['category', 'agency', 'type', 'priority'] as const;
    const ranks = new Set<number>();
    for (let mask = 0; mask < 16; mask++) {
      const match = Object.fromEntries(fields.filter((_, i) => mask & (1 << i)).map((f) => [f, 'X']));
      ranks.add(specificity(match));
    }
    expect(ranks.size).to.equal(16);
    expect(specificity({ category: 'X' })).to.be.greaterThan(specificity({ agency: 'X', type: 'complaint', priority: 'urgent' }));
  });

  it('when agency-wide settings sit on a narrower policy, or a policy sets nothing, then it is refused with the reason', () => {
    const bad = () => checkPolicyShape({ name: 'x', match: { agency: 'EWA', category: 'POWER_OUTAGE' }, calendar: 'AE', restartOnTransfer: true });
    expect(bad).to.throw(ValidationError);
    try {
      bad();
    } catch (err) {
      expect((err as ValidationError).details?.map((d) => d.field)).to.deep.equal(['calendar', 'restartOnTransfer']);
    }
    expect(() => checkPolicyShape({ name: 'x', match: { category: 'ROADS' } })).to.throw(ValidationError);
    expect(() => checkPolicyShape({ name: 'x', match: { agency: 'EWA' }, calendar: 'AE' })).not.to.throw();
  });

  it('when a target is in days or in hours, then addTarget follows the working-day or the working-hour rule', () => {
    // Thursday 13:00: days skip the start day; hours count the hour left on Thursday, then Sunday.
    expect(addTarget(BH, at('2026-11-19T10:00:00Z'), { workingDays: 1 }).toISOString()).to.equal('2026-11-22T11:00:00.000Z');
    expect(addTarget(BH, at('2026-11-19T10:00:00Z'), { workingHours: 3 }).toISOString()).to.equal('2026-11-22T06:00:00.000Z');
  });
});

describe('SLA clock: escalation schedule', () => {
  // Sunday 22 Nov 07:00; 2 working days → Tue 24 Nov 14:00 (14 working hours from Mon 07:00).
  const start = at('2026-11-22T04:00:00Z');
  const targets = { firstResponse: { workingDays: 1 }, resolution: { workingDays: 2 }, managersAfter: { workingDays: 5 } };

  it('when a clock starts, then at risk is at 75 % of the working time, breached after the deadline, managers 5 working days later', () => {
    const c = startClock(BH, 3, targets, ['p1'], start);
    expect(c.dueAt.toISOString()).to.equal('2026-11-24T11:00:00.000Z');
    // Allowed: Sun + Mon + Tue = 21 working hours (the start day counts as working time, not as a day). 75 % = 945 minutes:
    // Sun 420 + Mon 420 + 105 on Tue → Tue 08:45.
    expect(c.sla.atRiskAt.toISOString()).to.equal('2026-11-24T05:45:00.000Z');
    expect(c.sla.managersAt.toISOString()).to.equal('2026-12-01T11:00:00.000Z'); // Wed 25 … Tue 1 Dec, 14:00
    expect(c.sla).to.deep.include({ level: 0, calendarRevision: 3, calendar: 'BH', pausedWorkingMinutes: 0 });
    expect(c.sla.nextCheckAt).to.deep.equal(c.sla.atRiskAt);
  });

  it('when the level is asked at each point, then it is 0, 1, 2 and 3 in order, breached strictly after the deadline', () => {
    const c = startClock(BH, 1, targets, [], start);
    expect(levelAt(c.sla, c.dueAt, at('2026-11-24T05:44:59Z'))).to.equal(0);
    expect(levelAt(c.sla, c.dueAt, at('2026-11-24T05:45:00Z'))).to.equal(1);
    expect(levelAt(c.sla, c.dueAt, c.dueAt)).to.equal(1);
    expect(levelAt(c.sla, c.dueAt, at('2026-11-24T11:00:01Z'))).to.equal(2);
    expect(levelAt(c.sla, c.dueAt, at('2026-12-01T11:00:00Z'))).to.equal(3);
  });

  it('when the next check is scheduled after each level, then it is at risk, just after the deadline, managers, then none', () => {
    const c = startClock(BH, 1, targets, [], start);
    const s = (level: 0 | 1 | 2 | 3) => scheduleFor(BH, start, c.dueAt, 0, targets.managersAfter, level).nextCheckAt?.toISOString() ?? null;
    expect([s(0), s(1), s(2), s(3)]).to.deep.equal(['2026-11-24T05:45:00.000Z', '2026-11-24T11:00:00.001Z', '2026-12-01T11:00:00.000Z', null]);
  });

  it('when a paused clock resumes, then the deadline and the at-risk point move by the paused working time', () => {
    const c = startClock(BH, 1, targets, [], start);
    // Paused Mon 07:00 → Tue 07:00: 420 working minutes.
    const resumed = resumeClock(BH, { ...c.sla, pausedAt: at('2026-11-23T04:00:00Z') }, c.dueAt, at('2026-11-24T04:00:00Z'));
    expect(resumed.dueAt.toISOString()).to.equal('2026-11-25T11:00:00.000Z');
    expect(resumed.sla.pausedWorkingMinutes).to.equal(420);
    expect(resumed.sla.atRiskAt.toISOString()).to.equal('2026-11-25T05:45:00.000Z');
  });

  it('when the calendar gains a holiday inside the span, then recomputing moves the deadline a working day and keeps the start and level', () => {
    const c = startClock(BH, 1, targets, [], start);
    const withHoliday = { ...BH, holidays: [...BH.holidays, { date: '2026-11-23', name_ar: 'عطلة', name_en: 'Holiday' }] };
    const fresh = recomputeClock(withHoliday, 2, { ...c.sla, level: 1 });
    expect(fresh.dueAt.toISOString()).to.equal('2026-11-25T11:00:00.000Z');
    expect(fresh.sla).to.deep.include({ calendarRevision: 2, level: 1 });
    expect(fresh.sla.startedAt).to.deep.equal(start);
    expect(fresh.sla.nextCheckAt?.toISOString()).to.equal('2026-11-25T11:00:00.001Z');
  });

  it('when the time of a clock is measured, then working minutes leave out the paused time', () => {
    expect(elapsed(BH, { startedAt: start, pausedWorkingMinutes: 60 }, at('2026-11-23T04:00:00Z'))).to.deep.equal({ minutes: 1440, workingMinutes: 360 });
  });

  it('when a sweep finds a case several levels on, then it notifies the skipped levels except "at risk" once breached', () => {
    expect(levelsToNotify(0, 1)).to.deep.equal([1]);
    expect(levelsToNotify(0, 2)).to.deep.equal([2]);
    expect(levelsToNotify(0, 3)).to.deep.equal([2, 3]);
    expect(levelsToNotify(1, 3)).to.deep.equal([2, 3]);
    expect(levelsToNotify(2, 2)).to.deep.equal([]);
  });
});
