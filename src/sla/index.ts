/** The SLA module: calendars, policies, clocks on cases, the escalation sweep. */
export { runSlaSweep, levelsToNotify, type SweepOptions, type SweepResult } from './sweep.js';
export { recomputeCalendarClocks, recomputeStaleClocks } from './recompute.js';
export { seedCalendars, getCalendarCached, invalidateCalendarCache } from './calendar.service.js';
export { slaState, toCalendarIso } from './deadline.js';
export { expectedWorkingDays } from './expected.js';
