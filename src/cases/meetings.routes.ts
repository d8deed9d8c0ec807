/**
 * `/api/v1/cases/:reference/meetings`: officers of the case's agency offer a meeting and record its
 * outcome; the case's citizen (signed in, or with the tracking code in X-Tracking-Token) or a
 * contact-centre agent picks a slot. Each endpoint reads guard → validate → handler.
 */
import { Router, type Request, type Response } from 'express';
import Joi from 'joi';
import type { ModuleDeps } from '../shared/deps.js';
import { ForbiddenError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import { validate } from '../shared/validate.js';
import { principalOf, requireAuth } from '../users/index.js';
import type { CaseDoc } from './case.model.js';
import { viewerOf } from './case.routes.js';
import { MEETING_KINDS, MEETING_OUTCOMES, type MeetingDoc, type MeetingOutcome } from './meeting.model.js';
import { MAX_SLOTS, MEETING_DURATIONS, meetingView } from './meetings.js';
import { meetingsOf, offerMeeting, pickSlot, recordOutcome, type OfferInput, type Picker } from './meetings.service.js';
import { findVisibleCase } from './tracking.service.js';
import { findCaseFor } from './workspace.service.js';
import { isStaff } from '../shared/principal.js';

/** An instant with its offset (`Z` or `+03:00`): a time without one would be read in the server's zone. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const instant = Joi.string()
  .trim()
  .max(40)
  .custom((value: string, helpers) => (INSTANT.test(value) && !Number.isNaN(new Date(value).getTime()) ? new Date(value).toISOString() : helpers.error('string.isoDate')));

export const offerMeetingSchema = Joi.object({
  kind: Joi.string().valid(...MEETING_KINDS).required(),
  slots: Joi.array().items(instant.required()).min(1).max(MAX_SLOTS).required(),
  durationMinutes: Joi.number().integer().valid(...MEETING_DURATIONS).default(30),
  phone: Joi.string().trim().max(20).pattern(/^\+?[0-9][0-9 ()-]{6,19}$/),
});

export const pickSlotSchema = Joi.object({ slot: instant.required() });

export const outcomeSchema = Joi.object({
  outcome: Joi.string().valid(...MEETING_OUTCOMES).required(),
  note: Joi.string().trim().max(2000).allow(''),
});

type MeetingRequest = Request<{ reference: string; id?: string }>;

export function meetingsApiRouter(deps: ModuleDeps): Router {
  const router = Router();
  router.get('/:reference/meetings', listMeetings);
  router.post('/:reference/meetings', requireAuth, validate('body', offerMeetingSchema), offer(deps));
  router.post('/:reference/meetings/:id/pick', validate('body', pickSlotSchema), pick(deps));
  router.post('/:reference/meetings/:id/outcome', requireAuth, validate('body', outcomeSchema), outcome(deps));
  return router;
}

/** The case as the caller may see it: signed in (staff, the owner), else with the tracking code. */
async function visibleCase(req: MeetingRequest, res: Response): Promise<{ c: CaseDoc; p: Principal | undefined }> {
  const p = principalOf(res);
  if (p) return { c: await findCaseFor(p, req.params.reference), p };
  return { c: await findVisibleCase(req.params.reference, viewerOf(req)), p };
}

async function listMeetings(req: MeetingRequest, res: Response): Promise<void> {
  const { c, p } = await visibleCase(req, res);
  res.json({ items: (await meetingsOf(c)).map((m) => meetingView(m, isStaff(p))) });
}

function offer(deps: ModuleDeps) {
  return async (req: MeetingRequest, res: Response): Promise<void> => {
    const p = principalOf(res)!;
    const c = await findCaseFor(p, req.params.reference);
    const body = res.locals.body as Omit<OfferInput, 'slots'> & { slots: string[] };
    const m = await offerMeeting(p, c, { ...body, slots: body.slots.map((s) => new Date(s)) }, deps.clock.now(), deps.config.deploymentProfile);
    res.status(201).location(`/api/v1/cases/${c.reference}/meetings/${m._id.toHexString()}`).json(meetingView(m, true));
  };
}

/** The citizen of the case, or an agent for a caller; other staff do not pick for citizens. */
function pickerOf(p: Principal | undefined): Picker {
  if (!p || p.role === 'citizen') return { kind: 'citizen' };
  if (p.role === 'agent') return { kind: 'agent', principal: p };
  throw new ForbiddenError('ACTION_NOT_ALLOWED', 'The citizen picks the time of a meeting, or the contact centre for a caller.');
}

function pick(deps: ModuleDeps) {
  return async (req: MeetingRequest, res: Response): Promise<void> => {
    const { c, p } = await visibleCase(req, res);
    const m: MeetingDoc = await pickSlot(pickerOf(p), c, req.params.id, new Date((res.locals.body as { slot: string }).slot), deps.clock.now(), deps.config.publicUrl);
    res.json(meetingView(m, isStaff(p)));
  };
}

function outcome(deps: ModuleDeps) {
  return async (req: MeetingRequest, res: Response): Promise<void> => {
    const p = principalOf(res)!;
    const c = await findCaseFor(p, req.params.reference);
    const m = await recordOutcome(p, c, req.params.id, res.locals.body as { outcome: MeetingOutcome; note?: string }, deps.clock.now());
    res.json(meetingView(m, true));
  };
}
