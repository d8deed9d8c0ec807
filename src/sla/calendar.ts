/**
 * A working calendar as data: the shape the admin API edits and the seed files hold
 * (./calendars/<code>.json). Weekends, working hours and holidays are rows, never code
 * (docs/domain.md "Calendars": rules that change are data), so a moon-sighting change is an edit, not a release.
 *
 * `parseCalendar` checks the whole thing and reports every problem at once, so an administrator
 * fixes a bad calendar in one round. Only `loadSeedCalendar` touches the file system.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DateTime, IANAZone } from 'luxon';
import { ValidationError, type ErrorDetail } from '../shared/errors.js';

/** In luxon's order: index + 1 is luxon's `weekday` (1 = Monday … 7 = Sunday). */
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Holiday {
  /** Local calendar date, `YYYY-MM-DD`. */
  date: string;
  name_ar: string;
  name_en: string;
}

export interface Calendar {
  /** `BH`, `AE`, `AE-SHJ`, … */
  code: string;
  /** IANA zone; working hours and holiday dates are local to it. */
  timezone: string;
  weekend: Weekday[];
  /** Local opening and closing times, `HH:MM` 24-hour, opening < closing; absent on weekend days. */
  workingHours: Partial<Record<Weekday, [string, string]>>;
  holidays: Holiday[];
  /** Free text for administrators (e.g. "Islamic dates are estimates"). */
  note?: string;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

/** Minutes after local midnight of an `HH:MM` time, or null when it is not one. */
export function minutesOfDay(time: unknown): number | null {
  if (typeof time !== 'string') return null;
  const m = TIME.exec(time);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isWeekday(value: unknown): value is Weekday {
  return typeof value === 'string' && (WEEKDAYS as readonly string[]).includes(value);
}

function nonBlank(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * Validates raw calendar data (parsed JSON, an API body) and returns a clean copy: only the known
 * fields, frozen, because deadline code caches what it derives from a calendar object.
 * Throws a ValidationError (VALIDATION_FAILED) whose details and message list every problem.
 */
export function parseCalendar(raw: unknown): Calendar {
  const problems: ErrorDetail[] = [];
  const problem = (field: string, code: string, message: string): void => {
    problems.push({ field, code, message });
  };
  if (!isObject(raw)) {
    throw new ValidationError([{ field: '', code: 'INVALID_TYPE', message: 'A calendar must be an object.' }], 'Invalid calendar: a calendar must be an object.');
  }

  if (typeof raw.code !== 'string' || !CODE.test(raw.code)) problem('code', 'INVALID_CODE', 'code must look like "BH" or "AE-SHJ".');
  if (typeof raw.timezone !== 'string' || !IANAZone.isValidZone(raw.timezone)) {
    problem('timezone', 'INVALID_TIMEZONE', `timezone ${JSON.stringify(raw.timezone)} is not a known IANA time zone.`);
  }
  if (raw.note !== undefined && typeof raw.note !== 'string') problem('note', 'INVALID_TYPE', 'note must be text.');

  const weekend: Weekday[] = [];
  if (!Array.isArray(raw.weekend)) {
    problem('weekend', 'INVALID_TYPE', 'weekend must be a list of weekday names.');
  } else {
    raw.weekend.forEach((day: unknown, i) => {
      if (!isWeekday(day)) problem(`weekend.${i}`, 'UNKNOWN_WEEKDAY', `weekend: ${JSON.stringify(day)} is not one of ${WEEKDAYS.join(', ')}.`);
      else if (weekend.includes(day)) problem(`weekend.${i}`, 'DUPLICATE_WEEKDAY', `weekend: ${day} is listed twice.`);
      else weekend.push(day);
    });
  }

  const workingHours: Partial<Record<Weekday, [string, string]>> = {};
  if (!isObject(raw.workingHours)) {
    problem('workingHours', 'INVALID_TYPE', 'workingHours must map weekday names to ["HH:MM", "HH:MM"].');
  } else {
    for (const [day, hours] of Object.entries(raw.workingHours)) {
      const field = `workingHours.${day}`;
      if (!isWeekday(day)) {
        problem(field, 'UNKNOWN_WEEKDAY', `workingHours: ${JSON.stringify(day)} is not one of ${WEEKDAYS.join(', ')}.`);
        continue;
      }
      const pair = Array.isArray(hours) && hours.length === 2 ? (hours as unknown[]) : null;
      const open = pair ? minutesOfDay(pair[0]) : null;
      const close = pair ? minutesOfDay(pair[1]) : null;
      if (open === null || close === null) {
        problem(field, 'INVALID_TIME', `workingHours.${day} must be ["HH:MM", "HH:MM"] (24-hour), not ${JSON.stringify(hours)}.`);
      } else if (open >= close) {
        problem(field, 'HOURS_NOT_INCREASING', `workingHours.${day}: opening ${String(pair![0])} must be before closing ${String(pair![1])}.`);
      }
      if (weekend.includes(day)) problem(field, 'HOURS_ON_WEEKEND', `workingHours.${day}: ${day} is a weekend day and cannot have working hours.`);
      if (open !== null && close !== null && open < close && !weekend.includes(day)) workingHours[day] = [pair![0] as string, pair![1] as string];
    }
    // The week is split in two: weekend days, and days with hours. A day in neither is a mistake
    // (forgotten hours), not a silent day off.
    if (Array.isArray(raw.weekend)) {
      for (const day of WEEKDAYS) {
        if (!weekend.includes(day) && !(day in raw.workingHours)) problem(`workingHours.${day}`, 'MISSING_HOURS', `${day} is not a weekend day, so it needs working hours.`);
      }
    }
    if (weekend.length === WEEKDAYS.length) problem('weekend', 'NO_WORKING_DAY', 'The week needs at least one working day.');
  }

  const holidays: Holiday[] = [];
  if (!Array.isArray(raw.holidays)) {
    problem('holidays', 'INVALID_TYPE', 'holidays must be a list of {date, name_ar, name_en}.');
  } else {
    const seen = new Set<string>();
    raw.holidays.forEach((h: unknown, i) => {
      const field = `holidays.${i}`;
      if (!isObject(h)) {
        problem(field, 'INVALID_TYPE', `holidays.${i} must be {date, name_ar, name_en}.`);
        return;
      }
      const date = h.date;
      const validDate = typeof date === 'string' && DATE.test(date) && DateTime.fromISO(date, { zone: 'utc' }).isValid;
      if (!validDate) problem(`${field}.date`, 'INVALID_DATE', `holidays.${i}.date ${JSON.stringify(date)} is not a date (YYYY-MM-DD).`);
      else if (seen.has(date)) problem(`${field}.date`, 'DUPLICATE_DATE', `holidays.${i}.date ${date} is listed twice.`);
      if (!nonBlank(h.name_ar)) problem(`${field}.name_ar`, 'any.required', `holidays.${i} needs an Arabic name (name_ar).`);
      if (!nonBlank(h.name_en)) problem(`${field}.name_en`, 'any.required', `holidays.${i} needs an English name (name_en).`);
      if (validDate && !seen.has(date) && nonBlank(h.name_ar) && nonBlank(h.name_en)) holidays.push(Object.freeze({ date, name_ar: h.name_ar, name_en: h.name_en }));
      if (validDate) seen.add(date);
    });
  }

  if (problems.length > 0) {
    throw new ValidationError(problems, `Invalid calendar: ${problems.map((p) => p.message).join('; ')}`);
  }
  for (const day of WEEKDAYS) if (workingHours[day]) Object.freeze(workingHours[day]);
  holidays.sort((a, b) => a.date.localeCompare(b.date));
  const calendar: Calendar = {
    code: raw.code as string,
    timezone: raw.timezone as string,
    weekend: Object.freeze(weekend) as Weekday[],
    workingHours: Object.freeze(workingHours),
    holidays: Object.freeze(holidays) as Holiday[],
  };
  if (typeof raw.note === 'string') calendar.note = raw.note;
  return Object.freeze(calendar);
}

const SEED_DIR = path.join(__dirname, 'calendars');

/** The seed calendars shipped with the code (first install, tests); the database is the truth after. */
export const SEED_CALENDAR_CODES = Object.freeze(['AE', 'AE-SHJ', 'BH'] as const);

export function loadSeedCalendar(code: string): Calendar {
  if (!(SEED_CALENDAR_CODES as readonly string[]).includes(code)) {
    throw new Error(`Unknown seed calendar "${code}". Known: ${SEED_CALENDAR_CODES.join(', ')}.`);
  }
  return parseCalendar(JSON.parse(fs.readFileSync(path.join(SEED_DIR, `${code}.json`), 'utf8')));
}
