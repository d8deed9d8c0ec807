/**
 * The review pages: `/work/recurring` (the queue, with counts per status) and
 * `/work/recurring/:id` (the issue: its cases, explanation, before/after per week, timeline and the
 * review steps this person may take). Forms post and redirect; refusals show on the page.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import Joi from 'joi';
import type { ModuleDeps } from '../shared/deps.js';
import { directoryEntry, getDirectory } from '../directory/index.js';
import type { Csrf } from '../shared/csrf.js';
import { AppError } from '../shared/errors.js';
import { pageRefusal } from '../shared/page-errors.js';
import { cursorFromQuery, pageHref } from '../shared/pagination.js';
import { dateLocale, requestLanguage } from '../shared/i18n.js';
import { validate } from '../shared/validate.js';
import { principalOf, requireRole } from '../users/index.js';
import { ISSUE_ACTIONS, ISSUE_STATUSES, DISMISS_REASONS, type IssueAction, type IssueStatus } from './review.js';
import { countIssues, issueDetail, listIssues, reviewIssue, type ReviewCommand } from './review.service.js';

const text = (body: unknown, name: string): string | undefined => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

/** The queue's filter: a known status, or none (an unknown one is read as none: the whole queue). */
// The cursor is read (and a malformed one refused with INVALID_CURSOR) by cursorFromQuery.
const queueQuery = Joi.object({ status: Joi.string().valid(...ISSUE_STATUSES).empty(Joi.any().invalid(...ISSUE_STATUSES)), cursor: Joi.any() });

/** The review form as a ReviewCommand; an unknown or missing action is refused before the service is asked. */
function reviewCommandOf(body: unknown): ReviewCommand {
  const action = text(body, 'action');
  if (!action || !(ISSUE_ACTIONS as readonly string[]).includes(action)) throw new AppError('bad_request', 'VALIDATION_FAILED', 'Choose an action.');
  const plan = action === 'plan_action' ? { rootCause: text(body, 'rootCause') ?? '', correctiveAction: text(body, 'correctiveAction') ?? '', ownerAgency: text(body, 'ownerAgency') ?? '', targetDate: text(body, 'targetDate') ?? '' } : undefined;
  return { action: action as IssueAction, plan, reason: text(body, 'reason'), note: text(body, 'note') };
}

/** What the review pages show codes and dates with: names in the request's language, dates in the profile's zone. */
async function viewHelpers(profile: string, req: Request) {
  const d = await getDirectory(profile);
  const lang = requestLanguage(req);
  const name = (x: { name_ar: string; name_en: string } | undefined, code: string | null): string => (x ? (lang === 'ar' ? x.name_ar : x.name_en) : (code ?? '—'));
  const formatter = new Intl.DateTimeFormat(dateLocale(lang, profile), { dateStyle: 'medium', timeZone: d?.profile.timezone ?? 'UTC' });
  return {
    // Retired codes keep their names (directoryEntry): an old issue stays readable.
    categoryName: (code: string) => name(d ? directoryEntry(d, 'categories', code) : undefined, code),
    areaName: (code: string | null) => name(d ? directoryEntry(d, 'areas', code) : undefined, code),
    agencyName: (code: string | null) => name(d ? directoryEntry(d, 'agencies', code) : undefined, code),
    agencies: (d?.agencies ?? []).map((a) => ({ code: a.code, name: name(a, a.code) })),
    formatDate: (iso: string) => formatter.format(new Date(iso)),
  };
}

export function recurringPagesRouter(deps: ModuleDeps, csrf: Csrf): Router {
  const router = Router();
  const profile = deps.config.deploymentProfile;
  const reviewers = requireRole('supervisor', 'manager', 'admin');

  const helpers = (req: Request) => viewHelpers(profile, req);

  router.use('/work/recurring', csrf.browserSession, (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/work/recurring', reviewers, validate('query', queueQuery), async (req, res) => {
    const p = principalOf(res)!;
    const { status } = res.locals.query as { status?: IssueStatus };
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

  /** A refused review shows on the issue's page, beside the forms. */
  const refuseReview = async (req: Request, res: Response, err: unknown) => {
    const { status, message } = pageRefusal(err, req.t, { passThrough: ['ISSUE_NOT_FOUND'], detail: (details) => details.map((d) => d.message).join(' ') });
    await renderIssue(req, res, status, { kind: 'error', message });
  };
  // The validation step of the review's route line: the command on res.locals.review.
  const readReview: RequestHandler = async (req, res, next) => {
    try {
      res.locals.review = reviewCommandOf(req.body);
    } catch (err) {
      await refuseReview(req, res, err);
      return;
    }
    next();
  };
  const submitReview: RequestHandler = async (req, res) => {
    try {
      await reviewIssue(principalOf(res)!, profile, String(req.params.id), res.locals.review as ReviewCommand, deps.clock.now());
    } catch (err) {
      await refuseReview(req, res, err);
      return;
    }
    res.redirect(303, `/work/recurring/${String(req.params.id)}?done=1`);
  };

  router.post('/work/recurring/:id/review', requireRole('supervisor', 'manager'), csrf.protect, readReview, submitReview);

  return router;
}
