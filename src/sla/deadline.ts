/**
 * SLA deadline arithmetic (pure): no I/O, no clock; every instant is passed in. Instants in are JS
 * Dates or ISO strings that carry an offset (`Z` or `+03:00`); instants out are Dates, and
 * `toCalendarIso` writes one in the calendar's zone. Working hours and holidays are local to the
 * calendar's time zone (luxon), so a daylight-saving change keeps "07:00 local".
 *
 * The contract (from the SLA issue):
 * - N working days end at the closing time of the N-th working day after the local day the clock
 *   starts. That day never counts, whether it is a working day, a weekend or a holiday, and whatever
 *   the hour: a filing at 07:00 on a Sunday and one at 23:00 on a Friday both start counting on the
 *   next day.
 * - H working hours count only minutes inside working hours from the moment the clock starts (a start
 *   outside hours waits for the next opening) and end the moment the minutes run out, so a target
 *   that runs out at closing time ends at that closing time, not at the next opening.
 * - A pause (`awaiting_citizen`) moves the deadline later by the working time it lasted
 *   (`workingMinutesBetween` then `extendByWorkingMinutes`).
 * - At risk from 75 % of the working time used (inclusive); breached strictly after the due time.
 *
 * A working day is a weekday with working hours that is not a holiday. Holidays on a weekend give no
 * extra day off: a compensation day exists only if administrators add it as a holiday of its own.
 */
import { DateTime } from 'luxon';
import { minutesOfDay, parseCalendar, WEEKDAYS, type Calendar } from './calendar.js';

export type Instant = Date | string;

export type SlaStateName = 'on_track' | 'at_risk' | 'breached';
export interface SlaState {
  /** Working time used / working time allowed; above 1 once breached; 0 before the clock starts. */
  usedFraction: number;
  /** Working minutes from now to the due time; 0 once due. */
  workingMinutesLeft: number;
  state: SlaStateName;
}

/** The share of working time after which a case is at risk (inclusive). */
export const AT_RISK_FRACTION = 0.75;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Compiled {
  zone: string;
  /** Index luxon weekday − 1: [opening, closing] in minutes after local midnight, or null. */
  hours: ([number, number] | null)[];
  holidays: Set<string>;
  /** The working window of each local day met so far, by day number (days since 1970-01-01). */
  windows: Map<number, { open: number; close: number } | null>;
}

/** Derived once per calendar object; parseCalendar freezes what it returns, so this cannot go stale. */
const compiled = new WeakMap<Calendar, Compiled>();

function compile(calendar: Calendar): Compiled {
  const hit = compiled.get(calendar);
  if (hit) return hit;
  // Validate whatever we are given (a typed literal is not proof), so no loop below can run forever.
  const valid = parseCalendar(calendar);
  const hours = WEEKDAYS.map((day) => {
    const pair = valid.workingHours[day];
    if (!pair || valid.weekend.includes(day)) return null;
    return [minutesOfDay(pair[0])!, minutesOfDay(pair[1])!] as [number, number];
  });
  const result: Compiled = { zone: valid.timezone, hours, holidays: new Set(valid.holidays.map((h) => h.date)), windows: new Map() };
  compiled.set(calendar, result);
  return result;
}

const OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

function toMs(value: Instant, name: string): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new RangeError(`${name} is an invalid Date.`);
    return ms;
  }
  if (typeof value === 'string' && OFFSET.test(value)) {
    const dt = DateTime.fromISO(value, { setZone: true });
    if (dt.isValid) return dt.toMillis();
  }
  // A string without an offset would be read in the server's zone: not pure, so refused.
  throw new RangeError(`${name} must be a Date or an ISO date-time with an offset, not ${JSON.stringify(value)}.`);
}

/**
 * Local calendar days are numbered (days since 1970-01-01): plain integer arithmetic, no DST. Only
 * the first meeting with a day asks luxon for its opening and closing instants; the answer is kept
 * per compiled calendar (a filing, a sweep and a page ask about the same few weeks again and again).
 */
const DAY = 86_400_000;

/** The local day number of an instant. */
function localDay(c: Compiled, ms: number): number {
  const local = DateTime.fromMillis(ms, { zone: c.zone });
  return Math.round(Date.UTC(local.year, local.month - 1, local.day) / DAY);
}

/** The working window of a local day as [opening, closing) epoch ms, or null on a day off. */
function windowOf(c: Compiled, day: number): { open: number; close: number } | null {
  const hit = c.windows.get(day);
  if (hit !== undefined) return hit;
  const date = new Date(day * DAY);
  const weekday = ((date.getUTCDay() + 6) % 7) + 1; // luxon's: 1 = Monday … 7 = Sunday
  const hours = c.hours[weekday - 1];
  let window: { open: number; close: number } | null = null;
  if (hours && !c.holidays.has(date.toISOString().slice(0, 10))) {
    const at = (minutes: number): number =>
      DateTime.fromObject({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone: c.zone }).toMillis();
    const open = at(hours[0]);
    const close = at(hours[1]);
    window = close > open ? { open, close } : null;
  }
  if (c.windows.size > 20_000) c.windows.clear(); // bounded: about 55 years of days
  c.windows.set(day, window);
  return window;
}

/** Moves `startMs` later by `ms` of working time (ms ≥ 0); ends the moment the time runs out. */
function advance(c: Compiled, startMs: number, ms: number): number {
  if (ms === 0) return startMs;
  let remaining = ms;
  for (let day = localDay(c, startMs); ; day++) {
    const w = windowOf(c, day);
    if (!w) continue;
    const begin = Math.max(startMs, w.open);
    if (begin >= w.close) continue;
    const available = w.close - begin;
    if (remaining <= available) return begin + remaining;
    remaining -= available;
  }
}

function workingMsBetween(c: Compiled, fromMs: number, toMs_: number): number {
  if (toMs_ <= fromMs) return 0;
  let total = 0;
  const last = localDay(c, toMs_);
  for (let day = localDay(c, fromMs); day <= last; day++) {
    const w = windowOf(c, day);
    if (w) total += Math.max(0, Math.min(toMs_, w.close) - Math.max(fromMs, w.open));
  }
  return total;
}

/**
 * The end of the working hours of the n-th working day after the local day of `start` (n ≥ 1, an
 * integer). The start's own day never counts, even when the clock starts before opening.
 */
export function addWorkingDays(calendar: Calendar, start: Instant, n: number): Date {
  const c = compile(calendar);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`A target in working days must be a whole number ≥ 1, not ${n}.`);
  let counted = 0;
  for (let day = localDay(c, toMs(start, 'start')) + 1; ; day++) {
    const w = windowOf(c, day);
    if (w && ++counted === n) return new Date(w.close);
  }
}

/**
 * The instant when `hours` (> 0, fractions allowed) of working time have passed since `start`,
 * counting only minutes inside working hours.
 */
export function addWorkingHours(calendar: Calendar, start: Instant, hours: number): Date {
  const c = compile(calendar);
  if (!Number.isFinite(hours) || hours <= 0) throw new RangeError(`A target in working hours must be > 0, not ${hours}.`);
  return new Date(advance(c, toMs(start, 'start'), hours * HOUR));
}

/** Working minutes in [from, to); 0 when to ≤ from. Fractional when the instants carry seconds. */
export function workingMinutesBetween(calendar: Calendar, from: Instant, to: Instant): number {
  const c = compile(calendar);
  return workingMsBetween(c, toMs(from, 'from'), toMs(to, 'to')) / MINUTE;
}

/**
 * Moves a deadline later by `minutes` (≥ 0) of working time, e.g. the working time a case spent
 * awaiting the citizen. A deadline at closing time plus 30 minutes lands 30 minutes after the next
 * opening; 0 minutes leaves it where it is.
 */
export function extendByWorkingMinutes(calendar: Calendar, deadline: Instant, minutes: number): Date {
  const c = compile(calendar);
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`A pause must last ≥ 0 working minutes, not ${minutes}.`);
  return new Date(advance(c, toMs(deadline, 'deadline'), minutes * MINUTE));
}

/**
 * Where a running clock stands at `now`. `pausedWorkingMinutes`: working minutes of finished pauses
 * that were already added to `dueAt` (extendByWorkingMinutes); they count neither as used nor as
 * allowed, so a pause does not push a case towards "at risk".
 */
export function slaState(calendar: Calendar, startedAt: Instant, dueAt: Instant, now: Instant, pausedWorkingMinutes = 0): SlaState {
  const c = compile(calendar);
  const start = toMs(startedAt, 'startedAt');
  const due = toMs(dueAt, 'dueAt');
  const at = toMs(now, 'now');
  const paused = Math.max(0, pausedWorkingMinutes) * MINUTE;
  const allowed = Math.max(0, workingMsBetween(c, start, due) - paused);
  const used = Math.max(0, workingMsBetween(c, start, at) - paused);
  const usedFraction = allowed > 0 ? used / allowed : at >= due ? 1 : 0;
  const state: SlaStateName = at > due ? 'breached' : usedFraction >= AT_RISK_FRACTION ? 'at_risk' : 'on_track';
  return { usedFraction, workingMinutesLeft: workingMsBetween(c, at, due) / MINUTE, state };
}

/**
 * How many working days a deadline is after the local day of `start` (the start's day not counted,
 * as in addWorkingDays; the deadline's own day counted): what a receipt says as "within N working days".
 */
export function workingDaysUntil(calendar: Calendar, start: Instant, deadline: Instant): number {
  const c = compile(calendar);
  const last = localDay(c, toMs(deadline, 'deadline'));
  let n = 0;
  for (let day = localDay(c, toMs(start, 'start')) + 1; day <= last; day++) if (windowOf(c, day)) n++;
  return n;
}

/** An instant as ISO 8601 in the calendar's zone, with its offset, e.g. `2026-12-09T14:00:00+03:00`. */
export function toCalendarIso(calendar: Calendar, instant: Instant): string {
  const c = compile(calendar);
  return DateTime.fromMillis(toMs(instant, 'instant'), { zone: c.zone }).toISO({ suppressMilliseconds: true })!;
}

/**
 * Whether [start, end) lies inside one working window of the calendar: a working day (not a weekend
 * or holiday) between its opening and closing times. What a meeting slot must keep to.
 */
export function insideWorkingHours(calendar: Calendar, start: Instant, end: Instant): boolean {
  const c = compile(calendar);
  const from = toMs(start, 'start');
  const to = toMs(end, 'end');
  if (to <= from) return false;
  const w = windowOf(c, localDay(c, from));
  return !!w && from >= w.open && to <= w.close;
}

/**
 * The opening time of the last working day before the local day of `instant` (its own day never
 * counts): when a reminder of something on that day goes out, "the working day before".
 */
export function openingOfWorkingDayBefore(calendar: Calendar, instant: Instant): Date {
  const c = compile(calendar);
  for (let day = localDay(c, toMs(instant, 'instant')) - 1; ; day--) {
    const w = windowOf(c, day);
    if (w) return new Date(w.open);
  }
}
