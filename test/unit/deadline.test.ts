import { expect } from 'chai';
import fc from 'fast-check';
import { loadSeedCalendar, parseCalendar, type Calendar } from '../../src/sla/calendar.js';
import { testCalendar, testCalendars } from '../support/calendars.js';
import {
  addWorkingDays,
  addWorkingHours,
  extendByWorkingMinutes,
  slaState,
  toCalendarIso,
  workingMinutesBetween,
  type SlaStateName,
} from '../../src/sla/deadline.js';
import { ValidationError } from '../../src/shared/errors.js';

const BH = loadSeedCalendar('BH'); // Sun–Thu 07:00–14:00 (+03:00), weekend Fri–Sat
const AE = testCalendar('AE'); // Mon–Thu 07:30–15:30, Fri 07:30–12:00 (+04:00), weekend Sat–Sun
const SHJ = testCalendar('AE-SHJ'); // Mon–Thu 07:30–15:30 (+04:00), weekend Fri–Sun
/** For completeness: a zone with daylight saving (BST from Sun 2026-03-29 01:00 GMT). */
const LONDON: Calendar = {
  code: 'GB',
  timezone: 'Europe/London',
  weekend: ['Sat', 'Sun'],
  workingHours: { Mon: ['07:00', '15:00'], Tue: ['07:00', '15:00'], Wed: ['07:00', '15:00'], Thu: ['07:00', '15:00'], Fri: ['07:00', '15:00'] },
  holidays: [],
};

interface DaysRow {
  when: string;
  calendar: Calendar;
  start: string;
  n: number;
  due: string;
}

const dayRows: DaysRow[] = [
  // Thu 19 Nov not counted. Sun 22(1) Mon 23(2) Tue 24(3) Wed 25(4) Thu 26(5) Sun 29(6) Mon 30(7)
  // Tue 1 Dec(8) Wed 2(9) Thu 3(10) Sun 6(11) Mon 7(12) Tue 8(13) Wed 9(14). No holiday in between.
  { when: 'a BH case is filed on a Thursday afternoon after hours with the national 14 working days', calendar: BH, start: '2026-11-19T15:00:00+03:00', n: 14, due: '2026-12-09T14:00:00+03:00' },
  // Thu 19 not counted; Fri–Sat weekend; Sun 22(1) Mon 23(2).
  { when: 'a BH case is filed on a Thursday afternoon with 2 working days', calendar: BH, start: '2026-11-19T15:00:00+03:00', n: 2, due: '2026-11-23T14:00:00+03:00' },
  // Thursday morning: the start day never counts, even inside hours. Sun 22(1) Mon 23(2).
  { when: 'a BH case is filed on a Thursday morning inside hours with 2 working days', calendar: BH, start: '2026-11-19T08:00:00+03:00', n: 2, due: '2026-11-23T14:00:00+03:00' },
  // Fri 20 (weekend) not counted; Sat weekend; Sun 22(1) Mon 23(2).
  { when: 'a BH case is filed on a Friday with 2 working days', calendar: BH, start: '2026-11-20T10:00:00+03:00', n: 2, due: '2026-11-23T14:00:00+03:00' },
  // Fri 20 not counted … same 14 days as the Thursday filing: Wed 9 Dec.
  { when: 'a BH case is filed on a Friday with 14 working days', calendar: BH, start: '2026-11-20T10:00:00+03:00', n: 14, due: '2026-12-09T14:00:00+03:00' },
  // 23:30 Sat local is still Saturday in Bahrain (20:30Z): Sun 22(1).
  { when: 'a BH case is filed late on a Saturday night given in UTC', calendar: BH, start: '2026-11-21T20:30:00Z', n: 1, due: '2026-11-22T14:00:00+03:00' },
  // Start on Wed 16 Dec (National Day, a holiday): not counted, as any start day. Thu 17 holiday,
  // Fri–Sat weekend, Sun 20(1) Mon 21(2).
  { when: 'a BH case is filed on a holiday (National Day)', calendar: BH, start: '2026-12-16T09:00:00+03:00', n: 2, due: '2026-12-21T14:00:00+03:00' },
  // Start on Tue 16 Jun (Islamic New Year): not counted; Wed 17(1).
  { when: 'a BH case is filed on the Islamic New Year holiday with 1 working day', calendar: BH, start: '2026-06-16T10:00:00+03:00', n: 1, due: '2026-06-17T14:00:00+03:00' },
  // Tue 15 not counted; Wed 16–Thu 17 National Day; Fri–Sat; Sun 20(1) … Thu 24(5) Sun 27(6) … Thu 31(10);
  // Fri 1 Jan 2027 New Year on the weekend (no compensation day in the data); Sun 3(11) Mon 4(12) Tue 5(13) Wed 6(14).
  { when: 'a BH span crosses National Day and the year end', calendar: BH, start: '2026-12-15T10:00:00+03:00', n: 14, due: '2027-01-06T14:00:00+03:00' },
  // Mon 25 May not counted; Tue 26 Arafat, Wed 27–Thu 28 Eid al-Adha, Fri 29 Eid (also weekend), Sat;
  // Sun 31(1) Mon 1 Jun(2) Tue 2(3).
  { when: 'a BH span crosses Arafat Day and Eid al-Adha 2026', calendar: BH, start: '2026-05-25T10:00:00+03:00', n: 3, due: '2026-06-02T14:00:00+03:00' },
  // Mon 8 Mar not counted; Tue 9–Thu 11 Eid al-Fitr; Fri–Sat; Sun 14(1) … Thu 18(5) Sun 21(6) … Thu 25(10)
  // Sun 28(11) Mon 29(12) Tue 30(13) Wed 31(14).
  { when: 'a BH span crosses Eid al-Fitr 2027 with 14 working days', calendar: BH, start: '2027-03-08T09:00:00+03:00', n: 14, due: '2027-03-31T14:00:00+03:00' },
  // Labour Day Fri 1 May 2026 falls on the weekend and the data has no compensation day, so Sunday
  // 3 May works: Thu 30 Apr not counted; Fri–Sat; Sun 3(1).
  { when: 'a BH holiday falls on a weekend and no compensation day is in the data', calendar: BH, start: '2026-04-30T10:00:00+03:00', n: 1, due: '2026-05-03T14:00:00+03:00' },
  // Eid al-Fitr 2026 is Fri 20–Sun 22 Mar: only Sunday is lost. Thu 19 not counted; Fri–Sat; Sun 22 Eid; Mon 23(1).
  { when: 'a BH Eid runs over the weekend into Sunday', calendar: BH, start: '2026-03-19T10:00:00+03:00', n: 1, due: '2026-03-23T14:00:00+03:00' },
  // AE: Thu 19 not counted; Fri 20 is a (half) working day (1): it closes at 12:00.
  { when: 'an AE case is filed on a Thursday with 1 working day (Friday half day)', calendar: AE, start: '2026-11-19T10:00:00+04:00', n: 1, due: '2026-11-20T12:00:00+04:00' },
  // Thu 19 not counted; Fri 20(1); Sat–Sun weekend; Mon 23(2).
  { when: 'an AE case is filed on a Thursday with 2 working days (Sat–Sun weekend)', calendar: AE, start: '2026-11-19T10:00:00+04:00', n: 2, due: '2026-11-23T15:30:00+04:00' },
  // Sat 21 not counted; Sun weekend; Mon 23(1).
  { when: 'an AE case is filed on a Saturday with 1 working day', calendar: AE, start: '2026-11-21T10:00:00+04:00', n: 1, due: '2026-11-23T15:30:00+04:00' },
  // Sat 21 not counted; Sun; Mon 23(1) Tue 24(2).
  { when: 'an AE case is filed on a Saturday with 2 working days', calendar: AE, start: '2026-11-21T10:00:00+04:00', n: 2, due: '2026-11-24T15:30:00+04:00' },
  // Tue 17 Mar not counted; Wed 18 (29 Ramadan) and Thu 19 (30 Ramadan) holidays, Fri 20–Sun 22 Eid; Mon 23(1).
  { when: 'an AE span crosses the Eid al-Fitr holiday from 29 Ramadan', calendar: AE, start: '2026-03-17T10:00:00+04:00', n: 1, due: '2026-03-23T15:30:00+04:00' },
  // Mon 30 Nov not counted; Tue 1 Dec Commemoration Day, Wed 2–Thu 3 National Day; Fri 4(1), a half day.
  { when: 'an AE span crosses Commemoration Day and National Day', calendar: AE, start: '2026-11-30T10:00:00+04:00', n: 1, due: '2026-12-04T12:00:00+04:00' },
  // SHJ: Thu 19 not counted; Fri–Sat–Sun weekend; Mon 23(1).
  { when: 'an AE-SHJ case is filed on a Thursday with 1 working day', calendar: SHJ, start: '2026-11-19T10:00:00+04:00', n: 1, due: '2026-11-23T15:30:00+04:00' },
  // Fri 20 not counted; Sat, Sun; Mon 23(1) … Thu 26(4); Fri–Sun; Mon 30(5).
  { when: 'an AE-SHJ case is filed on a Friday with 5 working days', calendar: SHJ, start: '2026-11-20T10:00:00+04:00', n: 5, due: '2026-11-30T15:30:00+04:00' },
  // Sun 22 not counted (weekend); Mon 23(1).
  { when: 'an AE-SHJ case is filed on a Sunday with 1 working day', calendar: SHJ, start: '2026-11-22T10:00:00+04:00', n: 1, due: '2026-11-23T15:30:00+04:00' },
  // DST: Fri 27 Mar (GMT) not counted; Sat–Sun (clocks change Sun 29); Mon 30(1) closes 15:00 BST.
  { when: 'a London span crosses the start of summer time', calendar: LONDON, start: '2026-03-27T10:00:00+00:00', n: 1, due: '2026-03-30T15:00:00+01:00' },
  // DST end: Fri 23 Oct (BST) not counted; clocks go back Sun 25; Mon 26(1) closes 15:00 GMT.
  { when: 'a London span crosses the end of summer time', calendar: LONDON, start: '2026-10-23T10:00:00+01:00', n: 1, due: '2026-10-26T15:00:00+00:00' },
];

interface HoursRow {
  when: string;
  calendar: Calendar;
  start: string;
  hours: number;
  due: string;
}

const hourRows: HoursRow[] = [
  // Thu 13:00–14:00 = 1 h; Fri–Sat weekend; Sun 07:00 + 2 h.
  { when: 'a BH 3-hour target starts Thursday 13:00', calendar: BH, start: '2026-11-19T13:00:00+03:00', hours: 3, due: '2026-11-22T09:00:00+03:00' },
  // Thu 12:00–14:00 = exactly 2 h: it ends at closing time, not at Sunday's opening.
  { when: 'a BH 2-hour target runs out exactly at closing', calendar: BH, start: '2026-11-19T12:00:00+03:00', hours: 2, due: '2026-11-19T14:00:00+03:00' },
  // Starts at closing: nothing left that day; Sun 07:00 + 1 h.
  { when: 'a BH 1-hour target starts exactly at closing time', calendar: BH, start: '2026-11-19T14:00:00+03:00', hours: 1, due: '2026-11-22T08:00:00+03:00' },
  // Starts exactly at opening: 07:00 + 1 h.
  { when: 'a BH 1-hour target starts exactly at opening time', calendar: BH, start: '2026-11-22T07:00:00+03:00', hours: 1, due: '2026-11-22T08:00:00+03:00' },
  // Before opening: waits for 07:00; + 2 h.
  { when: 'a BH 2-hour target starts before opening', calendar: BH, start: '2026-11-22T05:00:00+03:00', hours: 2, due: '2026-11-22T09:00:00+03:00' },
  // Sun 10:00–14:00 = 4 h; Mon 07:00 + 4 h = 11:00.
  { when: 'a BH 8-hour target crosses into the next day', calendar: BH, start: '2026-11-22T10:00:00+03:00', hours: 8, due: '2026-11-23T11:00:00+03:00' },
  // Tue 15 Dec 13:30–14:00 = 0.5 h; Wed 16–Thu 17 National Day; Fri–Sat; Sun 20 07:00 + 0.5 h.
  { when: 'a BH 1-hour target crosses National Day and the weekend', calendar: BH, start: '2026-12-15T13:30:00+03:00', hours: 1, due: '2026-12-20T07:30:00+03:00' },
  // Starts on a holiday (Wed 16 Dec): waits for Sun 20 07:00; + 90 min.
  { when: 'a BH 1.5-hour target starts on a holiday', calendar: BH, start: '2026-12-16T09:00:00+03:00', hours: 1.5, due: '2026-12-20T08:30:00+03:00' },
  // AE: Thu 14:00–15:30 = 1.5 h; Fri 07:30–12:00 = 4.5 h: 6 h end exactly at Friday's closing.
  { when: 'an AE 6-hour target starts Thursday 14:00 (Friday half day)', calendar: AE, start: '2026-11-19T14:00:00+04:00', hours: 6, due: '2026-11-20T12:00:00+04:00' },
  // Same plus 1 h: Sat–Sun weekend; Mon 07:30 + 1 h.
  { when: 'an AE 7-hour target starts Thursday 14:00 and crosses the weekend', calendar: AE, start: '2026-11-19T14:00:00+04:00', hours: 7, due: '2026-11-23T08:30:00+04:00' },
  // Saturday: waits for Mon 07:30; + 2 h.
  { when: 'an AE 2-hour target starts on a Saturday', calendar: AE, start: '2026-11-21T10:00:00+04:00', hours: 2, due: '2026-11-23T09:30:00+04:00' },
  // SHJ: Thu 12:00–15:30 = 3.5 h; Fri–Sun weekend; Mon 07:30 + 4.5 h = 12:00.
  { when: 'an AE-SHJ 8-hour target crosses the Friday–Sunday weekend', calendar: SHJ, start: '2026-11-19T12:00:00+04:00', hours: 8, due: '2026-11-23T12:00:00+04:00' },
  // London: Fri 14:00–15:00 GMT = 1 h; Mon 07:00 BST + 1 h (local hours kept across the change).
  { when: 'a London 2-hour target crosses the start of summer time', calendar: LONDON, start: '2026-03-27T14:00:00+00:00', hours: 2, due: '2026-03-30T08:00:00+01:00' },
];

describe('SLA deadlines: working days', () => {
  for (const r of dayRows) {
    it(`when ${r.when}, then the deadline is ${r.due}`, () => {
      const due = addWorkingDays(r.calendar, r.start, r.n);
      expect(toCalendarIso(r.calendar, due)).to.equal(r.due);
      expect(addWorkingDays(r.calendar, new Date(r.start), r.n).getTime(), 'a Date gives the same').to.equal(due.getTime());
    });
  }

  it('when a London working day is read before and after the change, then it opens at 07:00 local both times', () => {
    // Fri 27 Mar 07:00 GMT = 07:00Z; Mon 30 Mar 07:00 BST = 06:00Z. 1 minute after opening each day.
    expect(workingMinutesBetween(LONDON, '2026-03-27T00:00:00Z', '2026-03-27T07:01:00Z')).to.equal(1);
    expect(workingMinutesBetween(LONDON, '2026-03-30T00:00:00Z', '2026-03-30T06:01:00Z')).to.equal(1);
    // Fri 8 h + Mon 8 h, though the wall clock lost an hour in between.
    expect(workingMinutesBetween(LONDON, '2026-03-27T00:00:00+00:00', '2026-03-31T00:00:00+01:00')).to.equal(960);
  });

  for (const n of [0, -1, 1.5, Number.NaN]) {
    it(`when the target is ${n} working days, then it is refused`, () => {
      expect(() => addWorkingDays(BH, '2026-11-19T10:00:00+03:00', n)).to.throw(RangeError);
    });
  }

  it('when a start time has no offset, then it is refused (it would depend on the server zone)', () => {
    expect(() => addWorkingDays(BH, '2026-11-19T10:00:00', 1)).to.throw(RangeError, /offset/);
    expect(() => addWorkingDays(BH, new Date(Number.NaN), 1)).to.throw(RangeError);
  });
});

describe('SLA deadlines: working hours', () => {
  for (const r of hourRows) {
    it(`when ${r.when}, then the deadline is ${r.due}`, () => {
      expect(toCalendarIso(r.calendar, addWorkingHours(r.calendar, r.start, r.hours))).to.equal(r.due);
    });
  }

  for (const hours of [0, -2, Number.POSITIVE_INFINITY]) {
    it(`when the target is ${hours} working hours, then it is refused`, () => {
      expect(() => addWorkingHours(BH, '2026-11-19T10:00:00+03:00', hours)).to.throw(RangeError);
    });
  }

  it('when any target in hours is added to any start, then exactly that many working minutes lie between', () => {
    const calendars = [BH, AE, SHJ, LONDON];
    fc.assert(
      fc.property(
        fc.constantFrom(...calendars),
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 1) }),
        fc.integer({ min: 1, max: 200 * 60 }),
        (calendar, startMs, minutes) => {
          const start = new Date(startMs);
          const due = addWorkingHours(calendar, start, minutes / 60);
          expect(workingMinutesBetween(calendar, start, due)).to.be.closeTo(minutes, 1e-6);
          // …and not a minute later than needed: from a whole-minute start, the last minute before
          // `due` is a working one. (From a start part-way through a minute, a few milliseconds may
          // rightly carry over to the next opening, so this half is checked on whole minutes.)
          const aligned = new Date(Math.floor(startMs / 60_000) * 60_000);
          const alignedDue = addWorkingHours(calendar, aligned, minutes / 60);
          expect(workingMinutesBetween(calendar, new Date(alignedDue.getTime() - 60_000), alignedDue)).to.equal(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

interface BetweenRow {
  when: string;
  from: string;
  to: string;
  minutes: number;
}

const betweenRows: BetweenRow[] = [
  // Thu 13:00–14:00 = 60; Sun 07:00–09:00 = 120.
  { when: 'the span crosses the BH weekend', from: '2026-11-19T13:00:00+03:00', to: '2026-11-22T09:00:00+03:00', minutes: 180 },
  { when: 'the span is inside one working day', from: '2026-11-22T08:00:00+03:00', to: '2026-11-22T10:30:00+03:00', minutes: 150 },
  { when: 'the span runs from closing to the next opening', from: '2026-11-19T14:00:00+03:00', to: '2026-11-22T07:00:00+03:00', minutes: 0 },
  // Tue 15 Dec 07:00–14:00 = 420; Wed–Thu National Day; Fri–Sat weekend.
  { when: 'the span covers National Day', from: '2026-12-15T07:00:00+03:00', to: '2026-12-20T07:00:00+03:00', minutes: 420 },
  { when: 'the end is before the start', from: '2026-11-22T10:00:00+03:00', to: '2026-11-22T09:00:00+03:00', minutes: 0 },
  { when: 'the end equals the start', from: '2026-11-22T10:00:00+03:00', to: '2026-11-22T10:00:00+03:00', minutes: 0 },
];

describe('SLA deadlines: working minutes between two instants', () => {
  for (const r of betweenRows) {
    it(`when ${r.when}, then it counts ${r.minutes} working minutes`, () => {
      expect(workingMinutesBetween(BH, r.from, r.to)).to.equal(r.minutes);
    });
  }
});

interface ExtendRow {
  when: string;
  deadline: string;
  minutes: number;
  due: string;
}

const extendRows: ExtendRow[] = [
  // At closing: nothing left Thursday; Sun 07:00 + 30 min (not Thursday 14:30, not Sunday 07:00).
  { when: 'a deadline at Thursday closing is extended by 30 working minutes', deadline: '2026-11-19T14:00:00+03:00', minutes: 30, due: '2026-11-22T07:30:00+03:00' },
  { when: 'a deadline is extended by 0 minutes', deadline: '2026-12-09T14:00:00+03:00', minutes: 0, due: '2026-12-09T14:00:00+03:00' },
  // Mon 10:00–14:00 = 240; Tue 07:00 + 60.
  { when: 'a mid-day deadline is extended by 5 working hours', deadline: '2026-11-23T10:00:00+03:00', minutes: 300, due: '2026-11-24T08:00:00+03:00' },
  // Tue 15 Dec closing; Wed–Thu National Day; Fri–Sat; Sun 20 07:00 + 420 = 14:00 (a full day ends at closing).
  { when: 'a deadline before National Day is extended by one full working day of minutes', deadline: '2026-12-15T14:00:00+03:00', minutes: 420, due: '2026-12-20T14:00:00+03:00' },
];

describe('SLA deadlines: pauses', () => {
  for (const r of extendRows) {
    it(`when ${r.when}, then it moves to ${r.due}`, () => {
      expect(toCalendarIso(BH, extendByWorkingMinutes(BH, r.deadline, r.minutes))).to.equal(r.due);
    });
  }

  it('when a case awaits the citizen for 150 working minutes, then its deadline moves by exactly that', () => {
    const due = addWorkingDays(BH, '2026-11-19T15:00:00+03:00', 2); // Mon 23 Nov 14:00
    const paused = workingMinutesBetween(BH, '2026-11-22T10:00:00+03:00', '2026-11-22T12:30:00+03:00');
    expect(paused).to.equal(150);
    // Mon 14:00 is closing; Tue 07:00 + 150 min = 09:30.
    expect(toCalendarIso(BH, extendByWorkingMinutes(BH, due, paused))).to.equal('2026-11-24T09:30:00+03:00');
  });

  it('when a pause lasts only over the weekend, then the deadline does not move', () => {
    const paused = workingMinutesBetween(BH, '2026-11-19T14:30:00+03:00', '2026-11-22T06:00:00+03:00');
    expect(paused).to.equal(0);
    expect(toCalendarIso(BH, extendByWorkingMinutes(BH, '2026-11-23T14:00:00+03:00', paused))).to.equal('2026-11-23T14:00:00+03:00');
  });

  it('when a pause is negative, then it is refused', () => {
    expect(() => extendByWorkingMinutes(BH, '2026-11-23T14:00:00+03:00', -1)).to.throw(RangeError);
  });
});

interface StateRow {
  when: string;
  now: string;
  usedFraction: number;
  left: number;
  state: SlaStateName;
}

// Started Sun 22 Nov 07:00 with 20 working hours = 1200 min: Sun 420 + Mon 420 + Tue 360 → due Tue 24 13:00.
const STARTED = '2026-11-22T07:00:00+03:00';
const DUE = '2026-11-24T13:00:00+03:00';
const stateRows: StateRow[] = [
  { when: 'the clock has just started', now: STARTED, usedFraction: 0, left: 1200, state: 'on_track' },
  // 888 min used = Sun 420 + Mon 420 + Tue 48 → Tue 07:48; 74 %.
  { when: '74 % of the working time is used', now: '2026-11-24T07:48:00+03:00', usedFraction: 0.74, left: 312, state: 'on_track' },
  // 900 min = Tue 08:00; 75 % exactly: at risk (inclusive).
  { when: 'exactly 75 % of the working time is used', now: '2026-11-24T08:00:00+03:00', usedFraction: 0.75, left: 300, state: 'at_risk' },
  { when: 'the due time itself is reached', now: DUE, usedFraction: 1, left: 0, state: 'at_risk' },
  // 1 second after due: breached.
  { when: 'one second has passed after the due time', now: '2026-11-24T13:00:01+03:00', usedFraction: (1200 + 1 / 60) / 1200, left: 0, state: 'breached' },
  // Tue 13:00–14:00 = 60 min over: 1260 / 1200.
  { when: 'the due time has passed by an hour of working time', now: '2026-11-24T14:00:00+03:00', usedFraction: 1.05, left: 0, state: 'breached' },
];

describe('SLA deadlines: state of the clock', () => {
  it('when the due time of the state table is computed, then it is Tuesday 13:00', () => {
    expect(toCalendarIso(BH, addWorkingHours(BH, STARTED, 20))).to.equal(DUE);
  });

  for (const r of stateRows) {
    it(`when ${r.when}, then it is ${r.state}`, () => {
      const s = slaState(BH, STARTED, DUE, r.now);
      expect(s.state).to.equal(r.state);
      expect(s.usedFraction).to.be.closeTo(r.usedFraction, 1e-9);
      expect(s.workingMinutesLeft).to.equal(r.left);
    });
  }

  it('when a finished pause was added to the deadline, then it counts neither as used nor as allowed', () => {
    // 150 paused minutes move the due time: Tue 13:00–14:00 = 60, then Wed 07:00 + 90 = Wed 08:30.
    const due = extendByWorkingMinutes(BH, DUE, 150);
    expect(toCalendarIso(BH, due)).to.equal('2026-11-25T08:30:00+03:00');
    // At Tue 10:00: 420 + 420 + 180 = 1020 elapsed, minus 150 paused = 870 of 1200 = 72.5 %;
    // left: Tue 10:00–14:00 = 240 + Wed 90.
    const s = slaState(BH, STARTED, due, '2026-11-24T10:00:00+03:00', 150);
    expect(s).to.deep.equal({ usedFraction: 0.725, workingMinutesLeft: 330, state: 'on_track' });
    // Not told about the pause, the same moment reads 1020 / 1350 = 75.6 %: the pause would count as work.
    expect(slaState(BH, STARTED, due, '2026-11-24T10:00:00+03:00').state).to.equal('at_risk');
  });
});

describe('SLA calendars: seed data', () => {
  for (const c of testCalendars()) {
    it(`when the ${c.code} seed is loaded, then it has holidays in 2026 and 2027 with both names and a note on estimates`, () => {
      for (const year of ['2026', '2027']) expect(c.holidays.some((h) => h.date.startsWith(year)), year).to.equal(true);
      for (const h of c.holidays) expect(h.name_ar.trim() && h.name_en.trim(), h.date).to.be.ok;
      expect(c.note).to.match(/estimate/i).and.match(/confirm/i);
    });
  }

  it('when the BH seed is read, then it has as many days of each holiday as the government gives', () => {
    const count = (year: string, re: RegExp): number => BH.holidays.filter((h) => h.date.startsWith(year) && re.test(h.name_en)).length;
    for (const year of ['2026', '2027']) {
      expect(count(year, /Eid al-Fitr/), `Fitr ${year}`).to.equal(3);
      expect(count(year, /Arafat|Eid al-Adha/), `Adha ${year}`).to.equal(4);
      expect(count(year, /Ashura/), `Ashura ${year}`).to.equal(2);
      expect(count(year, /National Day/), `National Day ${year}`).to.equal(2);
    }
  });

  it('when the AE and AE-SHJ seeds are compared, then they share the federal holidays and differ in the week', () => {
    expect(SHJ.holidays).to.deep.equal(AE.holidays);
    expect(AE.weekend).to.deep.equal(['Sat', 'Sun']);
    expect(SHJ.weekend).to.deep.equal(['Fri', 'Sat', 'Sun']);
  });

  it('when an unknown seed code is asked for, then it is refused (no path from the caller reaches the disk)', () => {
    expect(() => loadSeedCalendar('../BH')).to.throw(/Unknown seed calendar/);
  });
});

describe('SLA calendars: validation', () => {
  it('when a calendar has many problems, then every one is listed', () => {
    const raw = {
      code: 'bahrain',
      timezone: 'Asia/Manamah',
      weekend: ['Fri', 'Fry', 'Fri'],
      workingHours: { Sun: ['14:00', '07:00'], Mon: ['7:00', '14:00'], Tue: ['07:00'], Fri: ['08:00', '12:00'], Funday: ['07:00', '14:00'] },
      holidays: [
        { date: '2026-02-30', name_ar: 'x', name_en: 'x' },
        { date: '2026-12-16', name_ar: 'العيد الوطني', name_en: 'National Day' },
        { date: '2026-12-16', name_ar: 'العيد الوطني', name_en: 'National Day again' },
        { date: '2026-12-17', name_en: 'National Day (day 2)' },
      ],
    };
    let error: unknown;
    try {
      parseCalendar(raw);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ValidationError);
    const details = (error as ValidationError).details!.map((d) => `${d.field} ${d.code}`);
    expect(details).to.have.members([
      'code INVALID_CODE',
      'timezone INVALID_TIMEZONE',
      'weekend.1 UNKNOWN_WEEKDAY',
      'weekend.2 DUPLICATE_WEEKDAY',
      'workingHours.Sun HOURS_NOT_INCREASING',
      'workingHours.Mon INVALID_TIME',
      'workingHours.Tue INVALID_TIME',
      'workingHours.Fri HOURS_ON_WEEKEND',
      'workingHours.Funday UNKNOWN_WEEKDAY',
      'workingHours.Wed MISSING_HOURS',
      'workingHours.Thu MISSING_HOURS',
      'workingHours.Sat MISSING_HOURS',
      'holidays.0.date INVALID_DATE',
      'holidays.2.date DUPLICATE_DATE',
      'holidays.3.name_ar any.required',
    ]);
    // The message carries them all too, for logs and the CLI.
    expect((error as Error).message).to.include('Asia/Manamah').and.include('2026-02-30').and.include('listed twice');
  });

  it('when a calendar is not an object or has every day as weekend, then it is refused', () => {
    expect(() => parseCalendar(null)).to.throw(ValidationError);
    expect(() => parseCalendar('BH')).to.throw(ValidationError);
    expect(() =>
      parseCalendar({ code: 'XX', timezone: 'UTC', weekend: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], workingHours: {}, holidays: [] }),
    ).to.throw(ValidationError, /at least one working day/);
  });

  it('when a valid calendar is parsed, then the copy is frozen and keeps only the known fields', () => {
    const c = parseCalendar({ ...LONDON, extra: 1, holidays: [{ date: '2026-12-25', name_ar: 'عيد الميلاد', name_en: 'Christmas Day', x: 2 }] });
    expect(c).to.deep.equal({ ...LONDON, holidays: [{ date: '2026-12-25', name_ar: 'عيد الميلاد', name_en: 'Christmas Day' }] });
    expect(Object.isFrozen(c) && Object.isFrozen(c.holidays) && Object.isFrozen(c.workingHours)).to.equal(true);
  });

  it('when a deadline is asked of an invalid calendar literal, then it is refused instead of looping', () => {
    const broken = { ...LONDON, workingHours: {} } as Calendar;
    expect(() => addWorkingDays(broken, '2026-03-27T10:00:00Z', 1)).to.throw(ValidationError);
  });
});
