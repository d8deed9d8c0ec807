/**
 * Calendars in the database: seeded from the data files, read for deadlines, replaced by
 * administrators. Deadlines of open cases will be recomputed on change once cases carry them
 * (the SLA issue's next step); today cases have no stored deadline to move.
 */
import { NotFoundError } from '../shared/errors.js';
import type { Principal } from '../users/principal.js';
import { CalendarModel } from './calendar.model.js';
import { loadSeedCalendar, parseCalendar, SEED_CALENDAR_CODES, type Calendar } from './calendar.js';

const CACHE_MS = 30_000;
const cache = new Map<string, { at: number; calendar: Calendar }>();

/** Calendars change rarely: each instance keeps them briefly; replacing one here clears the cache. */
export function invalidateCalendarCache(): void {
  cache.clear();
}

export async function getCalendarCached(code: string): Promise<Calendar> {
  const hit = cache.get(code);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.calendar;
  const calendar = await getCalendar(code);
  cache.set(code, { at: Date.now(), calendar });
  return calendar;
}

/** Insert-only: a calendar an administrator has edited is never overwritten. */
export async function seedCalendars(now: Date): Promise<number> {
  let inserted = 0;
  for (const code of SEED_CALENDAR_CODES) {
    const c = loadSeedCalendar(code);
    const result = await CalendarModel.updateOne(
      { code },
      { $setOnInsert: { code, timezone: c.timezone, weekend: c.weekend, workingHours: c.workingHours, holidays: c.holidays, note: c.note, createdAt: now, updatedAt: now } },
      { upsert: true },
    );
    inserted += result.upsertedCount;
  }
  return inserted;
}

export async function getCalendar(code: string): Promise<Calendar> {
  const doc = await CalendarModel.findOne({ code }).lean();
  if (!doc) throw new NotFoundError('CALENDAR_NOT_FOUND', `No calendar with the code ${code}.`);
  const workingHours: unknown = doc.workingHours;
  return parseCalendar({ code: doc.code, timezone: doc.timezone, weekend: doc.weekend, workingHours, holidays: doc.holidays, ...(doc.note ? { note: doc.note } : {}) });
}

/** Replaces a calendar after checking all of it (every problem listed at once). */
export async function replaceCalendar(code: string, raw: Record<string, unknown>, by: Principal, now: Date): Promise<Calendar> {
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
      $setOnInsert: { createdAt: now },
    },
    { upsert: true },
  );
  return getCalendar(code);
}
