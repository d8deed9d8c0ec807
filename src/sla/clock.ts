/**
 * The SLA clock of a case as stored fields (pure: the calendar, targets and instants are passed in).
 *
 * A clock starts when a case reaches an agency. It stores its targets (so later policy edits do not
 * move it), its deadlines, and an escalation schedule the sweep reads with one indexed query:
 *   level 0 → at risk at `atRiskAt` (75 % of the working time used),
 *   level 1 → breached just after `dueAt`,
 *   level 2 → managers at `managersAt` (the "managers after" target counted from the deadline),
 *   level 3 → nothing more.
 * `nextCheckAt` is the next of these, or absent while the clock is paused or stopped.
 */
import type { Calendar } from './calendar.js';
import { AT_RISK_FRACTION, extendByWorkingMinutes, workingMinutesBetween } from './deadline.js';
import { addTarget, type SlaTargets, type Target } from './policy.js';

export type EscalationLevel = 0 | 1 | 2 | 3;
export const LEVEL_NAMES = ['none', 'at_risk', 'breached', 'managers'] as const;

export interface Schedule {
  atRiskAt: Date;
  managersAt: Date;
  /** Absent once every level has been notified. */
  nextCheckAt: Date | null;
}

export interface StoredClock {
  calendar: string;
  calendarRevision: number;
  startedAt: Date;
  pausedAt?: Date | null;
  pausedWorkingMinutes: number;
  targets: SlaTargets;
  policyIds: string[];
  level: EscalationLevel;
  atRiskAt: Date;
  managersAt: Date;
  nextCheckAt: Date | null;
}

export interface ClockFields {
  dueAt: Date;
  firstResponseDueAt: Date;
  sla: StoredClock;
}

/** When the sweep next looks at a clock that has notified `level`: at risk, just after the deadline (breached strictly after it), managers, then never. */
export function nextCheckAfter(s: { atRiskAt: Date; managersAt: Date }, dueAt: Date, level: EscalationLevel): Date | null {
  return [s.atRiskAt, new Date(dueAt.getTime() + 1), s.managersAt][level] ?? null;
}

/** The levels to notify when a case goes from `from` to `to`: "at risk" is moot once breached. */
export function levelsToNotify(from: EscalationLevel, to: EscalationLevel): EscalationLevel[] {
  const levels: EscalationLevel[] = [];
  for (let l = from + 1; l <= to; l++) if (!(l === 1 && to >= 2)) levels.push(l as EscalationLevel);
  return levels;
}

/** When each level falls due, and which comes next after `level`. */
export function scheduleFor(calendar: Calendar, startedAt: Date, dueAt: Date, pausedWorkingMinutes: number, managersAfter: Target, level: EscalationLevel): Schedule {
  const allowed = Math.max(0, workingMinutesBetween(calendar, startedAt, dueAt) - pausedWorkingMinutes);
  // Paused time was added to the deadline; the at-risk point moves with it.
  const atRisk = extendByWorkingMinutes(calendar, startedAt, Math.ceil(allowed * AT_RISK_FRACTION) + pausedWorkingMinutes);
  const atRiskAt = atRisk > dueAt ? dueAt : atRisk;
  const managersAt = addTarget(calendar, dueAt, managersAfter);
  return { atRiskAt, managersAt, nextCheckAt: nextCheckAfter({ atRiskAt, managersAt }, dueAt, level) };
}

/** A new clock started at `at` with these targets. */
export function startClock(calendar: Calendar, calendarRevision: number, targets: SlaTargets, policyIds: string[], at: Date): ClockFields {
  const dueAt = addTarget(calendar, at, targets.resolution);
  return {
    dueAt,
    firstResponseDueAt: addTarget(calendar, at, targets.firstResponse),
    sla: {
      calendar: calendar.code,
      calendarRevision,
      startedAt: at,
      pausedWorkingMinutes: 0,
      targets,
      policyIds,
      level: 0,
      ...scheduleFor(calendar, at, dueAt, 0, targets.managersAfter, 0),
    },
  };
}

/**
 * The same clock under a changed calendar: deadlines from the original start with the stored
 * targets, plus the working time already paused. A pause in progress stays paused.
 */
export function recomputeClock(calendar: Calendar, calendarRevision: number, clock: StoredClock): ClockFields {
  const base = addTarget(calendar, clock.startedAt, clock.targets.resolution);
  const dueAt = extendByWorkingMinutes(calendar, base, clock.pausedWorkingMinutes);
  const schedule = scheduleFor(calendar, clock.startedAt, dueAt, clock.pausedWorkingMinutes, clock.targets.managersAfter, clock.level);
  return {
    dueAt,
    firstResponseDueAt: addTarget(calendar, clock.startedAt, clock.targets.firstResponse),
    sla: { ...clock, calendar: calendar.code, calendarRevision, ...schedule, nextCheckAt: clock.pausedAt ? null : schedule.nextCheckAt },
  };
}

/** Resuming after a pause: the deadline moves by the working time that passed while paused. */
export function resumeClock(calendar: Calendar, clock: StoredClock, dueAt: Date, now: Date): { dueAt: Date; sla: StoredClock } {
  if (!clock.pausedAt) return { dueAt, sla: clock };
  const paused = workingMinutesBetween(calendar, clock.pausedAt, now);
  const movedDue = extendByWorkingMinutes(calendar, dueAt, paused);
  const pausedWorkingMinutes = clock.pausedWorkingMinutes + paused;
  const schedule = scheduleFor(calendar, clock.startedAt, movedDue, pausedWorkingMinutes, clock.targets.managersAfter, clock.level);
  return { dueAt: movedDue, sla: { ...clock, pausedAt: null, pausedWorkingMinutes, ...schedule } };
}

/** Working and calendar minutes from the clock's start to `at`, less the paused working time. */
export function elapsed(calendar: Calendar, clock: Pick<StoredClock, 'startedAt' | 'pausedWorkingMinutes'>, at: Date): { minutes: number; workingMinutes: number } {
  return {
    minutes: Math.max(0, Math.round((at.getTime() - clock.startedAt.getTime()) / 60_000)),
    workingMinutes: Math.max(0, Math.round(workingMinutesBetween(calendar, clock.startedAt, at) - clock.pausedWorkingMinutes)),
  };
}

/** The level a clock has reached at `now` (paused clocks are not asked). */
export function levelAt(clock: Pick<StoredClock, 'atRiskAt' | 'managersAt'>, dueAt: Date, now: Date): EscalationLevel {
  if (now >= clock.managersAt) return 3;
  if (now > dueAt) return 2;
  if (now >= clock.atRiskAt) return 1;
  return 0;
}
