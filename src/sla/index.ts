/**
 * The SLA module: calendars, policies, deadline arithmetic and the clock on a case, as the update
 * fields the case's owner writes. The escalation sweep and the recompute after a calendar change
 * read and write cases, so they live in cases/ (escalation.service.ts, recompute.service.ts).
 */
export { slaRouter } from './sla.routes.js';
export {
  seedCalendars,
  seedCalendarList,
  getCalendarCached,
  getCalendarEntry,
  getCalendarEntryCached,
  invalidateCalendarCache,
  calendarsToRecompute,
  markCalendarRecomputed,
  type CalendarEntry,
} from './calendar.service.js';
export { insideWorkingHours, openingOfWorkingDayBefore, slaState, toCalendarIso, workingDaysUntil } from './deadline.js';
export { LEVEL_NAMES, levelAt, levelsToNotify, nextCheckAfter, recomputeClock, startClock, type ClockFields, type EscalationLevel, type StoredClock } from './clock.js';
export {
  clockSetup,
  newClock,
  clockChangesFor,
  clockView,
  firstResponseChanges,
  stored as storedClock,
  CLOCK_STOPPED_STATUSES,
  FIRST_RESPONSE_ACTIONS,
  type ClockChanges,
  type ClockedCase,
  type ClockView,
} from './clock.service.js';
export { PRIORITIES, checkSlaTargets, type Priority, type PolicyMatch, type SlaTargets } from './policy.js';
export { policyFor, slaDefaultsOf } from './policy.service.js';
export { checkCalendarFile } from './calendar.js';
export { expectedWorkingDays } from './expected.js';
export { slaRouters } from './routers.js';
