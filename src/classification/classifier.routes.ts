/**
 * Administering the classifier: `/api/v1/admin/classifier` (the model in use and its measured
 * accuracy; retrain on demand; keyword rules per category) and the admin page
 * `/work/admin/classifier` (the same, with a retrain button).
 */
import { Router, type Request, type Response } from 'express';
import Joi from 'joi';
import type { ModuleDeps } from '../shared/deps.js';
import { directoryEntry, getDirectory } from '../directory/index.js';
import type { Csrf } from '../shared/csrf.js';
import { pageRefusal } from '../shared/page-errors.js';
import { dateLocale, requestLanguage } from '../shared/i18n.js';
import { validate } from '../shared/validate.js';
import { principalOf, requireRole } from '../users/index.js';
import { keywordRules, modelInfo, routingBarOf, setKeywordRule, trainAndStore } from './classifier.service.js';

const category = Joi.string().trim().max(64).pattern(/^[A-Z][A-Z0-9_]*$/).required();
const keywordsBody = Joi.object({ keywords: Joi.array().items(Joi.string().trim().min(2).max(100)).max(50).required() });

/** One training at a time per instance: a second request waits for the first's answer. */
let training: Promise<unknown> | null = null;
async function trainOnce<T>(run: () => Promise<T>): Promise<T> {
  while (training) await training.catch(() => undefined);
  const p = run();
  training = p;
  try {
    return await p;
  } finally {
    training = null;
  }
}

export function classifierApiRouter(deps: ModuleDeps): Router {
  const router = Router();
  const profile = deps.config.deploymentProfile;
  router.use(requireRole('admin'));

  router.get('/', async (_req, res) => {
    res.json({ model: await modelInfo(profile), ...routingBarOf(deps.config), keywordRules: await keywordRules(profile) });
  });

  router.post('/train', async (_req, res) => {
    const p = principalOf(res)!;
    res.status(201).json(await trainOnce(() => trainAndStore(profile, deps.clock.now(), routingBarOf(deps.config), `${p.name} (${p.userId})`, deps.hooks.correctedCases)));
  });

  router.put('/keywords/:category', validate('params', Joi.object({ category })), validate('body', keywordsBody), async (_req, res) => {
    const p = principalOf(res)!;
    const rule = await setKeywordRule(profile, (res.locals.params as { category: string }).category, (res.locals.body as { keywords: string[] }).keywords, { userId: p.userId, name: p.name }, deps.clock.now());
    if (rule) res.json(rule);
    else res.status(204).end();
  });

  return router;
}

export function classifierPagesRouter(deps: ModuleDeps, csrf: Csrf): Router {
  const router = Router();
  const profile = deps.config.deploymentProfile;

  const render = async (req: Request, res: Response, status: number, flash: { kind: 'ok' | 'error'; message: string } | null) => {
    const dir = await getDirectory(profile);
    const lang = requestLanguage(req);
    const name = (code: string): string => {
      const c = dir ? directoryEntry(dir, 'categories', code) : undefined; // a retired category keeps its name
      return c ? (lang === 'ar' ? c.name_ar : c.name_en) : code;
    };
    const formatter = new Intl.DateTimeFormat(dateLocale(lang, profile), { dateStyle: 'medium', timeStyle: 'short', timeZone: dir?.profile.timezone ?? 'UTC' });
    res.status(status).render('work/classifier', {
      title: req.t('classifier.title'),
      info: await modelInfo(profile),
      rules: await keywordRules(profile),
      bar: routingBarOf(deps.config),
      categoryName: name,
      percent: (x: number) => `${(x * 100).toFixed(1)}%`,
      formatDate: (iso: string) => formatter.format(new Date(iso)),
      flash,
      csrfToken: csrf.token(req, res),
    });
  };

  router.use('/work/admin/classifier', csrf.browserSession, (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/work/admin/classifier', requireRole('admin'), async (req, res) => {
    await render(req, res, 200, req.query.done ? { kind: 'ok', message: req.t('classifier.trained') } : null);
  });

  router.post('/work/admin/classifier/train', requireRole('admin'), csrf.protect, async (req, res) => {
    const p = principalOf(res)!;
    try {
      await trainOnce(() => trainAndStore(profile, deps.clock.now(), routingBarOf(deps.config), `${p.name} (${p.userId})`, deps.hooks.correctedCases));
    } catch (err) {
      const { status, message } = pageRefusal(err, req.t);
      await render(req, res, status, { kind: 'error', message });
      return;
    }
    res.redirect(303, '/work/admin/classifier?done=1');
  });

  return router;
}
