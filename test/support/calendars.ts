/**
 * Calendars the tests use: every calendar a profile folder ships (profiles/<code>/calendars/): Bahrain's,
 * and the UAE and Sharjah weeks the SLA tests compare with it.
 */
import { seedCalendarsOfProfiles, type Calendar } from '../../src/sla/calendar.js';

export function testCalendars(): Calendar[] {
  return seedCalendarsOfProfiles().sort((a, b) => a.code.localeCompare(b.code));
}

export function testCalendar(code: string): Calendar {
  const found = testCalendars().find((c) => c.code === code);
  if (!found) throw new Error(`No test calendar ${code}.`);
  return found;
}
