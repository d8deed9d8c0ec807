/**
 * The staff workspace pages: the queue (counts per status, filters, due dates, cursor pages) and
 * the case page with only the actions this person may take. Same services as the API; forms post
 * and redirect; refusals show on the page with the error's code.
 */
import { Router, type Request, type Response } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import { getDirectory, type DirectoryView } from '../directory/index.js';
import type { Csrf } from '../shared/csrf.js';
import { AppError, ServiceUnavailableError, type ErrorDetail } from '../shared/errors.js';
import { pageRefusal } from '../shared/page-errors.js';
import { requestLanguage } from '../shared/i18n.js';
import { validateWith } from '../shared/validate.js';
import { principalOf, requireRole, UserModel } from '../users/index.js';
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
import { assignCase, auditAttachmentRead, findCaseFor, openCase, replyToCase, setPriority, transitionCase, type ActResult } from './workspace.service.js';

const STAFF = ['agent', 'officer', 'supervisor', 'manager', 'admin'] as const;

function text(body: unknown, name: string): string | undefined {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** Working minutes as "3 h 20 min" in the request's language. */
function durationOf(req: Request): (minutes: number) => string {
  return (minutes) => req.t('work.sla.duration', { h: Math.floor(minutes / 60), m: Math.round(minutes % 60) });
}

export function workspacePagesRouter(deps: ModuleDeps, csrf: Csrf): Router {
  const router = Router();
  const profile = deps.config.deploymentProfile;

  const directory = async (): Promise<DirectoryView> => {
    const d = await getDirectory(profile);
    if (!d) throw new ServiceUnavailableError('DIRECTORY_NOT_SEEDED', 'The directory has not been loaded.');
    return d;
  };
  const namer = (req: Request) => {
    const lang = requestLanguage(req);
    return (x: { name_ar: string; name_en: string } | undefined | null): string => (x ? (lang === 'ar' ? x.name_ar : x.name_en) : '');
  };

  router.use('/work', csrf.browserSession, (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/work', requireRole(...STAFF), async (req, res) => {
    const p = principalOf(res)!;
    // Officers and supervisors work against the clock: their queue opens sorted by deadline.
    const sortByDeadline = !req.query.sort && (p.role === 'officer' || p.role === 'supervisor');
    // A GET form sends every field, the empty ones as "": those are "any", not bad input.
    const given = Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== ''));
    const query = validateWith(listQuerySchema, { ...given, ...(sortByDeadline ? { sort: 'dueAt' } : {}) }, req.t, { convert: true }) as ListQuery;
    // Deadlines matter while a case is open: by deadline, "all" means all open cases.
    if (query.sort === 'dueAt' && !query.status?.length) query.status = [...OPEN_STATUSES];
    const [page, counts, dir] = await Promise.all([listCases(p, query, deps.clock.now()), countByStatus(p), directory()]);
    const name = namer(req);
    const formatter = new Intl.DateTimeFormat(requestLanguage(req) === 'ar' ? 'ar-BH' : 'en-GB', { dateStyle: 'medium', timeZone: dir.profile.timezone });
    const raw = req.query as Record<string, string | undefined>;
    const keep = (extra: Record<string, string | undefined>) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries({ ...raw, cursor: undefined, ...extra })) if (v) params.set(k, v);
      const qs = params.toString();
      return `/work${qs ? `?${qs}` : ''}`;
    };
    res.render('work/queue', {
      title: req.t('work.queueTitle'),
      page,
      counts,
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      statuses: CASE_STATUSES.filter((s) => counts[s]),
      filters: raw,
      directory: dir,
      agencyName: name(dir.agencies.find((a) => a.code === p.agency)),
      categoryName: (code: string | null) => name(dir.categories.find((c) => c.code === code)),
      areaName: (code: string | null) => name(dir.municipalities.flatMap((m) => m.areas).find((a) => a.code === code)),
      formatDate: (iso: string | null) => (iso ? formatter.format(new Date(iso)) : ''),
      isOverdue: (iso: string | null) => !!iso && new Date(iso) < deps.clock.now(),
      sort: query.sort,
      sorts: SORTS,
      duration: durationOf(req),
      link: keep,
      nextLink: page.nextCursor ? `${keep({})}${keep({}).includes('?') ? '&' : '?'}cursor=${encodeURIComponent(page.nextCursor)}` : null,
      principal: p,
    });
  });

  const renderCase = async (req: Request, res: Response, status: number, flash: { kind: 'ok' | 'error'; message: string } | null) => {
    const p = principalOf(res)!;
    const now = deps.clock.now();
    const { c, view } = await openCase(p, req.params.reference, now, 'page');
    const dir = await directory();
    const name = namer(req);
    const formatter = new Intl.DateTimeFormat(requestLanguage(req) === 'ar' ? 'ar-BH' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: dir.profile.timezone });
    const officers =
      p.role === 'supervisor' && c.agency === p.agency
        ? (await UserModel.find({ agency: p.agency, role: 'officer', disabledAt: null }).sort({ name: 1, _id: 1 }).lean()).map((u) => ({ id: u._id.toHexString(), name: u.name }))
        : [];
    res.status(status).render('work/case', {
      title: req.t('work.caseTitle', { reference: view.reference }),
      c: view,
      attachmentsBase: `/work/cases/${view.reference}/attachments`,
      flash,
      agencyName: name(dir.agencies.find((a) => a.code === view.agency)) || null,
      categoryName: name(dir.categories.find((x) => x.code === view.category)) || null,
      areaName: name(dir.municipalities.flatMap((m) => m.areas).find((a) => a.code === view.area)) || null,
      agencies: dir.agencies.filter((a) => a.code !== view.agency).map((a) => ({ code: a.code, name: name(a) })),
      categories: dir.categories.map((x) => ({ code: x.code, name: name(x) })),
      categoryNameOf: (code: string) => name(dir.categories.find((x) => x.code === code)) || code,
      agencyLabel: (code: string | null) => name(dir.agencies.find((a) => a.code === code)) || '—',
      suggestedAgency: view.routing.candidates.find((x) => x.agency)?.agency ?? null,
      officers,
      inputsOf: (action: CaseAction) => requiredInputs(c.status, c.type, action),
      formatDate: (iso: string) => formatter.format(new Date(iso)),
      duration: durationOf(req),
      priorities: PRIORITIES,
      csrfToken: csrf.token(req, res),
      principal: p,
    });
  };

  router.get('/work/cases/:reference', requireRole(...STAFF), async (req, res) => {
    await renderCase(req, res, 200, req.query.done ? { kind: 'ok', message: req.t('work.done') } : null);
  });

  /** Runs a change; a refusal is shown on the case page, anything else goes to the error chain. */
  const act = (run: (p: Principal, req: Request) => Promise<ActResult>) => async (req: Request, res: Response) => {
    const p = principalOf(res)!;
    try {
      const result = await run(p, req);
      if (result.notice) await sendCitizenNotice(result.notice, deps.config.publicUrl, deps.clock.now());
    } catch (err) {
      const detail = (details: ErrorDetail[]) => details.map((d) => req.t(`validation.${d.code}`, { label: req.t(`work.${d.field}Label`, { defaultValue: d.field }), defaultValue: d.message })).join(' ');
      const { status, message } = pageRefusal(err, req.t, { passThrough: ['CASE_NOT_FOUND'], detail });
      await renderCase(req, res, status, { kind: 'error', message });
      return;
    }
    res.redirect(303, `/work/cases/${String(req.params.reference)}?done=1`);
  };

  router.post(
    '/work/cases/:reference/act',
    requireRole(...STAFF),
    csrf.protect,
    act((p, req) =>
      transitionCase(
        p,
        req.params.reference,
        { action: text(req.body, 'action') as CaseAction, note: text(req.body, 'note'), reason: text(req.body, 'reason'), agency: text(req.body, 'agency'), category: text(req.body, 'category') },
        deps.clock.now(),
        profile,
        deps.hooks.caseRouted,
      ),
    ),
  );

  router.post(
    '/work/cases/:reference/reply',
    requireRole(...STAFF),
    csrf.protect,
    act((p, req) => {
      const message = text(req.body, 'message')?.trim() ?? '';
      if (message.length < 2) throw new AppError('bad_request', 'VALIDATION_FAILED', 'Write a message.', [{ field: 'reply', code: 'any.required', message: req.t('validation.any.required', { label: req.t('work.replyLabel') }) }]);
      return replyToCase(p, req.params.reference, { message, visibility: text(req.body, 'visibility') === 'internal' ? 'internal' : 'public' }, deps.clock.now());
    }),
  );

  router.post(
    '/work/cases/:reference/assign',
    requireRole('supervisor'),
    csrf.protect,
    act((p, req) =>
      assignCase(p, req.params.reference, text(req.body, 'assignee') ?? '', deps.clock.now()),
    ),
  );

  router.post(
    '/work/cases/:reference/priority',
    requireRole('supervisor'),
    csrf.protect,
    act((p, req) => {
      const priority = text(req.body, 'priority');
      if (!priority || !(PRIORITIES as readonly string[]).includes(priority)) {
        throw new AppError('bad_request', 'VALIDATION_FAILED', 'Choose a priority.', [{ field: 'priority', code: 'any.only', message: 'Choose a priority.' }]);
      }
      return setPriority(p, req.params.reference, priority as Priority, deps.clock.now(), profile);
    }),
  );

  router.get('/work/cases/:reference/attachments/:attachmentId', requireRole(...STAFF), async (req, res) => {
    const p = principalOf(res)!;
    const c = await findCaseFor(p, req.params.reference);
    const attachment = findAttachment(c, String(req.params.attachmentId));
    await auditAttachmentRead(p, c, String(req.params.attachmentId), deps.clock.now());
    sendAttachment(res, attachment);
  });

  return router;
}
