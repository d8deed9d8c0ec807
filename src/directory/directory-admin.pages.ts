/**
 * `/work/admin/directory` (administrators): the directory on one page, Arabic and English, with
 * forms to add, rename, move, retire and restore entries, change a subject's entity, group and
 * dates, and the recent changes. Each form posts (CSRF-protected) through the same service as the
 * admin API and comes back with a flash, or with the refusal beside the form that was sent.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Csrf } from '../shared/csrf.js';
import type { ModuleDeps } from '../shared/deps.js';
import { AppError, ValidationError } from '../shared/errors.js';
import { requestLanguage } from '../shared/i18n.js';
import { pageRefusal } from '../shared/page-errors.js';
import type Joi from 'joi';
import { errorsByField, formText, type FormBody } from '../shared/validate-form.js';
import { validateWith } from '../shared/validate.js';
import { editContext } from './directory-admin.routes.js';
import { formFields, formSchemas, retiredFlag, windowEnd, dayOf } from './directory-admin.forms.js';
import { getDirectory, insideWindow } from './directory.service.js';
import { createAgency, createArea, createCategory, listChanges, listEntries, updateAgency, updateArea, updateCategory, type ChangeView, type EntryView, type EditContext } from './editing.service.js';

const BASE = '/work/admin/directory';

/** A form sent back: which one (its id on the page), what was typed, and the problems by field. */
interface Failed {
  form: string;
  values: Record<string, unknown>;
  errors: Record<string, string>;
}

type Flash = { kind: 'ok' | 'error'; message: string; form?: string } | null;

interface Pages {
  deps: ModuleDeps;
  csrf: Csrf;
}

async function timezoneOf(profile: string): Promise<string> {
  return (await getDirectory(profile))?.profile.timezone ?? 'UTC';
}

function changeLine(req: Request, c: ChangeView, format: (d: Date) => string): string {
  const fields = c.action === 'updated' ? ` ${req.t('directory.fieldsChanged', { fields: c.changes.map((x) => x.field).join(', ') })}` : '';
  return req.t('directory.changeLine', { at: format(new Date(c.at)), who: c.actor.name, action: req.t(`directory.actions.${c.action}`), entity: req.t(`directory.entities.${c.entity}`), code: c.code, interpolation: { escapeValue: false } }) + fields;
}

/** What the template shows: the entries by kind, names in the page's language, the windows as days. */
async function pageModel({ deps, csrf }: Pages, req: Request, res: Response, flash: Flash, failed: Failed | null) {
  const profile = deps.config.deploymentProfile;
  const [entries, changes, timezone] = await Promise.all([listEntries(profile), listChanges(profile, { limit: 20 }), timezoneOf(profile)]);
  const lang = requestLanguage(req);
  const now = deps.clock.now();
  const name = (x: { name_ar: string; name_en: string } | undefined): string => (x ? (lang === 'ar' ? x.name_ar : x.name_en) : '');
  const agencyName = (code: string) => name(entries.agencies.find((a) => a.code === code)) || code;
  const formatter = new Intl.DateTimeFormat(lang === 'ar' ? 'ar-BH' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: timezone });
  const offeredNow = (c: EntryView) => !c.retired && insideWindow({ validFrom: c.validFrom ? new Date(c.validFrom) : null, validUntil: c.validUntil ? new Date(c.validUntil) : null }, now);
  return {
    title: req.t('directory.title'),
    national: entries.agencies.filter((a) => a.kind === 'national'),
    municipalities: entries.agencies.filter((a) => a.kind === 'municipality').map((m) => ({ ...m, areas: entries.areas.filter((a) => a.municipality === m.code) })),
    categories: entries.categories.map((c) => ({ ...c, offeredNow: offeredNow(c), from: c.validFrom ? dayOf(new Date(c.validFrom), timezone) : '', until: c.validUntil ? dayOf(new Date(c.validUntil), timezone, true) : '' })),
    owners: entries.agencies.filter((a) => !a.retired).map((a) => ({ code: a.code, name: name(a) })),
    liveMunicipalities: entries.agencies.filter((a) => a.kind === 'municipality' && !a.retired).map((a) => ({ code: a.code, name: name(a) })),
    groups: entries.groups.map((g) => ({ code: g.code, name: name(g) })),
    agencyName,
    groupName: (code: string) => name(entries.groups.find((g) => g.code === code)) || code,
    name,
    changes: changes.map((c) => changeLine(req, c, (d) => formatter.format(d))),
    flash,
    failed,
    csrfToken: csrf.token(req, res),
  };
}

async function render(pages: Pages, req: Request, res: Response, status: number, flash: Flash, failed: Failed | null): Promise<void> {
  res.status(status).render('work/directory', await pageModel(pages, req, res, flash, failed));
}

/** The form's id on the page: `new-<kind>` for an add form, `<kind>-<code>` for an entry's forms. */
function formId(req: Request, kind: string): string {
  const code = (req.params as { code?: string }).code;
  return code ? `${kind}-${code}` : `new-${kind}`;
}

type Edit = (ctx: EditContext, form: Record<string, string | undefined>, code: string, timezone: string) => Promise<unknown>;
type Refuse = (req: Request, res: Response, errors: Record<string, string>) => Promise<void>;

/** Route-line validation of a form's named text fields; a refused form comes back beside itself (400). */
function formValidation(schema: Joi.Schema, fields: readonly string[], refuse: Refuse): RequestHandler {
  return async (req, res, next) => {
    const body = (req.body ?? {}) as FormBody;
    try {
      res.locals.form = validateWith(schema, Object.fromEntries(fields.map((f) => [f, formText(body, f)])), req.t);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      await refuse(req, res, errorsByField(err.details ?? []));
      return;
    }
    next();
  };
}

/** One form's route: validated in the route line, the edit, then back to the page (303) or the refusal beside the form. */
function formRoute(pages: Pages, kind: string, schema: keyof typeof formSchemas, edit: Edit): RequestHandler[] {
  const sentBack = (req: Request, res: Response, status: number, message: string, errors: Record<string, string>) =>
    render(pages, req, res, status, { kind: 'error', message, form: formId(req, kind) }, { form: formId(req, kind), values: (req.body ?? {}) as Record<string, unknown>, errors });
  const refuse: Refuse = (req, res, errors) => sentBack(req, res, 400, req.t('directory.failed'), errors);
  const handler: RequestHandler = async (req, res) => {
    const ctx = editContext(pages.deps, req, res);
    try {
      await edit(ctx, res.locals.form as Record<string, string | undefined>, String((req.params as { code?: string }).code ?? ''), await timezoneOf(ctx.profile));
    } catch (err) {
      if (err instanceof ValidationError) return refuse(req, res, errorsByField(err.details ?? []));
      if (!(err instanceof AppError)) throw err;
      const { status, message } = pageRefusal(err, req.t);
      return sentBack(req, res, status, message, {});
    }
    res.redirect(303, `${BASE}?done=1#${formId(req, kind)}`);
  };
  return [pages.csrf.protect, formValidation(formSchemas[schema], formFields[schema], refuse), handler];
}

const names = (f: Record<string, string | undefined>) => ({ ...(f.name_ar !== undefined ? { name_ar: f.name_ar } : {}), ...(f.name_en !== undefined ? { name_en: f.name_en } : {}) });
const required = (f: Record<string, string | undefined>, k: string): string => f[k]!;

/** The category fields of a form: the window as instants in the profile's zone. */
function categoryFields(f: Record<string, string | undefined>, timezone: string) {
  const from = windowEnd(f.validFrom, timezone, 'from');
  const until = windowEnd(f.validUntil, timezone, 'until');
  return { ...names(f), ...(f.owner ? { owner: f.owner } : {}), ...(f.group ? { group: f.group } : {}), ...(from !== undefined ? { validFrom: from } : {}), ...(until !== undefined ? { validUntil: until } : {}) };
}

export function directoryAdminPagesRouter(deps: ModuleDeps, csrf: Csrf, adminOnly: RequestHandler): Router {
  const pages: Pages = { deps, csrf };
  const router = Router();
  router.use(BASE, csrf.browserSession, adminOnly, (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.get(BASE, async (req, res) => {
    await render(pages, req, res, 200, req.query.done ? { kind: 'ok', message: req.t('directory.done') } : null, null);
  });
  router.post(`${BASE}/agencies`, ...formRoute(pages, 'agency', 'agency', (ctx, f) => createAgency(ctx, 'national', { code: required(f, 'code'), name_ar: required(f, 'name_ar'), name_en: required(f, 'name_en') })));
  router.post(`${BASE}/municipalities`, ...formRoute(pages, 'municipality', 'agency', (ctx, f) => createAgency(ctx, 'municipality', { code: required(f, 'code'), name_ar: required(f, 'name_ar'), name_en: required(f, 'name_en') })));
  router.post(`${BASE}/agencies/:code`, ...formRoute(pages, 'agency', 'agencyPatch', (ctx, f, code) => updateAgency(ctx, code, { ...names(f), retired: retiredFlag(f.retired) })));
  router.post(`${BASE}/areas`, ...formRoute(pages, 'area', 'area', (ctx, f) => createArea(ctx, { code: required(f, 'code'), name_ar: required(f, 'name_ar'), name_en: required(f, 'name_en'), municipality: required(f, 'municipality') })));
  router.post(`${BASE}/areas/:code`, ...formRoute(pages, 'area', 'areaPatch', (ctx, f, code) => updateArea(ctx, code, { ...names(f), ...(f.municipality ? { municipality: f.municipality } : {}), retired: retiredFlag(f.retired) })));
  router.post(`${BASE}/categories`, ...formRoute(pages, 'category', 'category', (ctx, f, _code, tz) => createCategory(ctx, { code: required(f, 'code'), ...categoryFields(f, tz) } as Parameters<typeof createCategory>[1])));
  router.post(`${BASE}/categories/:code`, ...formRoute(pages, 'category', 'categoryPatch', (ctx, f, code, tz) => updateCategory(ctx, code, { ...categoryFields(f, tz), retired: retiredFlag(f.retired) })));
  return router;
}
