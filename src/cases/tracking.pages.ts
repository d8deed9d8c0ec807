/**
 * The tracking pages: find a case by reference and tracking code, the case page, and what its owner
 * does there (add a message or files, reopen or accept the answer, rate it), its attachments, and
 * following a look-alike instead of filing. Forms post and redirect (Post/Redirect/Get); refusals are
 * shown beside the fields. After the first step the token travels in a sealed cookie (page-support.ts).
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import type { Csrf } from '../shared/csrf.js';
import { ValidationError } from '../shared/errors.js';
import { pageRefusal } from '../shared/page-errors.js';
import type { TFunction } from '../shared/i18n.js';
import { principalOf, requireRole } from '../users/index.js';
import { allowedActions, ratingWindowOpen } from './status.js';
import { applyTransition, rateCase } from './workspace.service.js';
import { dateLocale, requestLanguage } from '../shared/i18n.js';
import { validateWith } from '../shared/validate.js';
import { adoptAttachments, asStored, assertOpenForFiles, checkAttachments, discardAttachments, displayFilename, receiveAttachments, receivedFiles } from './attachments.js';
import { sendAttachment, type CaseLimits } from './case.routes.js';
import type { CaseDoc, CaseType } from './case.model.js';
import { citizenMessageSchema, ratingSchema } from './case.schemas.js';
import { expectedWorkingDays } from '../sla/index.js';
import { normaliseReference } from './reference.js';
import { addCitizenAttachments, addCitizenMessage, citizenView, findAttachment, findVisibleCase, type CaseView, type TimelineEntry } from './tracking.service.js';
import { directoryOrFail, errorsByField, formBody, pageCookies, rememberTracking, text, visibleFromCookie, type FormBody, type PageCookies } from './page-support.js';
import { directoryEntry, type DirectoryView } from '../directory/index.js';
import { meetingTime } from './meeting-emails.js';
import { meetingView } from './meetings.js';
import { meetingsOf, pickSlot } from './meetings.service.js';
import { pickSlotSchema } from './meetings.routes.js';

/** What the tracking pages' handlers share. */
interface TrackingPages {
  deps: ModuleDeps;
  csrf: Csrf;
  cookies: PageCookies;
}

type CaseRequest = Request<{ reference: string }>;
type CaseHandler = (req: CaseRequest, res: Response) => Promise<void>;

export function trackingPagesRouter(deps: ModuleDeps, csrf: Csrf, limits: CaseLimits): Router {
  const pages: TrackingPages = { deps, csrf, cookies: pageCookies(deps.config) };
  const router = Router();
  // Following a look-alike instead of filing: for a signed-in citizen (a guest is asked to sign in).
  router.post('/cases/:reference/follow', limits.tracking, requireRole('citizen'), csrf.protect, followInstead(deps));
  router.get('/track', limits.tracking, trackFromLink(pages));
  router.post('/track', limits.tracking, csrf.protect, trackFromForm(pages));
  router.get('/cases/:reference', limits.tracking, showCase(pages));
  router.post('/cases/:reference/messages', limits.tracking, uploadTarget(pages), receiveAttachments, csrf.protect, addFromPage(pages));
  router.post('/cases/:reference/act', limits.tracking, csrf.protect, ownerDecision(pages));
  router.post('/cases/:reference/rating', limits.tracking, csrf.protect, rateFromPage(pages));
  router.post('/cases/:reference/meetings/:id/pick', limits.tracking, csrf.protect, pickFromPage(pages));
  router.get('/cases/:reference/attachments/:attachmentId', limits.tracking, downloadAttachment(pages));
  return router;
}

function followInstead(deps: ModuleDeps): CaseHandler {
  return async (req, res) => {
    const reference = await deps.hooks.followCase(principalOf(res)!, req.params.reference);
    res.redirect(303, `/cases/new?followed=${encodeURIComponent(reference)}`);
  };
}

function renderTrack(pages: TrackingPages, req: Request, res: Response, status: number, values: FormBody, notFound: boolean): void {
  res.status(status).render('cases/track', { values, notFound, csrfToken: pages.csrf.token(req, res) });
}

/** Checks a reference and token; on success remembers them and redirects to the case page. */
async function openCase(res: Response, cookies: PageCookies, referenceInput: unknown, token: unknown): Promise<boolean> {
  const reference = normaliseReference(referenceInput);
  if (!reference || typeof token !== 'string') return false;
  try {
    await findVisibleCase(reference, { kind: 'tracking-token', token: token.trim() });
  } catch {
    return false;
  }
  rememberTracking(res, cookies, reference, token.trim());
  res.redirect(303, `/cases/${reference}`);
  return true;
}

function trackFromLink(pages: TrackingPages): RequestHandler {
  return async (req, res) => {
    const { reference, token } = req.query;
    if (reference !== undefined && token !== undefined) {
      // The link in the receipt email: check it, then drop the token from the address.
      if (await openCase(res, pages.cookies, reference, token)) return;
      renderTrack(pages, req, res, 404, { reference: typeof reference === 'string' ? reference : '' }, true);
      return;
    }
    // The link in an update email carries only the reference: fill it in, ask for the code.
    renderTrack(pages, req, res, 200, { reference: typeof reference === 'string' ? (normaliseReference(reference) ?? '') : '' }, false);
  };
}

function trackFromForm(pages: TrackingPages): RequestHandler {
  return async (req, res) => {
    const body = formBody(req);
    if (await openCase(res, pages.cookies, body.reference, body.token)) return;
    renderTrack(pages, req, res, 404, { reference: text(body, 'reference') ?? '' }, true);
  };
}

/** A timeline entry in the reader's words. */
function describeEvent(t: TFunction, e: TimelineEntry): string {
  if (e.event === 'routed') return t(e.to === 'triage' ? 'case.events.routed_triage' : 'case.events.routed_agency');
  if (e.event === 'message') return t(e.by === 'citizen' ? 'case.events.message_citizen' : 'case.events.message_agency');
  if (e.event === 'status_changed') return t('case.events.status_changed', { status: t(`statuses.${e.to ?? ''}`) });
  if (e.event === 'attachment_added') return t('case.events.attachment_added', { note: displayFilename(e.note ?? '') });
  return t(`case.events.${e.event}`, { note: e.note ?? '' });
}

/** The case's agency, category and area by name, in the page's language. */
function namesOf(directory: DirectoryView, view: CaseView, lang: string) {
  const name = (x: { name_ar: string; name_en: string } | undefined) => (x ? (lang === 'ar' ? x.name_ar : x.name_en) : null);
  // Names as the directory has them now, retired codes included (directoryEntry): a rename shows on old cases.
  return {
    agencyName: name(directoryEntry(directory, 'agencies', view.agency)),
    categoryName: name(directoryEntry(directory, 'categories', view.category)),
    areaName: name(directoryEntry(directory, 'areas', view.area)),
  };
}

/** What the owner may do with the answer now: reopen it, accept it, rate it. */
function ownerChoices(view: CaseView, now: Date) {
  return {
    ownerActions: allowedActions({ status: view.status, type: view.type as CaseType, actor: { role: 'owner' }, resolvedAt: view.resolvedAt ? new Date(view.resolvedAt) : null, now }).filter(
      (a) => a === 'reopen' || a === 'accept_resolution',
    ),
    canRate: !view.rating && !!view.resolvedAt && ['resolved', 'closed'].includes(view.status) && ratingWindowOpen(new Date(view.resolvedAt), now),
  };
}

async function renderCase(pages: TrackingPages, req: Request, res: Response, status: number, view: CaseView, values: FormBody, errors: Record<string, string>): Promise<void> {
  const { deps } = pages;
  const profile = deps.config.deploymentProfile;
  const directory = await directoryOrFail(profile);
  const lang = requestLanguage(req);
  const formatter = new Intl.DateTimeFormat(dateLocale(lang, profile), { dateStyle: 'long', timeStyle: 'short', timeZone: directory.profile.timezone });
  res.status(status).render('cases/show', {
    c: view,
    ...namesOf(directory, view, lang),
    expectedDays: view.dueAt ? null : await expectedWorkingDays(profile, { type: view.type, category: view.category ?? undefined }, deps.clock.now()), // shown only without a dueAt
    formatDate: (iso: string) => formatter.format(new Date(iso)),
    meetings: (await meetingsOf(view)).map((m) => meetingView(m, false)),
    formatSlot: (slot: { start: string; end: string }) => meetingTime(new Date(slot.start), new Date(slot.end), lang, directory.profile.timezone),
    describeEvent: (e: TimelineEntry) => describeEvent(req.t, e),
    values,
    errors,
    csrfToken: pages.csrf.token(req, res),
    ...ownerChoices(view, deps.clock.now()),
  });
}

function showCase(pages: TrackingPages): CaseHandler {
  return async (req, res) => {
    await renderCase(pages, req, res, 200, citizenView(await visibleFromCookie(req, res, pages.cookies)), {}, {});
  };
}

/** Who may add to the case is settled before the body is read: others get 404 without a byte buffered. */
function uploadTarget(pages: TrackingPages) {
  return async (req: CaseRequest, res: Response, next: () => void) => {
    const found = await visibleFromCookie(req, res, pages.cookies);
    assertOpenForFiles(found);
    res.locals.uploadTarget = found;
    next();
  };
}

/** A message, files, or both, from the case page. */
function addFromPage(pages: TrackingPages): CaseHandler {
  return async (req, res) => {
    const found = res.locals.uploadTarget as CaseDoc;
    const body = formBody(req);
    const now = pages.deps.clock.now();
    try {
      const files = checkAttachments(receivedFiles(req), req.t, found.attachments.length);
      const message = text(body, 'message')?.trim();
      if (message || files.length === 0) {
        const valid = validateWith(citizenMessageSchema, { message: text(body, 'message') }, req.t, { convert: true }) as { message: string };
        await addCitizenMessage(found, valid.message, now);
      }
      if (files.length) {
        await addCitizenAttachments(found, asStored(files, now), now, req.t);
        adoptAttachments(req, files);
      }
    } catch (err) {
      await discardAttachments(req);
      if (!(err instanceof ValidationError)) throw err;
      await renderCase(pages, req, res, 400, citizenView(found), body, errorsByField(err.details ?? []));
      return;
    }
    res.redirect(303, `/cases/${found.reference}`);
  };
}

/** The owner's own decisions on an answer: reopen (with a reason) or accept it. */
function ownerDecision(pages: TrackingPages): CaseHandler {
  return async (req, res) => {
    const found = await visibleFromCookie(req, res, pages.cookies);
    const body = formBody(req);
    const action = text(body, 'action');
    const now = pages.deps.clock.now();
    try {
      if (action !== 'reopen' && action !== 'accept_resolution') throw new ValidationError([{ field: 'action', code: 'any.only', message: req.t('errors.INVALID_TRANSITION') }]);
      await applyTransition(found, 'owner', { kind: 'citizen', userId: found.citizenId }, { action, reason: text(body, 'reason') }, now, pages.deps.config.deploymentProfile);
    } catch (err) {
      const { status, message } = pageRefusal(err, req.t, { passThrough: ['CASE_NOT_FOUND'], detail: () => req.t('validation.any.required', { label: req.t('case.reopenReason') }) });
      await renderCase(pages, req, res, status, citizenView(found), body, { [action === 'reopen' ? 'reason' : 'action']: message });
      return;
    }
    res.redirect(303, `/cases/${found.reference}`);
  };
}

function rateFromPage(pages: TrackingPages): CaseHandler {
  return async (req, res) => {
    const found = await visibleFromCookie(req, res, pages.cookies);
    const body = formBody(req);
    try {
      const rating = validateWith(ratingSchema, { score: Number(text(body, 'score')), comment: text(body, 'comment') }, req.t) as { score: number; comment?: string };
      await rateCase('owner-by-token', found, rating, pages.deps.clock.now());
    } catch (err) {
      const { status, message } = pageRefusal(err, req.t, { passThrough: ['CASE_NOT_FOUND'], detail: (details) => details[0]?.message });
      await renderCase(pages, req, res, status, citizenView(found), body, { score: message });
      return;
    }
    res.redirect(303, `/cases/${found.reference}`);
  };
}

/** The citizen picks one of the times offered for a meeting; a refusal (taken meanwhile, passed) is shown beside the choice. */
function pickFromPage(pages: TrackingPages) {
  return async (req: Request<{ reference: string; id: string }>, res: Response): Promise<void> => {
    const found = await visibleFromCookie(req, res, pages.cookies);
    const body = formBody(req);
    try {
      const { slot } = validateWith(pickSlotSchema, { slot: text(body, 'slot') }, req.t) as { slot: string };
      await pickSlot({ kind: 'citizen' }, found, req.params.id, new Date(slot), pages.deps.clock.now(), pages.deps.config.publicUrl);
    } catch (err) {
      const { status, message } = pageRefusal(err, req.t, { passThrough: ['CASE_NOT_FOUND', 'MEETING_NOT_FOUND'], detail: () => req.t('validation.any.required', { label: req.t('meetings.chooseTitle') }) });
      await renderCase(pages, req, res, status, citizenView(found), body, { [`meeting-${req.params.id}`]: message });
      return;
    }
    res.redirect(303, `/cases/${found.reference}`);
  };
}

function downloadAttachment(pages: TrackingPages) {
  return async (req: Request<{ reference: string; attachmentId: string }>, res: Response) => {
    const found = await visibleFromCookie(req, res, pages.cookies);
    sendAttachment(res, findAttachment(found, String(req.params.attachmentId)));
  };
}
