/**
 * The directory page's forms (pure): their joi schemas, and the calendar days an administrator
 * types for a category's window as instants in the profile's time zone. A window "from 1 March
 * until 15 March" opens at the start of 1 March and closes at the end of 15 March there
 * (`validUntil` is stored as the start of the next day, exclusive).
 */
import Joi from 'joi';
import { codeSchema } from './directory-admin.routes.js';

const name = Joi.string().trim().min(1).max(200);
const day = Joi.string().allow('').pattern(/^\d{4}-\d{2}-\d{2}$/);
const retired = Joi.string().valid('true', 'false');

export const formSchemas = {
  agency: Joi.object({ code: codeSchema.required(), name_ar: name.required(), name_en: name.required() }),
  agencyPatch: Joi.object({ name_ar: name, name_en: name, retired }),
  area: Joi.object({ code: codeSchema.required(), name_ar: name.required(), name_en: name.required(), municipality: codeSchema.required() }),
  areaPatch: Joi.object({ name_ar: name, name_en: name, municipality: codeSchema, retired }),
  category: Joi.object({ code: codeSchema.required(), name_ar: name.required(), name_en: name.required(), owner: codeSchema.required(), group: codeSchema.required(), validFrom: day, validUntil: day }),
  categoryPatch: Joi.object({ name_ar: name, name_en: name, owner: codeSchema, group: codeSchema, validFrom: day, validUntil: day, retired }),
};

export const formFields = {
  agency: ['code', 'name_ar', 'name_en'],
  agencyPatch: ['name_ar', 'name_en', 'retired'],
  area: ['code', 'name_ar', 'name_en', 'municipality'],
  areaPatch: ['name_ar', 'name_en', 'municipality', 'retired'],
  category: ['code', 'name_ar', 'name_en', 'owner', 'group', 'validFrom', 'validUntil'],
  categoryPatch: ['name_ar', 'name_en', 'owner', 'group', 'validFrom', 'validUntil', 'retired'],
} as const;

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(instant));
  const n = (type: string): number => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(instant / 1000) * 1000;
}

/** The start of a calendar day (`YYYY-MM-DD`) in the zone, `days` later. */
export function startOfDay(date: string, timeZone: string, days = 0): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const utc = Date.UTC(y, m - 1, d + days);
  return new Date(utc - offsetAt(utc - offsetAt(utc, timeZone), timeZone));
}

/** The calendar day (`YYYY-MM-DD`) of an instant in the zone; `lastDay`: of the instant just before (an exclusive end). */
export function dayOf(instant: Date, timeZone: string, lastDay = false): string {
  const at = new Date(instant.getTime() - (lastDay ? 1 : 0));
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** A window field of a form: absent stays absent, empty clears, a day becomes its instant. */
export function windowEnd(value: string | undefined, timeZone: string, end: 'from' | 'until'): Date | null | undefined {
  if (value === undefined) return undefined;
  if (value === '') return null;
  return startOfDay(value, timeZone, end === 'until' ? 1 : 0);
}

/** A form's `retired` field as the service's flag. */
export function retiredFlag(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : value === 'true';
}
