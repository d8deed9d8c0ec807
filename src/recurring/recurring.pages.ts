/**
 * The review pages: `/work/recurring` (the queue, with counts per status) and
 * `/work/recurring/:id` (the issue: its cases, explanation, before/after per week, timeline and the
 * review steps this person may take). Forms post and redirect; refusals show on the page.
 */
import { Router, type Request, type Response } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import { getDirectory } from '../directory/index.js';
import type { Csrf } from '../shared/csrf.js';
import { AppError } from '../shared/errors.js';
import { pageRefusal } from '../shared/page-errors.js';
import { cursorFromQuery, pageHref } from '../shared/pagination.js';
import { requestLanguage } from '../shared/i18n.js';
import { principalOf, requireRole } from '../users/index.js';
import { ISSUE_ACTIONS, ISSUE_STATUSES, DISMISS_REASONS, type IssueAction } from './review.js';
import { countIssues, issueDetail, listIssues, reviewIssue } from './review.service.js';

const text = (body: unknown, name: string): string | undefined => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

export function recurringPagesRouter(deps: ModuleDeps, csrf: Csrf): Router {
  const router = Router();
  const profile = deps.config.deploymentProfile;
  const reviewers = requireRole('supervisor', 'manager', 'admin');

  const helpers = async (req: Request) => {
    const d = await getDirectory(profile);
    const lang = requestLanguage(req);
    const name = (x: { name_ar: string; name_en: string } | undefined, code: string | null): string => (x ? (lang === 'ar' ? x.name_ar : x.name_en) : (code ?? '—'));
    const formatter = new Intl.DateTimeFormat(lang === 'ar' ? 'ar-BH' : 'en-GB', { dateStyle: 'medium', timeZone: d?.profile.timezone ?? 'UTC' });
    return {
      categoryName: (code: string) => name(d?.categories.find((c) => c.code === code), code),
      areaName: (code: string | null) => name(d?.municipalities.flatMap((m) => m.areas).find((a) => a.code === code), code),
      agencyName: (code: string | null) => name(d?.agencies.find((a) => a.code === code), code),
      agencies: (d?.agencies ?? []).map((a) => ({ code: a.code, name: name(a, a.code) })),
      formatDate: (iso: string) => formatter.format(new Date(iso)),
    };
  };

  router.use('/work/recurring', csrf.browserSession, (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/work/recurring', reviewers, async (req, res) => {
    const p = principalOf(res)!;
    const status = typeof req.query.status === 'string' && (ISSUE_STATUSES as readonly string[]).includes(req.query.status) ? req.query.status : undefined;
    const cursor = cursorFromQuery(req.query, req.t);
    const [page, counts] = await Promise.all([listIssues(p, profile, { status, limit: 100, cursor }), countIssues(p, profile)]);
    const pages = { first: cursor ? pageHref('/work/recurring', { status }) : null, next: page.nextCursor ? pageHref('/work/recurring', { status }, page.nextCursor) : null };
    res.render('work/recurring-queue', { title: req.t('recurring.queueTitle'), items: page.items, counts, statuses: ISSUE_STATUSES, status, pages, ...(await helpers(req)) });
  });

  const renderIssue = async (req: Request, res: Response, status: number, flash: { kind: 'ok' | 'error'; message: string } | null) => {
    const p = principalOf(res)!;
    const issue = await issueDetail(p, profile, String(req.params.id));
    const maxWeek = Math.max(1, ...issue.perWeek.map((w) => w.count));
    res.status(status).render('work/recurring-issue', { title: req.t('recurring.issueTitle'), issue, maxWeek, flash, reasons: DISMISS_REASONS, csrfToken: csrf.token(req, res), ...(await helpers(req)) });
  };

  router.get('/work/recurring/:id', reviewers, async (req, res) => {
    await renderIssue(req, res, 200, req.query.done ? { kind: 'ok', message: req.t('work.done') } : null);
  });

  router.post('/work/recurring/:id/review', requireRole('supervisor', 'manager'), csrf.protect, async (req, res) => {
    const p = principalOf(res)!;
    const action = text(req.body, 'action');
    try {
      if (!action || !(ISSUE_ACTIONS as readonly string[]).includes(action)) throw new AppError('bad_request', 'VALIDATION_FAILED', 'Choose an action.');
      const plan = action === 'plan_action' ? { rootCause: text(req.body, 'rootCause') ?? '', correctiveAction: text(req.body, 'correctiveAction') ?? '', ownerAgency: text(req.body, 'ownerAgency') ?? '', targetDate: text(req.body, 'targetDate') ?? '' } : undefined;
      await reviewIssue(p, profile, String(req.params.id), { action: action as IssueAction, plan, reason: text(req.body, 'reason'), note: text(req.body, 'note') }, deps.clock.now());
    } catch (err) {
      const { status, message } = pageRefusal(err, req.t, { passThrough: ['ISSUE_NOT_FOUND'], detail: (details) => details.map((d) => d.message).join(' ') });
      await renderIssue(req, res, status, { kind: 'error', message });
      return;
    }
    res.redirect(303, `/work/recurring/${String(req.params.id)}?done=1`);
  });

  return router;
}
