/**
 * The SLA clock of a case, as stored fields. The clock starts when a case reaches an agency (filing
 * with a routed agency, or routing out of triage); a transfer keeps it; `awaiting_citizen` pauses it
 * and the citizen's answer resumes it, moving the deadline by the paused working time; reopening
 * starts a new resolution clock. Deadlines are computed here once and stored, so "overdue" is an
 * indexed query. Targets: the national default until policies are data.
 */
import { profileCalendarCode } from '../directory/index.js';
import { NotFoundError } from '../shared/errors.js';
import type { Calendar } from './calendar.js';
import { getCalendarCached } from './calendar.service.js';
import { addWorkingDays, extendByWorkingMinutes, workingMinutesBetween } from './deadline.js';
import { NATIONAL_DEFAULT } from './policy.js';

export async function calendarForProfile(profile: string): Promise<Calendar> {
  const code = await profileCalendarCode(profile);
  if (!code) throw new NotFoundError('CALENDAR_NOT_FOUND', `The profile ${profile} names no calendar.`);
  return getCalendarCached(code);
}

export interface ClockFields {
  dueAt: Date;
  firstResponseDueAt: Date;
  sla: { calendar: string; startedAt: Date; pausedWorkingMinutes: number };
}

/** A new clock started at `at`. */
export function startClock(calendar: Calendar, at: Date): ClockFields {
  return {
    dueAt: addWorkingDays(calendar, at, NATIONAL_DEFAULT.resolution.workingDays),
    firstResponseDueAt: addWorkingDays(calendar, at, NATIONAL_DEFAULT.firstResponse.workingDays),
    sla: { calendar: calendar.code, startedAt: at, pausedWorkingMinutes: 0 },
  };
}

/** A new resolution clock after reopening; the first-response target has been met or missed already. */
export function restartResolution(calendar: Calendar, at: Date, previous: { pausedWorkingMinutes?: number | null } | null | undefined): Pick<ClockFields, 'dueAt' | 'sla'> {
  return {
    dueAt: addWorkingDays(calendar, at, NATIONAL_DEFAULT.resolution.workingDays),
    sla: { calendar: calendar.code, startedAt: at, pausedWorkingMinutes: previous?.pausedWorkingMinutes ?? 0 },
  };
}

/** Resuming after a pause: the deadline moves by the working time that passed while paused. */
export function resumeClock(calendar: Calendar, pausedAt: Date, now: Date, dueAt: Date, pausedSoFar: number): { dueAt: Date; pausedWorkingMinutes: number } {
  const paused = workingMinutesBetween(calendar, pausedAt, now);
  return { dueAt: extendByWorkingMinutes(calendar, dueAt, paused), pausedWorkingMinutes: pausedSoFar + paused };
}

interface ClockState {
  status: string;
  dueAt?: Date | null;
  sla?: { calendar: string; startedAt: Date; pausedAt?: Date | null; pausedWorkingMinutes?: number | null } | null;
}

/**
 * What a status change does to the clock, as update fields: routing starts it, entering
 * `awaiting_citizen` pauses it, leaving that status resumes it (the deadline moves by the paused
 * working time), reopening restarts the resolution clock. Anything else leaves it alone.
 */
export async function clockChangesFor(c: ClockState, to: string, action: string, now: Date, profile: string): Promise<{ set: Record<string, unknown>; unset: Record<string, 1> }> {
  const set: Record<string, unknown> = {};
  const unset: Record<string, 1> = {};
  if (action === 'route') {
    Object.assign(set, startClock(await calendarForProfile(profile), now));
    return { set, unset };
  }
  if (!c.sla || !c.dueAt) return { set, unset }; // no clock yet (still in triage)
  const calendar = await getCalendarCached(c.sla.calendar);
  if (action === 'reopen') {
    Object.assign(set, restartResolution(calendar, now, c.sla));
    return { set, unset };
  }
  if (to === 'awaiting_citizen') set['sla.pausedAt'] = now;
  else if (c.status === 'awaiting_citizen' && c.sla.pausedAt) {
    const resumed = resumeClock(calendar, c.sla.pausedAt, now, c.dueAt, c.sla.pausedWorkingMinutes ?? 0);
    set.dueAt = resumed.dueAt;
    set['sla.pausedWorkingMinutes'] = resumed.pausedWorkingMinutes;
    unset['sla.pausedAt'] = 1;
  }
  return { set, unset };
}
