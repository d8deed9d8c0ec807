/**
 * `/api/v1/admin/calendars/:code` (administrators read and replace a calendar; open cases on it get
 * their deadlines recomputed), `/api/v1/admin/sla-policies` (administrators list, create, replace
 * and delete policies) and `/api/v1/sla/preview` (staff, and the contact-centre agent telling a
 * caller when to expect an answer): deadlines for a case that would reach an agency at `from`.
 */
import { Router } from 'express';
import Joi from 'joi';
import type { ModuleDeps } from '../shared/deps.js';
import { findAgency, lookupCodes } from '../directory/index.js';
import { ValidationError } from '../shared/errors.js';
import { validate } from '../shared/validate.js';
import { principalOf, requireRole } from '../users/index.js';
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

export function slaRouter(deps: ModuleDeps): Router {
  const router = Router();
  const profile = deps.config.deploymentProfile;

  router.get('/admin/calendars/:code', requireRole('admin'), validate('params', Joi.object({ code: calendarCode })), async (_req, res) => {
    res.json(await getCalendar((res.locals.params as { code: string }).code));
  });

  router.put('/admin/calendars/:code', requireRole('admin'), validate('params', Joi.object({ code: calendarCode })), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const now = deps.clock.now();
    const { calendar, revision } = await replaceCalendar((res.locals.params as { code: string }).code, body, principalOf(res)!, now);
    // The open cases on it get their deadlines again (cases/, through the hook: sla/ sits below cases/).
    const recomputedCases = await deps.hooks.calendarChanged(calendar.code, now);
    res.json({ ...calendar, revision, recomputedCases });
  });

  router.get('/admin/sla-policies', requireRole('admin'), async (_req, res) => {
    res.json({ items: await listPolicies(profile) });
  });

  router.post('/admin/sla-policies', requireRole('admin'), validate('body', policyBodySchema), async (_req, res) => {
    const policy = await createPolicy(profile, await checkCodes(res.locals.body as Omit<SlaPolicy, 'id'>), principalOf(res)!, deps.clock.now());
    res.status(201).location(`/api/v1/admin/sla-policies/${policy.id}`).json(policy);
  });

  router.put('/admin/sla-policies/:id', requireRole('admin'), validate('params', idParams), validate('body', policyBodySchema), async (_req, res) => {
    const { id } = res.locals.params as { id: string };
    res.json(await replacePolicy(profile, id, await checkCodes(res.locals.body as Omit<SlaPolicy, 'id'>), principalOf(res)!, deps.clock.now()));
  });

  router.delete('/admin/sla-policies/:id', requireRole('admin'), validate('params', idParams), async (_req, res) => {
    await deletePolicy(profile, (res.locals.params as { id: string }).id);
    res.status(204).end();
  });

  /** A policy may only name agencies and categories that exist. */
  async function checkCodes(body: Omit<SlaPolicy, 'id'>): Promise<Omit<SlaPolicy, 'id'>> {
    const problems = [];
    if (body.match.agency && !(await findAgency(profile, body.match.agency))) problems.push({ field: 'match.agency', code: 'UNKNOWN_CODE', message: `No agency with the code ${body.match.agency}.` });
    if (body.match.category && !(await lookupCodes(profile, { category: body.match.category })).category) {
      problems.push({ field: 'match.category', code: 'UNKNOWN_CODE', message: `No category with the code ${body.match.category}.` });
    }
    if (problems.length) throw new ValidationError(problems);
    return body;
  }

  router.get('/sla/preview', requireRole('agent', 'officer', 'supervisor', 'manager', 'admin'), validate('query', previewSchema), async (req, res) => {
    const q = res.locals.query as { agency?: string; category?: string; type?: string; priority?: (typeof PRIORITIES)[number]; from?: string };
    const codes = await lookupCodes(profile, { category: q.category ?? null });
    if (q.category && !codes.category) throw new ValidationError([{ field: 'category', code: 'UNKNOWN_CODE', message: req.t('validation.UNKNOWN_CATEGORY') }]);
    if (q.agency && !(await findAgency(profile, q.agency))) throw new ValidationError([{ field: 'agency', code: 'UNKNOWN_CODE', message: req.t('validation.UNKNOWN_AGENCY') }]);
    // Without an agency, a national category's owner is known; a municipal one depends on the area.
    const agency = q.agency ?? (codes.category && codes.category.owner !== 'MUNICIPALITY' ? codes.category.owner : undefined);
    const { policy, entry } = await clockSetup(profile, { agency, category: q.category, type: q.type ?? 'complaint', priority: q.priority ?? 'normal' });
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
  });

  return router;
}
