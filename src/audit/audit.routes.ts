/**
 * `/api/v1/admin/audit` (administrators): the audit log with filters, newest first, in cursor pages;
 * `/api/v1/admin/audit/export.csv` the same filters as a CSV file (UTF-8 with a BOM for Excel; a
 * cell that starts like a formula is neutralised). Reading the log is itself personal-data work, so
 * it needs an administrator, never cached.
 */
import { Router } from 'express';
import { stringify } from 'csv-stringify';
import Joi from 'joi';
import type { AppDeps } from '../shared/deps.js';
import { pageParams } from '../shared/pagination.js';
import { validate } from '../shared/validate.js';
import { requireRole } from '../users/index.js';
import { AUDIT_ACTIONS } from './audit.model.js';
import { listAudit, type AuditQuery } from './audit.service.js';

const actions = Joi.string()
  .max(300)
  .custom((value: string, helpers) => {
    const list = value.split(',').map((s) => s.trim()).filter(Boolean);
    return list.every((a) => (AUDIT_ACTIONS as readonly string[]).includes(a)) ? list : helpers.error('any.only', { valids: AUDIT_ACTIONS });
  });

const querySchema = Joi.object({
  reference: Joi.string().trim().max(40),
  actor: Joi.string().hex().length(24),
  action: actions,
  from: Joi.date().iso(),
  to: Joi.date().iso(),
}).concat(pageParams({ defaultLimit: 100, maxLimit: 500 }));

const EXPORT_MAX = 50_000;
/** Excel would run `=…`, `+…`, `-…`, `@…` (and a leading tab or return) as a formula. */
const neutralise = (v: string | null): string => (v && /^[=+\-@\t\r]/.test(v) ? `'${v}` : (v ?? ''));

/** The entries the query selects, page after page (at most EXPORT_MAX), as CSV rows into `out`. */
async function writeAuditCsv(query: AuditQuery, out: NodeJS.WritableStream): Promise<void> {
  const csv = stringify({ header: true, bom: true, columns: ['at', 'action', 'reference', 'detail', 'actorKind', 'actorRole', 'actorName', 'actorId'] });
  csv.pipe(out);
  let written = 0;
  for (let cursor = query.cursor; written < EXPORT_MAX; ) {
    const page = await listAudit({ ...query, ...(cursor ? { cursor } : {}) });
    for (const e of page.items) {
      csv.write([e.at, e.action, neutralise(e.reference), neutralise(e.detail), e.actor.kind, e.actor.role ?? '', neutralise(e.actor.name), e.actor.userId ?? '']);
      written++;
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  csv.end();
}

export function auditRouter(_deps: AppDeps): Router {
  const router = Router();
  router.use(requireRole('admin'), (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/', validate('query', querySchema), async (_req, res) => {
    res.json(await listAudit(res.locals.query as AuditQuery));
  });

  router.get('/export.csv', validate('query', querySchema), async (_req, res) => {
    res.type('text/csv; charset=utf-8').attachment('audit-log.csv');
    await writeAuditCsv({ ...(res.locals.query as AuditQuery), limit: 1000 }, res);
  });

  return router;
}
