/**
 * What happens to a case's SLA clock when the case changes, as update fields (the caller writes them
 * with the change itself, in one conditional update). The clock starts when a case reaches an
 * agency, with the targets of the policy that matches it (./policy.ts) on the agency's calendar;
 * a transfer keeps it unless the receiving agency's policy restarts it; `awaiting_citizen` pauses
 * it; the citizen's answer resumes it; reopening starts a new resolution clock; resolving or closing
 * stops it and records the times reports need.
 */
import { profileCalendarCode } from '../directory/index.js';
import { NotFoundError } from '../shared/errors.js';
import { getCalendarEntryCached, type CalendarEntry } from './calendar.service.js';
import { slaState, workingMinutesBetween } from './deadline.js';
import { elapsed, resumeClock, startClock, type ClockFields, type StoredClock } from './clock.js';
import type { PolicyMatch, ResolvedPolicy, SlaTargets } from './policy.js';
import { policyFor } from './policy.service.js';

/** The policy of a case and the calendar it runs on (the agency's own, or the deployment's). */
export async function clockSetup(profile: string, match: PolicyMatch): Promise<{ policy: ResolvedPolicy; entry: CalendarEntry }> {
  const policy = await policyFor(profile, match);
  const code = policy.calendar ?? (await profileCalendarCode(profile));
  if (!code) throw new NotFoundError('CALENDAR_NOT_FOUND', `The profile ${profile} names no calendar.`);
  return { policy, entry: await getCalendarEntryCached(code) };
}

/** A new clock for a case that reaches an agency at `at`. */
export async function newClock(profile: string, match: PolicyMatch, at: Date): Promise<ClockFields> {
  const { policy, entry } = await clockSetup(profile, match);
  return startClock(entry.calendar, entry.revision, { firstResponse: policy.firstResponse, resolution: policy.resolution, managersAfter: policy.managersAfter }, policy.policyIds, at);
}

/** The case fields the clock reads. */
export interface ClockedCase {
  status: string;
  type: string;
  category?: string | null;
  agency?: string | null;
  priority?: string | null;
  dueAt?: Date | null;
  firstResponseDueAt?: Date | null;
  firstResponseAt?: Date | null;
  slaBreached?: number | null;
  sla?: {
    calendar: string;
    calendarRevision?: number | null;
    startedAt: Date;
    pausedAt?: Date | null;
    pausedWorkingMinutes?: number | null;
    targets: SlaTargets;
    policyIds?: string[] | null;
    level?: number | null;
    atRiskAt: Date;
    managersAt: Date;
    nextCheckAt?: Date | null;
  } | null;
}

export interface ClockChanges {
  set: Record<string, unknown>;
  unset: Record<string, 1>;
  /** For the history entry of the change, e.g. `{clock: 'restarted'}` on a transfer. */
  note: Record<string, unknown>;
}

/** Actions that answer the citizen: the first of them is the first response. */
export const FIRST_RESPONSE_ACTIONS = ['request_information', 'resolve', 'reject', 'study', 'accept_suggestion', 'decline_suggestion', 'public_reply'] as const;
/** Statuses in which the clock has stopped: answered (resolved, accepted) or closed for good. */
export const CLOCK_STOPPED_STATUSES: readonly string[] = Object.freeze(['resolved', 'closed', 'rejected', 'declined', 'implemented', 'accepted']);
const STOPPING = CLOCK_STOPPED_STATUSES;

/** The stored clock with defaults filled in (older documents may lack a field). */
export function stored(c: ClockedCase): StoredClock | null {
  const s = c.sla;
  if (!s) return null;
  return {
    calendar: s.calendar,
    calendarRevision: s.calendarRevision ?? 1,
    startedAt: s.startedAt,
    pausedAt: s.pausedAt ?? null,
    pausedWorkingMinutes: s.pausedWorkingMinutes ?? 0,
    targets: s.targets,
    policyIds: s.policyIds ?? [],
    level: (s.level ?? 0) as StoredClock['level'],
    atRiskAt: s.atRiskAt,
    managersAt: s.managersAt,
    nextCheckAt: s.nextCheckAt ?? null,
  };
}

function prefixed(fields: ClockFields): Record<string, unknown> {
  return { dueAt: fields.dueAt, firstResponseDueAt: fields.firstResponseDueAt, sla: fields.sla };
}

/** The first-response fields, when `action` is the first answer to the citizen since the clock started. */
export async function firstResponseChanges(c: ClockedCase, action: string, now: Date): Promise<Record<string, unknown>> {
  const clock = stored(c);
  if (!clock || c.firstResponseAt || !(FIRST_RESPONSE_ACTIONS as readonly string[]).includes(action)) return {};
  const { calendar } = await getCalendarEntryCached(clock.calendar);
  const times = elapsed(calendar, clock, now);
  return {
    firstResponseAt: now,
    firstResponseMinutes: times.minutes,
    firstResponseWorkingMinutes: times.workingMinutes,
    firstResponseBreached: c.firstResponseDueAt && now > c.firstResponseDueAt ? 1 : 0,
  };
}

/**
 * The clock's part of a status change from `c.status` to `to` by `action`. `agency`: where a route
 * or transfer sends the case.
 */
export async function clockChangesFor(c: ClockedCase, to: string, action: string, now: Date, profile: string, agency?: string | null): Promise<ClockChanges> {
  const set: Record<string, unknown> = {};
  const unset: Record<string, 1> = {};
  const note: Record<string, unknown> = {};
  const match = (a: string | null | undefined): PolicyMatch => ({
    agency: a ?? undefined,
    category: c.category ?? undefined,
    type: c.type,
    priority: (c.priority ?? 'normal') as PolicyMatch['priority'],
  });

  if (action === 'route' || (action === 'transfer' && !c.sla)) {
    Object.assign(set, prefixed(await newClock(profile, match(agency), now)));
    return { set, unset, note };
  }
  if (action === 'transfer') {
    const receiving = await policyFor(profile, match(agency));
    if (receiving.restartOnTransfer) {
      Object.assign(set, prefixed(await newClock(profile, match(agency), now)));
      note.clock = 'restarted';
      return { set, unset, note };
    }
    note.clock = 'kept'; // and, if it was paused awaiting the citizen, it resumes below
  }

  const clock = stored(c);
  if (!clock || !c.dueAt) return { set, unset, note }; // no clock yet (still in triage)
  const { calendar, revision } = await getCalendarEntryCached(clock.calendar);

  Object.assign(set, await firstResponseChanges(c, action, now));

  if (action === 'reopen') {
    const targets = clock.targets;
    const restarted = startClock(calendar, revision, targets, clock.policyIds, now);
    set.dueAt = restarted.dueAt;
    set.sla = restarted.sla;
    return { set, unset, note };
  }
  if (to === 'awaiting_citizen') {
    set['sla.pausedAt'] = now;
    unset['sla.nextCheckAt'] = 1;
    return { set, unset, note };
  }
  if (c.status === 'awaiting_citizen' && clock.pausedAt && !STOPPING.includes(to)) {
    const resumed = resumeClock(calendar, clock, c.dueAt, now);
    set.dueAt = resumed.dueAt;
    set['sla.pausedWorkingMinutes'] = resumed.sla.pausedWorkingMinutes;
    set['sla.atRiskAt'] = resumed.sla.atRiskAt;
    set['sla.managersAt'] = resumed.sla.managersAt;
    if (resumed.sla.nextCheckAt) set['sla.nextCheckAt'] = resumed.sla.nextCheckAt;
    unset['sla.pausedAt'] = 1;
    return { set, unset, note };
  }
  if (STOPPING.includes(to) && !STOPPING.includes(c.status)) {
    // The clock stops (resolved → closed leaves it stopped): the resolution times, paused time
    // excluded, and whether the deadline was missed.
    const pausedNow = clock.pausedAt ? workingMinutesBetween(calendar, clock.pausedAt, now) : 0;
    const times = elapsed(calendar, { startedAt: clock.startedAt, pausedWorkingMinutes: clock.pausedWorkingMinutes + pausedNow }, now);
    set.resolutionWorkingMinutes = times.workingMinutes;
    set.slaBreached = c.slaBreached === 1 || now > c.dueAt ? 1 : 0;
    unset['sla.nextCheckAt'] = 1;
    unset['sla.pausedAt'] = 1;
  }
  return { set, unset, note };
}

/** What officers see of a clock: the state and colour, and the working time left (or how late). */
export interface ClockView {
  state: 'on_track' | 'at_risk' | 'breached' | 'paused';
  /** Working minutes to the deadline (frozen while paused); 0 once due. */
  workingMinutesLeft: number;
  /** Working minutes past the deadline; 0 unless breached. */
  workingMinutesLate: number;
  /** Share of the working time used, 0–1 and more once breached. */
  usedFraction: number;
  dueAt: string;
  firstResponseDueAt: string | null;
  firstResponseAt: string | null;
}

/** The clock of an open case at `now`; null when it has none (triage) or it has stopped (answered, closed). */
export async function clockView(c: ClockedCase, now: Date): Promise<ClockView | null> {
  const clock = stored(c);
  if (!clock || !c.dueAt || STOPPING.includes(c.status)) return null;
  const { calendar } = await getCalendarEntryCached(clock.calendar);
  const at = clock.pausedAt ?? now;
  const s = slaState(calendar, clock.startedAt, c.dueAt, at, clock.pausedWorkingMinutes);
  return {
    state: clock.pausedAt ? 'paused' : s.state,
    workingMinutesLeft: Math.round(s.workingMinutesLeft),
    workingMinutesLate: s.state === 'breached' ? Math.round(workingMinutesBetween(calendar, c.dueAt, at)) : 0,
    usedFraction: Math.round(s.usedFraction * 1000) / 1000,
    dueAt: c.dueAt.toISOString(),
    firstResponseDueAt: c.firstResponseDueAt ? c.firstResponseDueAt.toISOString() : null,
    firstResponseAt: c.firstResponseAt ? c.firstResponseAt.toISOString() : null,
  };
}
