/**
 * `/api/v1/recurring-issues` — the review of recurring issues by the agency's supervisors and by
 * managers (administrators read too) — and `/api/v1/cases/similar` — open cases that look like the
 * one a citizen is about to file ("Is this your problem? Follow it instead"), nothing stored.
 */
import { Router, type RequestHandler } from 'express';
import Joi from 'joi';
import { Types } from 'mongoose';
import type { AppDeps } from '../app.js';
import { CaseModel, OPEN_STATUSES } from '../cases/case.model.js';
import { fileCaseSchema } from '../cases/case.schemas.js';
import { normaliseReference } from '../cases/reference.js';
import { routeByText } from '../classification/classifier.service.js';
import { between, oneOf } from '../shared/db/operators.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { validate, validateWith } from '../shared/validate.js';
import { principalOf, requireRole } from '../users/index.js';
import type { Principal } from '../users/principal.js';
import { listRules, ruleBodySchema, rulesFor, setRules, type RuleOverrides } from './rules.service.js';
import { issueDetail, linkCases, listIssues, mergeIssues, resolveLinkedCases, reviewIssue, splitIssue, type IssueQuery, type ReviewCommand } from './review.service.js';
import { RecurrenceItemModel, RecurringIssueModel } from './recurring.model.js';
import { ISSUE_ACTIONS, ISSUE_STATUSES } from './review.js';
import { cosine, sharedWords, vectorOf } from './similarity.js';

const code = Joi.string().trim().max(64).pattern(/^[A-Z][A-Z0-9_]*$/);
const listSchema = Joi.object({
  status: Joi.string().valid(...ISSUE_STATUSES, 'forming'),
  agency: code,
  category: code,
  area: code,
  limit: Joi.number().integer().min(1).max(100).default(50),
});
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
const similarSchema = fileCaseSchema.fork(['contact'], (s) => s.optional());

export function recurringApiRouter(deps: AppDeps): Router {
  const router = Router();
  const profile = deps.config.deploymentProfile;
  const reviewers = requireRole('supervisor', 'manager', 'admin');

  router.get('/', reviewers, validate('query', listSchema), async (_req, res) => {
    res.json({ items: await listIssues(principalOf(res)!, profile, res.locals.query as IssueQuery) });
  });

  router.get('/:id', reviewers, async (req, res) => {
    res.json(await issueDetail(principalOf(res)!, profile, String(req.params.id)));
  });

  router.put('/:id/linked-cases', requireRole('supervisor', 'manager'), validate('body', Joi.object({ cases: Joi.array().items(Joi.string().max(40)).max(500).required() })), async (req, res) => {
    const p = principalOf(res)!;
    await linkCases(p, profile, String(req.params.id), (res.locals.body as { cases: string[] }).cases, deps.clock.now());
    res.json(await issueDetail(p, profile, String(req.params.id)));
  });

  router.post('/:id/resolve-linked', requireRole('supervisor'), validate('body', Joi.object({ note: Joi.string().trim().min(2).max(5000).required() })), async (req, res) => {
    const p = principalOf(res)!;
    res.json(await resolveLinkedCases(p, profile, String(req.params.id), (res.locals.body as { note: string }).note, deps.clock.now(), deps.config.publicUrl));
  });

  router.post('/:id/merge', requireRole('supervisor', 'manager'), validate('body', Joi.object({ from: Joi.string().hex().length(24).required() })), async (req, res) => {
    const p = principalOf(res)!;
    await mergeIssues(p, profile, String(req.params.id), (res.locals.body as { from: string }).from, deps.clock.now());
    res.json(await issueDetail(p, profile, String(req.params.id)));
  });

  router.post('/:id/split', requireRole('supervisor', 'manager'), validate('body', Joi.object({ cases: Joi.array().items(Joi.string().max(40)).min(1).max(500).required() })), async (req, res) => {
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

export interface SimilarInput {
  title?: string;
  description: string;
  category?: string | null;
  area?: string | null;
}

export interface SimilarAnswer {
  category: string | null;
  area: string | null;
  items: { reference: string; status: string; createdAt: string; score: number; sharedWords: string[] }[];
}

/** Open cases like the one being written (its category and area, given or found in its text); nothing stored. */
export async function findSimilarOpenCases(profile: string, input: SimilarInput, bar: { threshold: number; margin: number }, now: Date): Promise<SimilarAnswer> {
  const text = `${input.title ?? ''}\n${input.description}`;
  let category = input.category || null;
  let area = input.area || null;
  if (!category || !area) {
    const byText = await routeByText(profile, { text, category, area }, bar);
    if (byText && byText.decision.method !== 'triage') {
      category = byText.decision.category;
      area = byText.decision.area ?? area;
    }
  }
  if (!category || !area) return { category, area, items: [] };
  const vector = vectorOf(text);
  const rules = (await rulesFor(profile))(category);
  const candidates = await RecurrenceItemModel.find({ profile, category, area, createdAt: between(new Date(now.getTime() - rules.windowDays * 86_400_000), new Date(now.getTime() + 1)) })
    .sort({ createdAt: -1 })
    .limit(rules.candidateCap)
    .lean();
  const scored = candidates
    .map((c) => ({ c, score: cosine(vector, { f: [...c.vector.f], w: [...c.vector.w] }) }))
    .filter((x) => x.score >= rules.similarity)
    .sort((a, b) => b.score - a.score);
  const open = await CaseModel.find({ _id: oneOf(scored.map((x) => x.c._id)), status: oneOf(OPEN_STATUSES) }).select({ reference: 1, status: 1, createdAt: 1 }).lean();
  const byId = new Map(open.map((o) => [o._id.toHexString(), o]));
  // Never another citizen's words: the reference, status, date and the words the two texts share.
  const items = scored
    .filter((x) => byId.has(x.c._id.toHexString()))
    .slice(0, 5)
    .map((x) => {
      const o = byId.get(x.c._id.toHexString())!;
      return { reference: o.reference, status: o.status, createdAt: o.createdAt.toISOString(), score: x.score, sharedWords: sharedWords(vector, { f: [...x.c.vector.f], w: [...x.c.vector.w] }) };
    });
  return { category, area, items };
}

/** `POST /api/v1/cases/similar`: open cases like the one being written (same body as filing; nothing stored). */
export function similarCasesRouter(deps: AppDeps, limit: RequestHandler): Router {
  const router = Router();
  const profile = deps.config.deploymentProfile;
  router.post('/', limit, async (req, res) => {
    const input = validateWith(similarSchema, req.body, req.t) as SimilarInput;
    res.json(await findSimilarOpenCases(profile, input, { threshold: deps.config.classifierThreshold, margin: deps.config.classifierMargin }, deps.clock.now()));
  });
  return router;
}


/** A signed-in citizen follows an open case as affected; they count among its recurring issue's citizens. */
export async function followCase(p: Principal, referenceInput: unknown): Promise<string> {
  const reference = normaliseReference(referenceInput);
  const c = reference ? await CaseModel.findOne({ reference }).select({ status: 1, citizenId: 1, followers: 1 }).lean() : null;
  if (!c || !OPEN_STATUSES.includes(c.status)) throw new NotFoundError('CASE_NOT_FOUND', 'No open case with this reference.');
  if (c.citizenId?.toHexString() === p.userId) throw new ConflictError('OWN_CASE', 'This is your own case.');
  const me = new Types.ObjectId(p.userId);
  await CaseModel.updateOne({ _id: c._id }, { $addToSet: { followers: me } }, { timestamps: false });
  const item = await RecurrenceItemModel.findById(c._id).select({ groupId: 1 }).lean();
  if (item?.groupId) {
    await RecurringIssueModel.updateOne({ _id: item.groupId }, { $addToSet: { citizens: p.userId } }, { timestamps: false });
    const issue = await RecurringIssueModel.findById(item.groupId).select({ citizens: 1 }).lean();
    if (issue) await RecurringIssueModel.updateOne({ _id: item.groupId }, { $set: { citizenCount: issue.citizens.length } }, { timestamps: false });
  }
  return reference!;
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
export function recurringRulesRouter(deps: AppDeps): Router {
  const router = Router();
  const profile = deps.config.deploymentProfile;
  router.use(requireRole('admin'));
  router.get('/', async (_req, res) => {
    res.json(await listRules(profile));
  });
  router.put('/:category', validate('params', Joi.object({ category: code.required() })), validate('body', ruleBodySchema), async (_req, res) => {
    const p = principalOf(res)!;
    const { category } = res.locals.params as { category: string };
    await setRules(profile, category, res.locals.body as RuleOverrides, { userId: p.userId, name: p.name }, deps.clock.now());
    res.json({ category, rules: (await rulesFor(profile))(category) });
  });
  return router;
}
