/**
 * Calendars in the database: seeded from the data files, read for deadlines, replaced by
 * administrators. Every replacement bumps the calendar's revision; the deadlines of open cases
 * computed with an older revision are then recomputed (cases/recompute.service.ts).
 */
import { NotFoundError } from '../shared/errors.js';
import { ReadCache } from '../shared/read-cache.js';
import type { Principal } from '../shared/principal.js';
import { CalendarModel } from './calendar.model.js';
import { parseCalendar, seedCalendarsOfProfiles, type Calendar } from './calendar.js';

const cache = new ReadCache<CalendarEntry>(30_000);

export interface CalendarEntry {
  calendar: Calendar;
  revision: number;
}

/** Calendars change rarely: each instance keeps them briefly; replacing one here clears the cache. */
export function invalidateCalendarCache(): void {
  cache.clear();
}

export async function getCalendarCached(code: string): Promise<Calendar> {
  return (await getCalendarEntryCached(code)).calendar;
}

/** The calendar with its revision, which clocks store so that a later change can find them. */
export async function getCalendarEntryCached(code: string): Promise<CalendarEntry> {
  return cache.get(code, () => getCalendarEntry(code));
}

/** Insert-only: a calendar an administrator has edited is never overwritten. Returns how many were added. */
export async function seedCalendarList(calendars: readonly Calendar[], now: Date): Promise<number> {
  let inserted = 0;
  for (const c of calendars) {
    const result = await CalendarModel.updateOne(
      { code: c.code },
      { $setOnInsert: { code: c.code, timezone: c.timezone, weekend: c.weekend, workingHours: c.workingHours, holidays: c.holidays, note: c.note, revision: 1, createdAt: now, updatedAt: now } },
      { upsert: true },
    );
    inserted += result.upsertedCount;
  }
  return inserted;
}

/** Seeds the calendars of every profile folder (profiles/<code>/calendars/), so an agency may follow any of them. */
export async function seedCalendars(now: Date): Promise<number> {
  return seedCalendarList(seedCalendarsOfProfiles(), now);
}

export async function getCalendar(code: string): Promise<Calendar> {
  return (await getCalendarEntry(code)).calendar;
}

export async function getCalendarEntry(code: string): Promise<CalendarEntry> {
  const doc = await CalendarModel.findOne({ code }).lean();
  if (!doc) throw new NotFoundError('CALENDAR_NOT_FOUND', `No calendar with the code ${code}.`);
  const workingHours: unknown = doc.workingHours;
  const calendar = parseCalendar({ code: doc.code, timezone: doc.timezone, weekend: doc.weekend, workingHours, holidays: doc.holidays, ...(doc.note ? { note: doc.note } : {}) });
  return { calendar, revision: doc.revision ?? 1 };
}

/** Replaces a calendar after checking all of it (every problem listed at once); bumps its revision. */
export async function replaceCalendar(code: string, raw: Record<string, unknown>, by: Principal, now: Date): Promise<CalendarEntry> {
  const calendar = parseCalendar({ ...raw, code });
  invalidateCalendarCache();
  await CalendarModel.updateOne(
    { code },
    {
      $set: {
        timezone: calendar.timezone,
        weekend: calendar.weekend,
        workingHours: calendar.workingHours,
        holidays: calendar.holidays,
        ...(calendar.note ? { note: calendar.note } : {}),
        updatedBy: { userId: by.userId, name: by.name },
        updatedAt: now,
      },
      $inc: { revision: 1 },
      $setOnInsert: { createdAt: now },
    },
    { upsert: true },
  );
  invalidateCalendarCache();
  return getCalendarEntry(code);
}

/** The calendars whose latest revision has not yet been applied to every open case (a recompute cut short). */
export async function calendarsToRecompute(): Promise<string[]> {
  const calendars = await CalendarModel.find({}).select({ code: 1, revision: 1, recomputedRevision: 1 }).lean();
  return calendars.filter((c) => (c.revision ?? 1) > (c.recomputedRevision ?? 1)).map((c) => c.code);
}

/** Records that every open case on `code` runs on `revision`: later sweeps skip the calendar until it changes again. */
export async function markCalendarRecomputed(code: string, revision: number): Promise<void> {
  await CalendarModel.updateOne({ code, revision }, { $set: { recomputedRevision: revision } });
}
