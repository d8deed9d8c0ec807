/**
 * The meeting forms of the staff case page (views/work/case.ejs): an officer of the case's agency
 * offers a meeting and records its outcome; a contact-centre agent picks a time for a caller. The
 * times typed into the form are read in the deployment's time zone. Same services and the same
 * validation as the API; a refusal is shown on the case page, success redirects back.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { DateTime } from 'luxon';
import type { Csrf } from '../shared/csrf.js';
import type { ModuleDeps } from '../shared/deps.js';
import { validateWith } from '../shared/validate.js';
import { principalOf, requireRole } from '../users/index.js';
import type { MeetingOutcome } from './meeting.model.js';
import { offerMeetingSchema, outcomeSchema, pickSlotSchema } from './meetings.routes.js';
import { offerMeeting, pickSlot, recordOutcome, type OfferInput } from './meetings.service.js';
import { directoryOrFail, formBody, text } from './page-support.js';
import { findCaseFor } from './workspace.service.js';
import { showRefusal, type Workspace } from './workspace.pages.js';

/** A `datetime-local` value (`2026-12-01T10:00`) read in `zone`, as an instant with its offset; anything else as given (the schema refuses it). */
export function localInstant(value: string | undefined, zone: string): string | undefined {
  if (!value?.trim()) return undefined;
  const local = DateTime.fromISO(value.trim(), { zone });
  return local.isValid && !/(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim()) ? local.toISO({ suppressMilliseconds: true }) : value;
}

export function meetingsWorkRouter(deps: ModuleDeps, csrf: Csrf): Router {
  const ws: Workspace = { deps, csrf };
  const router = Router();
  router.post('/work/cases/:reference/meetings', requireRole('officer', 'supervisor'), csrf.protect, perform(ws, offerFromForm));
  router.post('/work/cases/:reference/meetings/:id/outcome', requireRole('officer', 'supervisor'), csrf.protect, perform(ws, outcomeFromForm));
  router.post('/work/cases/:reference/meetings/:id/pick', requireRole('agent'), csrf.protect, perform(ws, pickForCaller));
  return router;
}

type Step = (ws: Workspace, req: Request<{ reference: string; id?: string }>, res: Parameters<RequestHandler>[1]) => Promise<unknown>;

function perform(ws: Workspace, step: Step): RequestHandler<{ reference: string; id?: string }> {
  return async (req, res) => {
    try {
      await step(ws, req, res);
    } catch (err) {
      await showRefusal(ws, err, req, res);
      return;
    }
    res.redirect(303, `/work/cases/${encodeURIComponent(req.params.reference)}?done=1`);
  };
}

const offerFromForm: Step = async ({ deps }, req, res) => {
  const p = principalOf(res)!;
  const body = formBody(req);
  const { timezone } = (await directoryOrFail(deps.config.deploymentProfile)).profile;
  const slots = ['slot1', 'slot2', 'slot3'].map((k) => localInstant(text(body, k), timezone)).filter((s): s is string => !!s);
  const phone = text(body, 'phone')?.trim();
  const valid = validateWith(offerMeetingSchema, { kind: text(body, 'kind'), slots, durationMinutes: Number(text(body, 'durationMinutes') ?? 30), ...(phone ? { phone } : {}) }, req.t) as Omit<OfferInput, 'slots'> & { slots: string[] };
  const c = await findCaseFor(p, req.params.reference);
  await offerMeeting(p, c, { ...valid, slots: valid.slots.map((s) => new Date(s)) }, deps.clock.now(), deps.config.deploymentProfile);
};

const outcomeFromForm: Step = async ({ deps }, req, res) => {
  const p = principalOf(res)!;
  const body = formBody(req);
  const valid = validateWith(outcomeSchema, { outcome: text(body, 'outcome'), note: text(body, 'note') ?? '' }, req.t) as { outcome: MeetingOutcome; note?: string };
  await recordOutcome(p, await findCaseFor(p, req.params.reference), req.params.id, valid, deps.clock.now());
};

const pickForCaller: Step = async ({ deps }, req, res) => {
  const p = principalOf(res)!;
  const valid = validateWith(pickSlotSchema, { slot: text(formBody(req), 'slot') }, req.t) as { slot: string };
  await pickSlot({ kind: 'agent', principal: p }, await findCaseFor(p, req.params.reference), req.params.id, new Date(valid.slot), deps.clock.now(), deps.config.publicUrl);
};
