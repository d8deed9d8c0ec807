/**
 * `/api/v1/admin/calendars/:code` (administrators read and replace a calendar) and
 * `/api/v1/sla/preview` (staff, and the contact-centre agent telling a caller when to expect an
 * answer): deadlines for a case that would reach an agency at `from`.
 */
import { Router } from 'express';
import Joi from 'joi';
import type { AppDeps } from '../app.js';
import { lookupCodes, profileCalendarCode } from '../directory/index.js';
import { ServiceUnavailableError, ValidationError } from '../shared/errors.js';
import { validate } from '../shared/validate.js';
import { principalOf, requireRole } from '../users/index.js';
import { getCalendar, replaceCalendar } from './calendar.service.js';
import { addWorkingDays, toCalendarIso } from './deadline.js';
import { NATIONAL_DEFAULT } from './policy.js';

const code = Joi.string().trim().max(64).pattern(/^[A-Z][A-Z0-9_]*$/);
const calendarCode = Joi.string().pattern(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/).required();

const previewSchema = Joi.object({
  agency: code,
  category: code,
  type: Joi.string().valid('complaint', 'suggestion', 'inquiry', 'compliment'),
  // An instant with its offset: a bare local time would depend on the server's zone. (Not isoDate():
  // with conversion on, joi rewrites a bare local time into UTC before any other rule sees it.)
  from: Joi.string()
    .pattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/)
    .custom((value: string, helpers) => (Number.isNaN(Date.parse(value)) ? helpers.error('string.pattern.base') : value)),
});

export function slaRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/admin/calendars/:code', requireRole('admin'), validate('params', Joi.object({ code: calendarCode })), async (_req, res) => {
    res.json(await getCalendar((res.locals.params as { code: string }).code));
  });

  router.put('/admin/calendars/:code', requireRole('admin'), validate('params', Joi.object({ code: calendarCode })), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const calendar = await replaceCalendar((res.locals.params as { code: string }).code, body, principalOf(res)!, deps.clock.now());
    res.json(calendar);
  });

  router.get('/sla/preview', requireRole('agent', 'officer', 'supervisor', 'manager', 'admin'), validate('query', previewSchema), async (req, res) => {
    const q = res.locals.query as { agency?: string; category?: string; type?: string; from?: string };
    const profile = deps.config.deploymentProfile;
    const codes = await lookupCodes(profile, { category: q.category ?? null });
    if (q.category && !codes.category) throw new ValidationError([{ field: 'category', code: 'UNKNOWN_CODE', message: req.t('validation.UNKNOWN_CATEGORY') }]);
    const calendarCodeOfProfile = await profileCalendarCode(profile);
    if (!calendarCodeOfProfile) throw new ServiceUnavailableError('DIRECTORY_NOT_SEEDED', 'The directory has not been loaded.');
    const calendar = await getCalendar(calendarCodeOfProfile);
    const from = q.from ? new Date(q.from) : deps.clock.now();
    const targets = NATIONAL_DEFAULT;
    res.json({
      calendar: calendar.code,
      from: toCalendarIso(calendar, from),
      firstResponseDueAt: toCalendarIso(calendar, addWorkingDays(calendar, from, targets.firstResponse.workingDays)),
      resolutionDueAt: toCalendarIso(calendar, addWorkingDays(calendar, from, targets.resolution.workingDays)),
      targets,
    });
  });

  return router;
}
