/**
 * A working calendar as data: the shape the admin API edits and the seed files hold
 * (profiles/<profile>/calendars/<code>.json). Weekends, working hours and holidays are rows, never code
 * (docs/domain.md "Calendars": rules that change are data), so a moon-sighting change is an edit, not a release.
 *
 * `parseCalendar` checks the whole thing with one joi schema (`calendarSchema`) and reports every
 * problem at once, each with a stable code, so an administrator fixes a bad calendar in one round.
 * The seed files are read through config's profile-folder reader.
 */
import Joi from 'joi';
import { DateTime, IANAZone } from 'luxon';
import { listProfileFolders, loadProfileFolder, PROFILES_ROOT } from '../config/index.js';
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

/** `YYYY-MM-DD` and a real day (no 30 February). */
function isDate(value: unknown): value is string {
  return typeof value === 'string' && DATE.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid;
}

const field = (path: readonly (string | number)[]): string => path.join('.');
const lastKey = (path: readonly (string | number)[]): string => String(path[path.length - 1]);
const notAWeekday = (value: unknown): string => `${JSON.stringify(value)} is not one of ${WEEKDAYS.join(', ')}.`;

/** A problem the administrator reads: its stable code, and the message naming the field and value. */
type Problem = readonly [code: string, message: (report: Joi.ErrorReport) => string];

/**
 * `.error(named(problem, { 'array.unique': other }))`: whatever joi finds wrong in a field becomes
 * one of our problems, chosen by the code a rule gave (`fail`) or by joi's error type, else
 * `problem`. A problem an inner schema already named keeps its name.
 */
function named(problem: Problem, byType: Record<string, Problem> = {}): Joi.ValidationErrorFunction {
  return (reports) =>
    reports.map((r) => {
      const local = (r.local ?? {}) as { code?: string; problem?: string };
      if (typeof local.problem === 'string') return r;
      const [code, message] = (local.code ? byType[local.code] : undefined) ?? byType[r.code] ?? problem;
      r.local = { ...local, code, problem: message(r) };
      return r;
    });
}

/** A rule's own problem, named by the field's `named(…)`: `fail(helpers, 'HOURS_NOT_INCREASING')`. */
const fail = (helpers: Joi.CustomHelpers, code: string): Joi.ErrorReport => helpers.error('any.invalid', { code });

const weekday = Joi.string().valid(...WEEKDAYS).error(named(['UNKNOWN_WEEKDAY', (r) => `weekend: ${notAWeekday(r.value)}`]));

/**
 * A day's `[opening, closing]` pair of `HH:MM` times, opening first. The week is split in two:
 * weekend days, and days with hours. A weekend day has none; any other day must have them (a day
 * in neither is a mistake, forgotten hours, not a silent day off). Only checked against a weekend
 * that is a list, so a malformed weekend is one problem, not eight.
 */
const hoursOf = (day: Weekday): Joi.Schema =>
  Joi.any()
    .custom((value: unknown, helpers) => {
      const pair = Array.isArray(value) && value.length === 2 ? (value as unknown[]) : null;
      const open = pair ? minutesOfDay(pair[0]) : null;
      const close = pair ? minutesOfDay(pair[1]) : null;
      if (open === null || close === null) return fail(helpers, 'INVALID_TIME');
      return open < close ? value : fail(helpers, 'HOURS_NOT_INCREASING');
    })
    .when('/weekend', {
      switch: [
        { is: Joi.array().has(Joi.valid(day)), then: Joi.forbidden() },
        { is: Joi.array(), then: Joi.required() },
      ],
    })
    .error(
      named(['INVALID_TIME', (r) => `workingHours.${day} must be ["HH:MM", "HH:MM"] (24-hour), not ${JSON.stringify(r.value)}.`], {
        HOURS_NOT_INCREASING: ['HOURS_NOT_INCREASING', (r) => `workingHours.${day}: opening ${String((r.value as unknown[])[0])} must be before closing ${String((r.value as unknown[])[1])}.`],
        'any.unknown': ['HOURS_ON_WEEKEND', () => `workingHours.${day}: ${day} is a weekend day and cannot have working hours.`],
        'any.required': ['MISSING_HOURS', () => `${day} is not a weekend day, so it needs working hours.`],
      }),
    );

/** A holiday's name, in one language: text that is not blank. */
const holidayName = (language: string, key: string): Joi.Schema =>
  Joi.string().pattern(/\S/).required().error(named(['any.required', (r) => `holidays.${String(r.path[1])} needs an ${language} name (${key}).`]));

const holiday = Joi.object({
  date: Joi.any()
    .custom((value: unknown, helpers) => (isDate(value) ? value : fail(helpers, 'INVALID_DATE')))
    .required()
    .error(named(['INVALID_DATE', (r) => `${field(r.path)} ${JSON.stringify(r.value)} is not a date (YYYY-MM-DD).`])),
  name_ar: holidayName('Arabic', 'name_ar'),
  name_en: holidayName('English', 'name_en'),
})
  .unknown(true)
  .error(named(['INVALID_TYPE', (r) => `${field(r.path)} must be {date, name_ar, name_en}.`]));

/**
 * A calendar, every rule in one schema. Unknown fields are allowed here and left out of the copy
 * parseCalendar returns (joi's stripUnknown would also drop an unknown weekday from workingHours
 * silently instead of naming it). Validated without conversion: what is kept is what was sent.
 */
export const calendarSchema = Joi.object({
  code: Joi.string().pattern(CODE).required().error(named(['INVALID_CODE', () => 'code must look like "BH" or "AE-SHJ".'])),
  timezone: Joi.string()
    .custom((value: string, helpers) => (IANAZone.isValidZone(value) ? value : fail(helpers, 'INVALID_TIMEZONE')))
    .required()
    .error(named(['INVALID_TIMEZONE', (r) => `timezone ${JSON.stringify(r.value)} is not a known IANA time zone.`])),
  note: Joi.string().allow('').error(named(['INVALID_TYPE', () => 'note must be text.'])),
  weekend: Joi.array()
    .items(weekday)
    .unique()
    .custom((days: unknown[], helpers) => (WEEKDAYS.every((d) => days.includes(d)) ? fail(helpers, 'NO_WORKING_DAY') : days))
    .required()
    .error(
      named(['INVALID_TYPE', () => 'weekend must be a list of weekday names.'], {
        'array.unique': ['DUPLICATE_WEEKDAY', (r) => `weekend: ${String((r.local as { value: unknown }).value)} is listed twice.`],
        NO_WORKING_DAY: ['NO_WORKING_DAY', () => 'The week needs at least one working day.'],
      }),
    ),
  workingHours: Joi.object(Object.fromEntries(WEEKDAYS.map((day) => [day, hoursOf(day)])))
    .required()
    .error(
      named(['INVALID_TYPE', () => 'workingHours must map weekday names to ["HH:MM", "HH:MM"].'], {
        'object.unknown': ['UNKNOWN_WEEKDAY', (r) => `workingHours: ${notAWeekday(lastKey(r.path))}`],
      }),
    ),
  holidays: Joi.array()
    .items(holiday)
    .unique((a: { date?: unknown } | null, b: { date?: unknown } | null) => isDate(a?.date) && a.date === b?.date)
    .required()
    .error(
      named(['INVALID_TYPE', () => 'holidays must be a list of {date, name_ar, name_en}.'], {
        // Named at the repeated date, as the person reads the list.
        'array.unique': ['DUPLICATE_DATE', (r) => `holidays.${lastKey(r.path)}.date ${String((r.local as { value: Holiday }).value.date)} is listed twice.`],
      }),
    ),
})
  .unknown(true)
  .required()
  .error(named(['INVALID_TYPE', () => 'A calendar must be an object.']));

/** One ErrorDetail per problem, as named above (a repeated holiday is named at its `date`). */
function calendarProblems(error: Joi.ValidationError): ErrorDetail[] {
  return error.details.map((d) => {
    const { code, problem } = d.context as { code: string; problem: string };
    return { field: code === 'DUPLICATE_DATE' ? `${field(d.path)}.date` : field(d.path), code, message: problem };
  });
}

/**
 * Validates raw calendar data (parsed JSON, an API body) and returns a clean copy: only the known
 * fields, frozen, because deadline code caches what it derives from a calendar object.
 * Throws a ValidationError (VALIDATION_FAILED) whose details and message list every problem.
 */
export function parseCalendar(raw: unknown): Calendar {
  const { error } = calendarSchema.validate(raw, { abortEarly: false, convert: false });
  if (error) {
    const problems = calendarProblems(error);
    throw new ValidationError(problems, `Invalid calendar: ${problems.map((p) => p.message).join('; ')}`);
  }
  const given = raw as Calendar;
  const workingHours: Partial<Record<Weekday, [string, string]>> = {};
  for (const [day, pair] of Object.entries(given.workingHours) as [Weekday, [string, string]][]) workingHours[day] = Object.freeze([pair[0], pair[1]]) as [string, string];
  const holidays = given.holidays.map((h) => Object.freeze({ date: h.date, name_ar: h.name_ar, name_en: h.name_en })).sort((a, b) => a.date.localeCompare(b.date));
  const calendar: Calendar = {
    code: given.code,
    timezone: given.timezone,
    weekend: Object.freeze([...given.weekend]) as Weekday[],
    workingHours: Object.freeze(workingHours),
    holidays: Object.freeze(holidays) as Holiday[],
  };
  if (typeof given.note === 'string') calendar.note = given.note;
  return Object.freeze(calendar);
}

/** What is wrong with the calendar file `calendars/<fileCode>.json` (empty: nothing). Pure. */
export function checkCalendarFile(fileCode: string, raw: unknown): string[] {
  const problems: string[] = [];
  try {
    parseCalendar(raw);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    problems.push(...(err.details ?? []).map((d) => d.message));
  }
  const given = (raw ?? {}) as { code?: unknown };
  if (typeof given.code === 'string' && given.code !== fileCode) problems.push(`code is "${given.code}" but the file is ${fileCode}.json`);
  return problems;
}

/**
 * The seed calendars: every calendars/<CODE>.json of every profile folder (first install, tests);
 * the database is the truth after. A code two folders both ship must be the same calendar.
 */
export function seedCalendarsOfProfiles(root = PROFILES_ROOT): Calendar[] {
  const found = new Map<string, { calendar: Calendar; from: string }>();
  for (const profile of listProfileFolders(root)) {
    for (const [code, raw] of Object.entries(loadProfileFolder(profile, root).calendars)) {
      const calendar = parseCalendar(raw);
      const before = found.get(code);
      if (before && JSON.stringify(before.calendar) !== JSON.stringify(calendar)) {
        throw new Error(`Calendar ${code} differs between ${before.from}/calendars and ${profile}/calendars: ship one version.`);
      }
      if (!before) found.set(code, { calendar, from: profile });
    }
  }
  return [...found.values()].map((f) => f.calendar);
}

export function loadSeedCalendar(code: string, root = PROFILES_ROOT): Calendar {
  const all = seedCalendarsOfProfiles(root);
  const calendar = all.find((c) => c.code === code);
  if (!calendar) throw new Error(`Unknown seed calendar "${code}". Known: ${all.map((c) => c.code).join(', ')}.`);
  return calendar;
}
