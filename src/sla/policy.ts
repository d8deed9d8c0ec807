/**
 * SLA policies (pure): rows of data that set targets for the cases they match, by agency, category,
 * type and priority, over the deployment's defaults (profile.json's `sla`: in Bahrain a first response
 * within 2 working days and a resolution within 14, managers told 5 days after a breach). Each attribute comes from the most specific matching
 * policy that sets it, so a category policy can shorten the resolution target while the agency's
 * own policy still names its calendar.
 *
 * Specificity is a fixed weight per matched field (category 8, agency 4, type 2, priority 1), so
 * every combination has its own rank and two matching policies never tie: "category + type" (10)
 * beats "agency" (4), and "agency + category" (12) beats both.
 *
 * Agency-wide settings (their own calendar, restarting the clock when a case is transferred to them,
 * the head contact told when a case breaches) belong to policies that match on the agency alone.
 */
import Joi from 'joi';
import { ValidationError, type ErrorDetail } from '../shared/errors.js';
import type { Calendar } from './calendar.js';
import { addWorkingDays, addWorkingHours } from './deadline.js';

export const PRIORITIES = ['normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** A target in working days (the working-day rule) or in working hours. */
export type Target = { workingDays: number } | { workingHours: number };

export interface PolicyMatch {
  agency?: string;
  category?: string;
  type?: string;
  priority?: Priority;
}

export interface HeadContact {
  name: string;
  email: string;
  language: 'ar' | 'en';
}

export interface SlaPolicy {
  id: string;
  name: string;
  match: PolicyMatch;
  firstResponse?: Target;
  resolution?: Target;
  /** How long after the deadline a still-breached case goes to managers. */
  managersAfter?: Target;
  /** Agency-wide (a policy matching on the agency alone): the agency's own calendar. */
  calendar?: string;
  /** Agency-wide: a case transferred to this agency starts a new clock. */
  restartOnTransfer?: boolean;
  /** Agency-wide: told when one of the agency's cases breaches its deadline. */
  headContact?: HeadContact;
  /** Agency-wide: the link of the agency's video service, sent with meetings by video (cases/meetings). */
  videoLink?: string;
}

export interface ResolvedPolicy {
  firstResponse: Target;
  resolution: Target;
  managersAfter: Target;
  /** null: the deployment's calendar. */
  calendar: string | null;
  restartOnTransfer: boolean;
  headContact: HeadContact | null;
  /** The agency's video service link; null when the agency has none. */
  videoLink: string | null;
  /** The policies that contributed, most specific first (stored on the case for audit). */
  policyIds: string[];
}

export interface SlaTargets {
  firstResponse: Target;
  resolution: Target;
  managersAfter: Target;
}

const WEIGHT: Record<keyof PolicyMatch, number> = { category: 8, agency: 4, type: 2, priority: 1 };
const MATCH_FIELDS = Object.keys(WEIGHT) as (keyof PolicyMatch)[];

export function specificity(match: PolicyMatch): number {
  return MATCH_FIELDS.reduce((sum, field) => sum + (match[field] !== undefined ? WEIGHT[field] : 0), 0);
}

export function matches(match: PolicyMatch, c: PolicyMatch): boolean {
  return MATCH_FIELDS.every((field) => match[field] === undefined || match[field] === c[field]);
}

/** The targets and settings for a case, from the policies that match it over the deployment's defaults. */
export function resolvePolicy(policies: readonly SlaPolicy[], c: PolicyMatch, defaults: SlaTargets): ResolvedPolicy {
  const matching = policies.filter((p) => matches(p.match, c)).sort((a, b) => specificity(b.match) - specificity(a.match));
  const pick = <K extends keyof SlaPolicy>(key: K): SlaPolicy[K] | undefined => matching.find((p) => p[key] !== undefined)?.[key];
  return {
    firstResponse: pick('firstResponse') ?? defaults.firstResponse,
    resolution: pick('resolution') ?? defaults.resolution,
    managersAfter: pick('managersAfter') ?? defaults.managersAfter,
    calendar: pick('calendar') ?? null,
    restartOnTransfer: pick('restartOnTransfer') ?? false,
    headContact: pick('headContact') ?? null,
    videoLink: pick('videoLink') ?? null,
    policyIds: matching.map((p) => p.id),
  };
}

/** The instant a target ends for a clock started at `start`. */
export function addTarget(calendar: Calendar, start: Date, target: Target): Date {
  return 'workingDays' in target ? addWorkingDays(calendar, start, target.workingDays) : addWorkingHours(calendar, start, target.workingHours);
}

const code = Joi.string().trim().max(64).pattern(/^[A-Z][A-Z0-9_]*$/);
const target = Joi.object({
  workingDays: Joi.number().strict().integer().min(1).max(365),
  workingHours: Joi.number().strict().greater(0).max(2000),
}).xor('workingDays', 'workingHours');

const targetsSchema = Joi.object({ firstResponse: target.required(), resolution: target.required(), managersAfter: target.required() });

/** What is wrong with a profile's SLA defaults (profile.json's `sla`; empty: nothing). Pure. */
export function checkSlaTargets(raw: unknown): string[] {
  const { error } = targetsSchema.validate(raw, { abortEarly: false, convert: false });
  return error ? error.details.map((d) => `sla.${d.message.replace(/^"/, '').replace(/"/, '')}`) : [];
}

/** A profile's SLA defaults, checked (throws listing every problem). */
export function parseSlaTargets(raw: unknown): SlaTargets {
  const problems = checkSlaTargets(raw);
  if (problems.length) throw new Error(`Invalid SLA defaults: ${problems.join('; ')}`);
  const t = raw as SlaTargets;
  return Object.freeze({ firstResponse: Object.freeze({ ...t.firstResponse }), resolution: Object.freeze({ ...t.resolution }), managersAfter: Object.freeze({ ...t.managersAfter }) });
}

/** The body administrators send to create or replace a policy. */
export const policyBodySchema = Joi.object({
  name: Joi.string().trim().min(1).max(200).required(),
  match: Joi.object({
    agency: code,
    category: code,
    type: Joi.string().valid('complaint', 'suggestion', 'inquiry', 'compliment'),
    priority: Joi.string().valid(...PRIORITIES),
  }).required(),
  firstResponse: target,
  resolution: target,
  managersAfter: target,
  calendar: Joi.string().pattern(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/),
  restartOnTransfer: Joi.boolean().strict(),
  headContact: Joi.object({
    name: Joi.string().trim().min(1).max(200).required(),
    email: Joi.string().trim().max(254).email({ tlds: { allow: false } }).required(),
    language: Joi.string().valid('ar', 'en').required(),
  }),
  videoLink: Joi.string().trim().max(2000).uri({ scheme: ['https'] }),
});

/** Rules joi cannot say: agency-wide settings need a policy on the agency alone; a policy must set something. */
export function checkPolicyShape(body: Omit<SlaPolicy, 'id'>): void {
  const problems: ErrorDetail[] = [];
  const agencyOnly = body.match.agency !== undefined && specificity(body.match) === WEIGHT.agency;
  for (const field of ['calendar', 'restartOnTransfer', 'headContact', 'videoLink'] as const) {
    if (body[field] !== undefined && !agencyOnly) {
      problems.push({ field, code: 'AGENCY_WIDE_SETTING', message: `${field} applies to a whole agency: set it on a policy that matches on the agency alone.` });
    }
  }
  const sets = ['firstResponse', 'resolution', 'managersAfter', 'calendar', 'restartOnTransfer', 'headContact', 'videoLink'].some((k) => body[k as keyof typeof body] !== undefined);
  if (!sets) problems.push({ field: '', code: 'EMPTY_POLICY', message: 'A policy must set at least one target or setting.' });
  if (problems.length) throw new ValidationError(problems);
}
