/**
 * `/api/v1/recurring-issues` — the review of recurring issues by the agency's supervisors and by
 * managers (administrators read too) — and `/api/v1/cases/similar` — open cases that look like the
 * one a citizen is about to file ("Is this your problem? Follow it instead"), nothing stored.
 * The list answers `{ items, nextCursor }`, in cursor pages (shared/pagination.ts).
 */
import { Router, type RequestHandler } from 'express';
import Joi from 'joi';
import { similarSchema } from '../cases/index.js';
import { routingBarOf } from '../classification/index.js';
import type { ModuleDeps } from '../shared/deps.js';
import { pageParams } from '../shared/pagination.js';
import { validate } from '../shared/validate.js';
import { principalOf, requireRole } from '../users/index.js';
import { listRules, ruleBodySchema, rulesFor, setRules, type RuleOverrides } from './rules.service.js';
import { issueDetail, linkCases, listIssues, mergeIssues, resolveLinkedCases, reviewIssue, splitIssue, type IssueQuery, type ReviewCommand } from './review.service.js';
import { ISSUE_ACTIONS, ISSUE_STATUSES } from './review.js';
import { findSimilarOpenCases, followCase, type SimilarInput } from './similar.service.js';

const code = Joi.string().trim().max(64).pattern(/^[A-Z][A-Z0-9_]*$/);
const listSchema = Joi.object({
  status: Joi.string().valid(...ISSUE_STATUSES, 'forming'),
  agency: code,
  category: code,
  area: code,
}).concat(pageParams({ defaultLimit: 50, maxLimit: 100 }));
const patchSchema = Joi.object({
  action: Joi.string()
    .valid(...ISSUE_ACTIONS)
    .required(),
  plan: Joi.object({
    rootCause: Joi.string().trim().max(2000),
    correctiveAction: Joi.string().trim().max(2000),
    ownerAgency: code,
    targetDate: Joi.string().trim().max(10),
  }),
  reason: Joi.string().trim().max(100),
  note: Joi.string().trim().max(2000).allow(''),
});
const linkedCasesSchema = Joi.object({ cases: Joi.array().items(Joi.string().max(40)).max(500).required() });
const resolveLinkedSchema = Joi.object({ note: Joi.string().trim().min(2).max(5000).required() });
const mergeSchema = Joi.object({ from: Joi.string().hex().length(24).required() });
const splitSchema = Joi.object({ cases: Joi.array().items(Joi.string().max(40)).min(1).max(500).required() });
const categoryParams = Joi.object({ category: code.required() });

export function recurringApiRouter(deps: ModuleDeps): Router {
  const router = Router();
  const profile = deps.config.deploymentProfile;
  const reviewers = requireRole('supervisor', 'manager', 'admin');

  router.get('/', reviewers, validate('query', listSchema), async (_req, res) => {
    res.json(await listIssues(principalOf(res)!, profile, res.locals.query as IssueQuery));
  });

  router.get('/:id', reviewers, async (req, res) => {
    res.json(await issueDetail(principalOf(res)!, profile, String(req.params.id)));
  });

  router.put('/:id/linked-cases', requireRole('supervisor', 'manager'), validate('body', linkedCasesSchema), async (req, res) => {
    const p = principalOf(res)!;
    await linkCases(p, profile, String(req.params.id), (res.locals.body as { cases: string[] }).cases, deps.clock.now());
    res.json(await issueDetail(p, profile, String(req.params.id)));
  });

  router.post('/:id/resolve-linked', requireRole('supervisor'), validate('body', resolveLinkedSchema), async (req, res) => {
    const p = principalOf(res)!;
    res.json(await resolveLinkedCases(p, profile, String(req.params.id), (res.locals.body as { note: string }).note, deps.clock.now(), deps.config.publicUrl, deps.hooks.caseRouted));
  });

  router.post('/:id/merge', requireRole('supervisor', 'manager'), validate('body', mergeSchema), async (req, res) => {
    const p = principalOf(res)!;
    await mergeIssues(p, profile, String(req.params.id), (res.locals.body as { from: string }).from, deps.clock.now());
    res.json(await issueDetail(p, profile, String(req.params.id)));
  });

  router.post('/:id/split', requireRole('supervisor', 'manager'), validate('body', splitSchema), async (req, res) => {
    const p = principalOf(res)!;
    const created = await splitIssue(p, profile, String(req.params.id), (res.locals.body as { cases: string[] }).cases, deps.clock.now());
    res.status(201).json(await issueDetail(p, profile, created));
  });

  router.patch('/:id', requireRole('supervisor', 'manager'), validate('body', patchSchema), async (req, res) => {
    const p = principalOf(res)!;
    await reviewIssue(p, profile, String(req.params.id), res.locals.body as ReviewCommand, deps.clock.now());
    res.json(await issueDetail(p, profile, String(req.params.id)));
  });

  return router;
}

/** `POST /api/v1/cases/similar`: open cases like the one being written (same body as filing; nothing stored). */
export function similarCasesRouter(deps: ModuleDeps, limit: RequestHandler): Router {
  const router = Router();
  const profile = deps.config.deploymentProfile;
  router.post('/', limit, validate('body', similarSchema), async (_req, res) => {
    res.json(await findSimilarOpenCases(profile, res.locals.body as SimilarInput, routingBarOf(deps.config), deps.clock.now()));
  });
  return router;
}


/**
 * `POST /api/v1/cases/:reference/follow`: a signed-in citizen follows an open case as affected (from
 * the similar-cases answer). They count among the citizens of its recurring issue.
 */
export function followRouter(limit: RequestHandler): Router {
  const router = Router();
  router.post('/:reference/follow', limit, requireRole('citizen'), async (req, res) => {
    const reference = await followCase(principalOf(res)!, req.params.reference);
    res.status(201).json({ reference, following: true });
  });
  return router;
}

/** `/api/v1/admin/recurring-rules`: the grouping rules per category (administrators). */
export function recurringRulesRouter(deps: ModuleDeps): Router {
  const router = Router();
  const profile = deps.config.deploymentProfile;
  router.use(requireRole('admin'));
  router.get('/', async (_req, res) => {
    res.json(await listRules(profile));
  });
  router.put('/:category', validate('params', categoryParams), validate('body', ruleBodySchema), async (_req, res) => {
    const p = principalOf(res)!;
    const { category } = res.locals.params as { category: string };
    await setRules(profile, category, res.locals.body as RuleOverrides, { userId: p.userId, name: p.name }, deps.clock.now());
    res.json({ category, rules: (await rulesFor(profile))(category) });
  });
  return router;
}
