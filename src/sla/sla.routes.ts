/**
 * `/api/v1/admin/calendars/:code` (administrators read and replace a calendar; open cases on it get
 * their deadlines recomputed), `/api/v1/admin/sla-policies` (administrators list, create, replace
 * and delete policies) and `/api/v1/sla/preview` (staff, and the contact-centre agent telling a
 * caller when to expect an answer): deadlines for a case that would reach an agency at `from`.
 */
import { Router, type RequestHandler } from 'express';
import Joi from 'joi';
import type { ModuleDeps } from '../shared/deps.js';
import { findAgency, lookupCodes } from '../directory/index.js';
import { ValidationError } from '../shared/errors.js';
import { validate } from '../shared/validate.js';
import { principalOf, requireRole } from '../users/index.js';
import { parseCalendar } from './calendar.js';
import { getCalendar, replaceCalendar } from './calendar.service.js';
import { clockSetup } from './clock.service.js';
import { toCalendarIso } from './deadline.js';
import { addTarget, PRIORITIES, policyBodySchema, type SlaPolicy } from './policy.js';
import { createPolicy, deletePolicy, listPolicies, replacePolicy } from './policy.service.js';

const code = Joi.string().trim().max(64).pattern(/^[A-Z][A-Z0-9_]*$/);
const calendarCode = Joi.string().pattern(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/).required();

const previewSchema = Joi.object({
  agency: code,
  category: code,
  type: Joi.string().valid('complaint', 'suggestion', 'inquiry', 'compliment'),
  priority: Joi.string().valid(...PRIORITIES),
  // An instant with its offset: a bare local time would depend on the server's zone. (Not isoDate():
  // with conversion on, joi rewrites a bare local time into UTC before any other rule sees it.)
  from: Joi.string()
    .pattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/)
    .custom((value: string, helpers) => (Number.isNaN(Date.parse(value)) ? helpers.error('string.pattern.base') : value)),
});

const idParams = Joi.object({ id: Joi.string().hex().length(24).required() });
const calendarParams = Joi.object({ code: calendarCode });

type PreviewQuery = { agency?: string; category?: string; type?: string; priority?: (typeof PRIORITIES)[number]; from?: string };

/**
 * The calendar body, checked in the route line by the calendar schema (./calendar.ts: every
 * problem at once, worded as parseCalendar words them); the code is the path's.
 */
const calendarBody: RequestHandler = (req, res, next) => {
  parseCalendar({ ...((req.body ?? {}) as Record<string, unknown>), code: (res.locals.params as { code: string }).code });
  next();
};

/** A policy may only name agencies and categories that exist (after its schema, in the route line). */
function knownPolicyCodes(profile: string): RequestHandler {
  return async (_req, res, next) => {
    const body = res.locals.body as Omit<SlaPolicy, 'id'>;
    const problems = [];
    if (body.match.agency && !(await findAgency(profile, body.match.agency))) problems.push({ field: 'match.agency', code: 'UNKNOWN_CODE', message: `No agency with the code ${body.match.agency}.` });
    if (body.match.category && !(await lookupCodes(profile, { category: body.match.category })).category) {
      problems.push({ field: 'match.category', code: 'UNKNOWN_CODE', message: `No category with the code ${body.match.category}.` });
    }
    if (problems.length) throw new ValidationError(problems);
    next();
  };
}

/**
 * The preview's agency and category must exist; without an agency, a national category's owner is
 * known (a municipal one depends on the area). The agency to preview is on `res.locals.agency`.
 */
function knownPreviewCodes(profile: string): RequestHandler {
  return async (req, res, next) => {
    const q = res.locals.query as PreviewQuery;
    const codes = await lookupCodes(profile, { category: q.category ?? null });
    if (q.category && !codes.category) throw new ValidationError([{ field: 'category', code: 'UNKNOWN_CODE', message: req.t('validation.UNKNOWN_CATEGORY') }]);
    if (q.agency && !(await findAgency(profile, q.agency))) throw new ValidationError([{ field: 'agency', code: 'UNKNOWN_CODE', message: req.t('validation.UNKNOWN_AGENCY') }]);
    res.locals.agency = q.agency ?? (codes.category && codes.category.owner !== 'MUNICIPALITY' ? codes.category.owner : undefined);
    next();
  };
}

export function slaRouter(deps: ModuleDeps): Router {
  const router = Router();
  const profile = deps.config.deploymentProfile;
  const admin = requireRole('admin');
  const staff = requireRole('agent', 'officer', 'supervisor', 'manager', 'admin');
  const policyBody = validate('body', policyBodySchema);

  const readCalendar: RequestHandler = async (_req, res) => {
    res.json(await getCalendar((res.locals.params as { code: string }).code));
  };
  const putCalendar: RequestHandler = async (req, res) => {
    const now = deps.clock.now();
    const { calendar, revision } = await replaceCalendar((res.locals.params as { code: string }).code, (req.body ?? {}) as Record<string, unknown>, principalOf(res)!, now);
    // The open cases on it get their deadlines again (cases/, through the hook: sla/ sits below cases/).
    const recomputedCases = await deps.hooks.calendarChanged(calendar.code, now);
    res.json({ ...calendar, revision, recomputedCases });
  };
  const preview: RequestHandler = async (_req, res) => {
    const q = res.locals.query as PreviewQuery;
    const { policy, entry } = await clockSetup(profile, { agency: res.locals.agency as string | undefined, category: q.category, type: q.type ?? 'complaint', priority: q.priority ?? 'normal' });
    const from = q.from ? new Date(q.from) : deps.clock.now();
    const calendar = entry.calendar;
    res.json({
      calendar: calendar.code,
      from: toCalendarIso(calendar, from),
      firstResponseDueAt: toCalendarIso(calendar, addTarget(calendar, from, policy.firstResponse)),
      resolutionDueAt: toCalendarIso(calendar, addTarget(calendar, from, policy.resolution)),
      targets: { firstResponse: policy.firstResponse, resolution: policy.resolution },
      policyIds: policy.policyIds,
    });
  };

  router.get('/admin/calendars/:code', admin, validate('params', calendarParams), readCalendar);
  router.put('/admin/calendars/:code', admin, validate('params', calendarParams), calendarBody, putCalendar);

  router.get('/admin/sla-policies', admin, async (_req, res) => {
    res.json({ items: await listPolicies(profile) });
  });
  router.post('/admin/sla-policies', admin, policyBody, knownPolicyCodes(profile), async (_req, res) => {
    const policy = await createPolicy(profile, res.locals.body as Omit<SlaPolicy, 'id'>, principalOf(res)!, deps.clock.now());
    res.status(201).location(`/api/v1/admin/sla-policies/${policy.id}`).json(policy);
  });
  router.put('/admin/sla-policies/:id', admin, validate('params', idParams), policyBody, knownPolicyCodes(profile), async (_req, res) => {
    const { id } = res.locals.params as { id: string };
    res.json(await replacePolicy(profile, id, res.locals.body as Omit<SlaPolicy, 'id'>, principalOf(res)!, deps.clock.now()));
  });
  router.delete('/admin/sla-policies/:id', admin, validate('params', idParams), async (_req, res) => {
    await deletePolicy(profile, (res.locals.params as { id: string }).id);
    res.status(204).end();
  });

  router.get('/sla/preview', staff, validate('query', previewSchema), knownPreviewCodes(profile), preview);
  return router;
}
