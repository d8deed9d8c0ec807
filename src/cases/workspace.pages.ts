/**
 * The staff workspace pages: the queue (counts per status, filters, due dates, cursor pages) and
 * the case page with only the actions this person may take. Same services as the API; forms post
 * and redirect; refusals show on the page with the error's code.
 *
 * Three routers, mounted in this order by ./routers.ts: the workspace session (every /work page),
 * the queue and case pages, and the forms that change a case.
 */
import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import Joi from 'joi';
import type { ModuleDeps } from '../shared/deps.js';
import { directoryEntry, getDirectory, type DirectoryView } from '../directory/index.js';
import type { Csrf } from '../shared/csrf.js';
import { ServiceUnavailableError, ValidationError, type ErrorDetail } from '../shared/errors.js';
import { pageRefusal } from '../shared/page-errors.js';
import { dateLocale, requestLanguage } from '../shared/i18n.js';
import { reportedAs, validate, validateForm } from '../shared/validate.js';
import { principalOf, requireRole } from '../users/index.js';
import type { Principal } from '../shared/principal.js';
import { CASE_STATUSES, OPEN_STATUSES } from './case.model.js';
import { listQuerySchema } from './case.schemas.js';
import { countByStatus, listCases, SORTS, type ListQuery } from './list.service.js';
import { PRIORITIES, type Priority } from '../sla/index.js';
import { sendCitizenNotice } from './notices.js';
import { sendAttachment } from './case.routes.js';
import { findAttachment } from './tracking.service.js';
import type { CaseAction } from './status.js';
import { requiredInputs } from './status.js';
import { meetingTime } from './meeting-emails.js';
import { MEETING_DURATIONS, meetingView } from './meetings.js';
import { meetingsOf } from './meetings.service.js';
import { isTerminal } from './status.js';
import { assignableOfficers, assignCase, auditAttachmentRead, findCaseFor, openCase, replyToCase, setPriority, transitionCase, type ActResult, type TransitionCommand } from './workspace.service.js';

const STAFF = ['agent', 'officer', 'supervisor', 'manager', 'admin'] as const;

/** What the workspace's handlers share: the app's deps and the CSRF kit (the case page's forms carry its token). */
export interface Workspace {
  deps: ModuleDeps;
  csrf: Csrf;
}

type Flash = { kind: 'ok' | 'error'; message: string } | null;

/** The reply form: a message of two characters or more, worded on the page as "Message is required." */
const replyFormSchema = Joi.object({
  message: Joi.string().trim().min(2).required().error(reportedAs('reply', 'any.required')),
  // Anything but an internal note is a public reply.
  visibility: Joi.any().custom((v) => (v === 'internal' ? 'internal' : 'public')).default('public'),
});

/** The priority form: one of the SLA priorities. */
const priorityFormSchema = Joi.object({
  priority: Joi.string().valid(...PRIORITIES).required().error(reportedAs('priority', 'any.only')),
});

function text(body: unknown, name: string): string | undefined {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** Working minutes as "3 h 20 min" in the request's language. */
function durationOf(req: Request): (minutes: number) => string {
  return (minutes) => req.t('work.sla.duration', { h: Math.floor(minutes / 60), m: Math.round(minutes % 60) });
}

async function directoryOf(profile: string): Promise<DirectoryView> {
  const d = await getDirectory(profile);
  if (!d) throw new ServiceUnavailableError('DIRECTORY_NOT_SEEDED', 'The directory has not been loaded.');
  return d;
}

/** A directory entry's name in the request's language ('' for none). */
function namer(req: Request): (x: { name_ar: string; name_en: string } | undefined | null) => string {
  const lang = requestLanguage(req);
  return (x) => (x ? (lang === 'ar' ? x.name_ar : x.name_en) : '');
}

function dateFormatter(req: Request, profile: string, timezone: string, withTime: boolean): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(dateLocale(requestLanguage(req), profile), { dateStyle: 'medium', ...(withTime ? { timeStyle: 'short' } : {}), timeZone: timezone });
}

/** The queue and the case page (with its attachments). */
export function workspaceViewRouter(deps: ModuleDeps, csrf: Csrf): Router {
  const ws: Workspace = { deps, csrf };
  const router = Router();
  router.get('/work', requireRole(...STAFF), validateForm('query', listQuerySchema), showQueue(ws));
  router.get('/work/cases/:reference', requireRole(...STAFF), showCase(ws));
  router.get('/work/cases/:reference/attachments/:attachmentId', requireRole(...STAFF), downloadAttachment(ws));
  return router;
}

/** The case page's forms: each posts, changes the case through its service, and redirects back. */
export function workspaceActionsRouter(deps: ModuleDeps, csrf: Csrf): Router {
  const ws: Workspace = { deps, csrf };
  const router = Router();
  router.post('/work/cases/:reference/act', requireRole(...STAFF), csrf.protect, act(ws, transition));
  router.post('/work/cases/:reference/reply', requireRole(...STAFF), csrf.protect, form(ws, replyFormSchema), act(ws, reply));
  router.post('/work/cases/:reference/assign', requireRole('supervisor'), csrf.protect, act(ws, assign));
  router.post('/work/cases/:reference/priority', requireRole('supervisor'), csrf.protect, form(ws, priorityFormSchema), act(ws, prioritise));
  return router;
}

/**
 * The queue's query: officers and supervisors work against the clock, so theirs opens sorted by
 * deadline; by deadline, "all" means all open cases (deadlines matter while a case is open).
 */
function queueQuery(p: Principal, raw: Request['query'], validated: ListQuery): ListQuery {
  const query = { ...validated };
  if (!raw.sort && (p.role === 'officer' || p.role === 'supervisor')) query.sort = 'dueAt';
  if (query.sort === 'dueAt' && !query.status?.length) query.status = [...OPEN_STATUSES];
  return query;
}

/** Links that keep the queue's filters (a new filter or sort starts again from the first page). */
function queueLinks(raw: Record<string, string | undefined>, nextCursor: string | null) {
  const link = (extra: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...raw, cursor: undefined, ...extra })) if (v) params.set(k, v);
    const qs = params.toString();
    return `/work${qs ? `?${qs}` : ''}`;
  };
  const here = link({});
  return { link, nextLink: nextCursor ? `${here}${here.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(nextCursor)}` : null };
}

function showQueue({ deps }: Workspace): RequestHandler {
  return async (req, res) => {
    const p = principalOf(res)!;
    const query = queueQuery(p, req.query, res.locals.query as ListQuery);
    const [page, counts, dir] = await Promise.all([listCases(p, query, deps.clock.now(), deps.config.deploymentProfile), countByStatus(p), directoryOf(deps.config.deploymentProfile)]);
    const name = namer(req);
    const formatter = dateFormatter(req, deps.config.deploymentProfile, dir.profile.timezone, false);
    const raw = req.query as Record<string, string | undefined>;
    res.render('work/queue', {
      title: req.t('work.queueTitle'),
      page,
      counts,
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      statuses: CASE_STATUSES.filter((s) => counts[s]),
      filters: raw,
      directory: dir,
      agencyName: name(dir.agencies.find((a) => a.code === p.agency)),
      categoryName: (code: string | null) => name(directoryEntry(dir, 'categories', code)),
      areaName: (code: string | null) => name(directoryEntry(dir, 'areas', code)),
      formatDate: (iso: string | null) => (iso ? formatter.format(new Date(iso)) : ''),
      isOverdue: (iso: string | null) => !!iso && new Date(iso) < deps.clock.now(),
      sort: query.sort,
      sorts: SORTS,
      duration: durationOf(req),
      ...queueLinks(raw, page.nextCursor),
      principal: p,
    });
  };
}

function showCase(ws: Workspace): RequestHandler {
  return async (req, res) => {
    await renderCase(ws, req, res, 200, req.query.done ? { kind: 'ok', message: req.t('work.done') } : null);
  };
}

function downloadAttachment({ deps }: Workspace): RequestHandler {
  return async (req, res) => {
    const p = principalOf(res)!;
    const c = await findCaseFor(p, req.params.reference);
    const attachment = findAttachment(c, String(req.params.attachmentId));
    await auditAttachmentRead(p, c, String(req.params.attachmentId), deps.clock.now());
    sendAttachment(res, attachment);
  };
}

/** The case page (opening it is audited), with the forms this person may use and an optional flash. */
async function renderCase({ deps, csrf }: Workspace, req: Request, res: Response, status: number, flash: Flash): Promise<void> {
  const p = principalOf(res)!;
  const now = deps.clock.now();
  const { c, view } = await openCase(p, req.params.reference, now, 'page');
  const dir = await directoryOf(deps.config.deploymentProfile);
  const name = namer(req);
  const formatter = dateFormatter(req, deps.config.deploymentProfile, dir.profile.timezone, true);
  res.status(status).render('work/case', {
    title: req.t('work.caseTitle', { reference: view.reference }),
    c: view,
    attachmentsBase: `/work/cases/${view.reference}/attachments`,
    flash,
    // Names as the directory has them now, retired codes included: a rename shows on old cases.
    agencyName: name(directoryEntry(dir, 'agencies', view.agency)) || null,
    categoryName: name(directoryEntry(dir, 'categories', view.category)) || null,
    areaName: name(directoryEntry(dir, 'areas', view.area)) || null,
    agencies: dir.agencies.filter((a) => a.code !== view.agency).map((a) => ({ code: a.code, name: name(a) })),
    categories: dir.categories.map((x) => ({ code: x.code, name: name(x) })),
    categoryNameOf: (code: string) => name(directoryEntry(dir, 'categories', code)) || code,
    agencyLabel: (code: string | null) => name(directoryEntry(dir, 'agencies', code)) || '—',
    suggestedAgency: view.routing.candidates.find((x) => x.agency)?.agency ?? null,
    officers: await assignableOfficers(p, c),
    inputsOf: (action: CaseAction) => requiredInputs(c.status, c.type, action),
    formatDate: (iso: string) => formatter.format(new Date(iso)),
    duration: durationOf(req),
    priorities: PRIORITIES,
    ...(await meetingLocals(req, p, c, dir.profile.timezone)),
    csrfToken: csrf.token(req, res),
    principal: p,
  });
}

/** The case page's meetings: what was offered and booked, and the forms this person may use. */
async function meetingLocals(req: Request, p: Principal, c: { reference: string; agency?: string | null; status: Parameters<typeof isTerminal>[0] }, timezone: string) {
  const lang = requestLanguage(req);
  return {
    meetings: (await meetingsOf(c)).map((m) => meetingView(m, true)),
    canOfferMeeting: (p.role === 'officer' || p.role === 'supervisor') && !!p.agency && p.agency === c.agency && !isTerminal(c.status),
    canPickMeeting: p.role === 'agent',
    durations: MEETING_DURATIONS,
    timezone,
    formatSlot: (slot: { start: string; end: string }) => meetingTime(new Date(slot.start), new Date(slot.end), lang, timezone),
  };
}

/** A refusal the person can act on: the case page again, with the reason; anything else is rethrown for the error chain. */
export async function showRefusal(ws: Workspace, err: unknown, req: Request, res: Response): Promise<void> {
  const detail = (details: ErrorDetail[]) => details.map((d) => req.t(`validation.${d.code}`, { label: req.t(`work.${d.field}Label`, { defaultValue: d.field }), defaultValue: d.message })).join(' ');
  const { status, message } = pageRefusal(err, req.t, { passThrough: ['CASE_NOT_FOUND'], detail });
  await renderCase(ws, req, res, status, { kind: 'error', message });
}

/** A form's route-line validation (the value on `res.locals.body`); a form that fails it is refused on the case page. */
function form(ws: Workspace, schema: Joi.Schema): [RequestHandler, ErrorRequestHandler] {
  const refuseInvalid: ErrorRequestHandler = (err, req, res, next) => {
    if (!(err instanceof ValidationError)) return next(err);
    showRefusal(ws, err, req, res).catch(next);
  };
  return [validate('body', schema), refuseInvalid];
}

/** A change a case-page form asks for, through the workspace service. */
type Change = (ws: Workspace, p: Principal, req: Request, res: Response) => Promise<ActResult>;

/** Runs a change and tells the citizen; a refusal is shown on the case page, anything else goes to the error chain. */
function act(ws: Workspace, run: Change): RequestHandler {
  return async (req, res) => {
    const p = principalOf(res)!;
    try {
      const result = await run(ws, p, req, res);
      if (result.notice) await sendCitizenNotice(result.notice, ws.deps.config.publicUrl, ws.deps.clock.now());
    } catch (err) {
      await showRefusal(ws, err, req, res);
      return;
    }
    res.redirect(303, `/work/cases/${String(req.params.reference)}?done=1`);
  };
}

/** The transition form's fields (blank ones absent); the status machine checks them. */
function transitionForm(body: unknown): TransitionCommand {
  return { action: text(body, 'action') as CaseAction, note: text(body, 'note'), reason: text(body, 'reason'), agency: text(body, 'agency'), category: text(body, 'category') };
}

const transition: Change = ({ deps }, p, req) => transitionCase(p, req.params.reference, transitionForm(req.body), deps.clock.now(), deps.config.deploymentProfile, deps.hooks.caseRouted);
const reply: Change = ({ deps }, p, req, res) => replyToCase(p, req.params.reference, res.locals.body as { message: string; visibility: 'public' | 'internal' }, deps.clock.now());
const assign: Change = ({ deps }, p, req) => assignCase(p, req.params.reference, text(req.body, 'assignee') ?? '', deps.clock.now());
const prioritise: Change = ({ deps }, p, req, res) => setPriority(p, req.params.reference, (res.locals.body as { priority: Priority }).priority, deps.clock.now(), deps.config.deploymentProfile);
