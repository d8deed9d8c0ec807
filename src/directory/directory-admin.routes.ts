/**
 * `/api/v1/admin/directory` (administrators): the directory with its retired entries, edits to
 * agencies, municipalities, areas and categories (editing.service.ts), and the change history.
 * Codes are in the path and never in a PATCH body: a code is permanent.
 */
import { Router, type RequestHandler, type Response } from 'express';
import type { Request } from 'express';
import Joi from 'joi';
import type { ModuleDeps } from '../shared/deps.js';
import type { Principal } from '../shared/principal.js';
import { reportedAs, validate } from '../shared/validate.js';
import { DIRECTORY_ENTITIES, type DirectoryEntity } from './directory-change.model.js';
import {
  createAgency,
  createArea,
  createCategory,
  listChanges,
  listEntries,
  updateAgency,
  updateArea,
  updateCategory,
  type AgencyPatch,
  type AreaPatch,
  type CategoryInput,
  type CategoryPatch,
  type EditContext,
  type Names,
} from './editing.service.js';

const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
export const codeSchema = Joi.string().trim().pattern(CODE);
const nameSchema = Joi.string().trim().min(1).max(200);
const windowEnd = Joi.date().iso().allow(null);
/** A code in a PATCH body is refused: codes never change, only names and links. */
const noCode = { code: Joi.any().forbidden().error(reportedAs('code', 'CODE_PERMANENT')) };

export const schemas = {
  params: Joi.object({ code: codeSchema.required() }),
  agency: Joi.object({ code: codeSchema.required(), name_ar: nameSchema.required(), name_en: nameSchema.required() }),
  agencyPatch: Joi.object({ ...noCode, name_ar: nameSchema, name_en: nameSchema, retired: Joi.boolean() }).min(1),
  area: Joi.object({ code: codeSchema.required(), name_ar: nameSchema.required(), name_en: nameSchema.required(), municipality: codeSchema.required() }),
  areaPatch: Joi.object({ ...noCode, name_ar: nameSchema, name_en: nameSchema, municipality: codeSchema, retired: Joi.boolean() }).min(1),
  category: Joi.object({
    code: codeSchema.required(),
    name_ar: nameSchema.required(),
    name_en: nameSchema.required(),
    owner: codeSchema.required(),
    group: codeSchema.required(),
    validFrom: windowEnd,
    validUntil: windowEnd,
  }),
  categoryPatch: Joi.object({ ...noCode, name_ar: nameSchema, name_en: nameSchema, owner: codeSchema, group: codeSchema, validFrom: windowEnd, validUntil: windowEnd, retired: Joi.boolean() }).min(1),
  changes: Joi.object({ entity: Joi.string().valid(...DIRECTORY_ENTITIES), code: codeSchema, limit: Joi.number().integer().min(1).max(200).default(50) }),
};

/** The edit's context: the signed-in administrator, the injected clock, the request's language. */
export function editContext(deps: ModuleDeps, req: Request, res: Response): EditContext {
  const p = (res.locals as { principal: Principal }).principal;
  return { profile: deps.config.deploymentProfile, actor: { userId: p.userId, name: p.name, role: p.role }, now: deps.clock.now(), t: req.t };
}

const codeOf = (res: Response): string => (res.locals.params as { code: string }).code;

/** The admin API; `adminOnly` is the guard (users' requireRole('admin'), handed in by app.ts: users sits above directory). */
export function directoryAdminRouter(deps: ModuleDeps, adminOnly: RequestHandler): Router {
  const router = Router();
  router.use(adminOnly);
  const params = validate('params', schemas.params);

  router.get('/', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await listEntries(deps.config.deploymentProfile));
  });
  router.get('/changes', validate('query', schemas.changes), async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ items: await listChanges(deps.config.deploymentProfile, res.locals.query as { entity?: DirectoryEntity; code?: string; limit: number }) });
  });

  for (const [path, kind] of [['/agencies', 'national'], ['/municipalities', 'municipality']] as const) {
    router.post(path, validate('body', schemas.agency), async (req, res) => {
      res.status(201).json(await createAgency(editContext(deps, req, res), kind, res.locals.body as Names & { code: string }));
    });
  }
  router.patch('/agencies/:code', params, validate('body', schemas.agencyPatch), async (req, res) => {
    res.json(await updateAgency(editContext(deps, req, res), codeOf(res), res.locals.body as AgencyPatch));
  });
  router.patch('/municipalities/:code', params, validate('body', schemas.agencyPatch), async (req, res) => {
    res.json(await updateAgency(editContext(deps, req, res), codeOf(res), res.locals.body as AgencyPatch, 'municipality'));
  });

  router.post('/areas', validate('body', schemas.area), async (req, res) => {
    res.status(201).json(await createArea(editContext(deps, req, res), res.locals.body as Names & { code: string; municipality: string }));
  });
  router.patch('/areas/:code', params, validate('body', schemas.areaPatch), async (req, res) => {
    res.json(await updateArea(editContext(deps, req, res), codeOf(res), res.locals.body as AreaPatch));
  });

  router.post('/categories', validate('body', schemas.category), async (req, res) => {
    res.status(201).json(await createCategory(editContext(deps, req, res), res.locals.body as CategoryInput));
  });
  router.patch('/categories/:code', params, validate('body', schemas.categoryPatch), async (req, res) => {
    res.json(await updateCategory(editContext(deps, req, res), codeOf(res), res.locals.body as CategoryPatch));
  });
  return router;
}
