/**
 * Calendars the tests use: every calendar a profile folder ships (profiles/<code>/calendars/), and,
 * for a code no profile folder ships yet, the copy in test/fixtures/calendars/ (the UAE and
 * Sharjah weeks the SLA tests compare with Bahrain's, until a profile folder carries them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseCalendar, seedCalendarsOfProfiles, type Calendar } from '../../src/sla/calendar.js';

const FIXTURES = path.resolve(__dirname, '../fixtures/calendars');

/** The calendars of the profile folders, then the fixtures whose code none of them has. */
export function testCalendars(): Calendar[] {
  const ofProfiles = seedCalendarsOfProfiles();
  const fixtures = fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => parseCalendar(JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8'))))
    .filter((c) => !ofProfiles.some((p) => p.code === c.code));
  return [...ofProfiles, ...fixtures].sort((a, b) => a.code.localeCompare(b.code));
}

export function testCalendar(code: string): Calendar {
  const found = testCalendars().find((c) => c.code === code);
  if (!found) throw new Error(`No test calendar ${code}.`);
  return found;
}
