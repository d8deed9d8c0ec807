/**
 * The citizen's pages: file a case, the confirmation, track a case, the case page. They work
 * without JavaScript: forms post, errors are shown beside the fields with the input kept, and every
 * successful post redirects (Post/Redirect/Get). The tracking token travels in a sealed HttpOnly
 * cookie after the first step, never in a page address that stays in history.
 */
import crypto from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import { getDirectory, type DirectoryView } from '../directory/index.js';
import type { Csrf } from '../shared/csrf.js';
import type { SimilarAnswer } from '../shared/hooks.js';
import { ServiceUnavailableError, ValidationError, type ErrorDetail } from '../shared/errors.js';
import { pageRefusal } from '../shared/page-errors.js';
import { cursorFromQuery, pageHref } from '../shared/pagination.js';
import { principalOf, requireRole } from '../users/index.js';
import { listCases } from './list.service.js';
import { allowedActions, ratingWindowOpen } from './status.js';
import { applyTransition, findCaseFor, rateCase } from './workspace.service.js';
import { sealingKey, seal, unseal, withIdempotency, type IdempotentStep } from '../shared/idempotency.js';
import { requestLanguage, type Language } from '../shared/i18n.js';
import { validateWith } from '../shared/validate.js';
import { adoptAttachments, asStored, assertOpenForFiles, checkAttachments, discardAttachments, displayFilename, receiveAttachments, receivedFiles } from './attachments.js';
import { sendAttachment, type CaseLimits } from './case.routes.js';
import { CASE_TYPES, type Actor, type CaseDoc, type CaseType } from './case.model.js';
import { citizenMessageSchema, fileCaseSchema, ratingSchema, similarSchema, type FileCaseInput } from './case.schemas.js';
import { expectationOf, fileCase, filingScope, isFiledUnder, type FiledCase } from './intake.service.js';
import { expectedWorkingDays } from '../sla/index.js';
import { routingBarOf } from '../classification/index.js';
import { normaliseReference } from './reference.js';
import { addCitizenAttachments, addCitizenMessage, citizenView, findAttachment, findVisibleCase, type CaseView, type TimelineEntry } from './tracking.service.js';

/**
 * The page cookies that carry a tracking token: the one-time confirmation (`tw_filed`, Path=/cases/filed)
 * and one per followed case (`trk_<reference>`, Path=/cases/). In production they are `__Secure-`
 * named, so that a browser takes them only over HTTPS with Secure and nothing on plain HTTP can plant
 * or overwrite them; `__Host-` would need Path=/, which these paths are not. Plain names in development.
 */
function pageCookieNames(secure: boolean): { flash: string; trackPrefix: string } {
  const prefix = secure ? '__Secure-' : '';
  return { flash: `${prefix}tw_filed`, trackPrefix: `${prefix}trk_` };
}
const TRACK_COOKIE_MS = 12 * 3600 * 1000;

type FormBody = Record<string, unknown>;

function text(body: FormBody, name: string): string | undefined {
  const v = body[name];
  return typeof v === 'string' ? v : undefined;
}

/** Form fields (flat) to the API's shape, so the same schema and service serve both. */
export function formToFileCaseInput(body: FormBody, lang: Language): Record<string, unknown> {
  const phone = text(body, 'contact_phone')?.trim();
  return {
    type: text(body, 'type'),
    title: text(body, 'title'),
    description: text(body, 'description'),
    category: text(body, 'category') || null,
    area: text(body, 'area') || null,
    contact: { name: text(body, 'contact_name'), email: text(body, 'contact_email'), ...(phone ? { phone } : {}) },
    language: lang,
    channel: 'web',
  };
}

function errorsByField(details: ErrorDetail[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const d of details) {
    const field = d.field.replace(/\[\d+\]$/, '');
    errors[field] ??= d.message;
  }
  return errors;
}

export function casePagesRouter(deps: ModuleDeps, csrf: Csrf, limits: CaseLimits): Router {
  const router = Router();
  const secure = deps.config.nodeEnv === 'production';
  const { flash: FLASH_COOKIE, trackPrefix: TRACK_COOKIE_PREFIX } = pageCookieNames(secure);
  const cookieKey = sealingKey(deps.config.jwtSecret, 'page-cookies-v1');
  const sealKey = sealingKey(deps.config.jwtSecret);
  const profile = deps.config.deploymentProfile;

  const directoryOrFail = async (): Promise<DirectoryView> => {
    const directory = await getDirectory(profile);
    if (!directory) throw new ServiceUnavailableError('DIRECTORY_NOT_SEEDED', 'The directory has not been loaded.');
    return directory;
  };

  const renderForm = async (req: Request, res: Response, status: number, values: FormBody, errors: Record<string, string>, similar: SimilarAnswer | null = null) => {
    const forCaller = req.path.startsWith('/work/');
    const followed = typeof req.query.followed === 'string' ? normaliseReference(req.query.followed) : undefined;
    res.status(status).render('cases/new', {
      similar,
      followed: followed ?? null,
      principal: principalOf(res) ?? null,
      formAction: forCaller ? '/work/file' : '/cases/new',
      forCaller,
      directory: await directoryOrFail(),
      caseTypes: CASE_TYPES,
      values,
      errors,
      csrfToken: csrf.token(req, res),
      idempotencyKey: text(values, 'idempotencyKey') ?? crypto.randomUUID(),
    });
  };

  const rememberTracking = (res: Response, reference: string, token: string) => {
    res.cookie(`${TRACK_COOKIE_PREFIX}${reference}`, seal(cookieKey, token), { httpOnly: true, sameSite: 'lax', secure, path: '/cases/', maxAge: TRACK_COOKIE_MS });
  };

  const trackedToken = (req: Request, reference: string): string | undefined => {
    const sealed = (req.cookies as Record<string, string | undefined>)[`${TRACK_COOKIE_PREFIX}${reference}`];
    if (!sealed) return undefined;
    try {
      return unseal(cookieKey, sealed);
    } catch {
      return undefined;
    }
  };

  router.use(csrf.browserSession);
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/cases/new', async (req, res) => {
    await renderForm(req, res, 200, {}, {});
  });

  /** The form's post, for a citizen (`/cases/new`) or for a contact-centre agent taking a call (`/work/file`). */
  const fileFromForm = async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as FormBody;
    const lang = requestLanguage(req);
    const now = deps.clock.now();
    const p = principalOf(res);
    const agent = req.path === '/work/file' && p?.role === 'agent' ? p : undefined;
    const owner = !agent && p?.role === 'citizen' ? p : undefined;
    let filed: FiledCase;
    let priority: NonNullable<FileCaseInput['priority']>;
    try {
      const form = formToFileCaseInput(body, lang);
      if (agent) form.channel = 'phone';
      if (text(body, 'intent') === 'check') {
        // "Is this your problem?": look-alike open cases first, nothing stored; the form comes back as typed.
        const { contact: _contact, ...withoutContact } = form;
        const draft = validateWith(similarSchema, withoutContact, req.t, { convert: true }) as FileCaseInput;
        const similar = await deps.hooks.similarOpenCases(profile, draft, routingBarOf(deps.config), now);
        await renderForm(req, res, 200, body, {}, similar);
        return;
      }
      const input = validateWith(fileCaseSchema, form, req.t, { convert: true }) as FileCaseInput;
      priority = input.priority ?? 'normal';
      const files = checkAttachments(receivedFiles(req), req.t);
      const actor: Actor = agent
        ? { kind: 'agent', userId: agent.userId as unknown as Actor['userId'], role: 'agent', name: agent.name }
        : { kind: 'citizen', ...(owner ? { userId: owner.userId as unknown as Actor['userId'] } : {}) };
      const ctx = { profile, publicUrl: deps.config.publicUrl, now, requestLanguage: lang, actor, classifierBar: routingBarOf(deps.config), onRouted: deps.hooks.caseRouted };
      const file = async (step?: IdempotentStep<FiledCase>) => ({
        status: 201,
        body: await fileCase(input, { ...ctx, ...(step ? { idempotency: { recordId: step.recordId, prepare: (answer: FiledCase) => step.prepare({ status: 201, body: answer }) } } : {}) }, asStored(files, now)).then((answer) => {
          adoptAttachments(req, files); // a replayed filing does not run this: its files are deleted
          return answer;
        }),
      });
      const key = text(body, 'idempotencyKey');
      // A double click posts the same form twice: the second gets the first's answer.
      const scope = filingScope('cases:create:form', p?.userId, input);
      filed = (key ? await withIdempotency({ scope, key, request: input, sealKey, now, stored: isFiledUnder }, file) : await file()).body;
    } catch (err) {
      await discardAttachments(req);
      if (!(err instanceof ValidationError)) throw err;
      await renderForm(req, res, 400, body, errorsByField(err.details ?? []));
      return;
    }
    const agencyName = filed.agency ? (lang === 'ar' ? filed.agency.name_ar : filed.agency.name_en) : null;
    const expectedDays = await expectedWorkingDays(profile, expectationOf(filed, priority), now); // as the receipt says
    res.cookie(FLASH_COOKIE, seal(cookieKey, JSON.stringify({ reference: filed.reference, trackingToken: filed.trackingToken, agencyName, expectedDays })), {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      path: '/cases/filed',
      maxAge: 10 * 60 * 1000,
    });
    rememberTracking(res, filed.reference, filed.trackingToken);
    res.redirect(303, '/cases/filed');
  };

  router.post('/cases/new', limits.filing, receiveAttachments, csrf.protect, fileFromForm);
  // Following a look-alike instead of filing: for a signed-in citizen (a guest is asked to sign in).
  router.post('/cases/:reference/follow', limits.tracking, requireRole('citizen'), csrf.protect, async (req, res) => {
    const reference = await deps.hooks.followCase(principalOf(res)!, req.params.reference);
    res.redirect(303, `/cases/new?followed=${encodeURIComponent(reference)}`);
  });
  router.get('/work/file', requireRole('agent'), async (req, res) => {
    await renderForm(req, res, 200, {}, {});
  });
  router.post('/work/file', requireRole('agent'), receiveAttachments, csrf.protect, fileFromForm);

  router.get('/cases/filed', async (req, res) => {
    const sealed = (req.cookies as Record<string, string | undefined>)[FLASH_COOKIE];
    let flash: { reference: string; trackingToken: string; agencyName: string | null; expectedDays?: number } | undefined;
    try {
      flash = sealed ? (JSON.parse(unseal(cookieKey, sealed)) as typeof flash) : undefined;
    } catch {
      flash = undefined;
    }
    if (!flash) {
      res.redirect(303, '/track');
      return;
    }
    res.clearCookie(FLASH_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/cases/filed' }); // the token is shown once
    // A confirmation sealed before the figure was carried falls back to the profile's own.
    res.render('cases/filed', { ...flash, expectedDays: flash.expectedDays ?? (await expectedWorkingDays(profile, {}, deps.clock.now())) });
  });

  const renderTrack = (req: Request, res: Response, status: number, values: FormBody, notFound: boolean) => {
    res.status(status).render('cases/track', { values, notFound, csrfToken: csrf.token(req, res) });
  };

  /** Checks a reference and token; on success remembers them and redirects to the case page. */
  const openCase = async (res: Response, referenceInput: unknown, token: unknown): Promise<boolean> => {
    const reference = normaliseReference(referenceInput);
    if (!reference || typeof token !== 'string') return false;
    try {
      await findVisibleCase(reference, { kind: 'tracking-token', token: token.trim() });
    } catch {
      return false;
    }
    rememberTracking(res, reference, token.trim());
    res.redirect(303, `/cases/${reference}`);
    return true;
  };

  router.get('/track', limits.tracking, async (req, res) => {
    const { reference, token } = req.query;
    if (reference !== undefined && token !== undefined) {
      // The link in the receipt email: check it, then drop the token from the address.
      if (await openCase(res, reference, token)) return;
      renderTrack(req, res, 404, { reference: typeof reference === 'string' ? reference : '' }, true);
      return;
    }
    // The link in an update email carries only the reference: fill it in, ask for the code.
    renderTrack(req, res, 200, { reference: typeof reference === 'string' ? (normaliseReference(reference) ?? '') : '' }, false);
  });

  router.post('/track', limits.tracking, csrf.protect, async (req, res) => {
    const body = (req.body ?? {}) as FormBody;
    if (await openCase(res, body.reference, body.token)) return;
    renderTrack(req, res, 404, { reference: text(body, 'reference') ?? '' }, true);
  });

  const visibleFromCookie = async (req: Request, res: Response) => {
    const p = principalOf(res);
    if (p?.role === 'citizen') {
      try {
        return await findCaseFor(p, req.params.reference); // their own case, signed in
      } catch {
        // not theirs: fall back to a tracking code this browser may hold
      }
    }
    const reference = normaliseReference(req.params.reference);
    const token = reference ? trackedToken(req, reference) : undefined;
    return findVisibleCase(reference, token ? { kind: 'tracking-token', token } : { kind: 'anonymous' });
  };

  const renderCase = async (req: Request, res: Response, status: number, view: CaseView, values: FormBody, errors: Record<string, string>) => {
    const directory = await directoryOrFail();
    const lang = requestLanguage(req);
    const name = (x: { name_ar: string; name_en: string } | undefined) => (x ? (lang === 'ar' ? x.name_ar : x.name_en) : null);
    const formatter = new Intl.DateTimeFormat(lang === 'ar' ? 'ar-BH' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: directory.profile.timezone });
    const describeEvent = (e: TimelineEntry): string => {
      if (e.event === 'routed') return req.t(e.to === 'triage' ? 'case.events.routed_triage' : 'case.events.routed_agency');
      if (e.event === 'message') return req.t(e.by === 'citizen' ? 'case.events.message_citizen' : 'case.events.message_agency');
      if (e.event === 'status_changed') return req.t('case.events.status_changed', { status: req.t(`statuses.${e.to ?? ''}`) });
      if (e.event === 'attachment_added') return req.t('case.events.attachment_added', { note: displayFilename(e.note ?? '') });
      return req.t(`case.events.${e.event}`, { note: e.note ?? '' });
    };
    res.status(status).render('cases/show', {
      c: view,
      agencyName: name(directory.agencies.find((a) => a.code === view.agency)),
      categoryName: name(directory.categories.find((x) => x.code === view.category)),
      areaName: name(directory.municipalities.flatMap((m) => m.areas).find((a) => a.code === view.area)),
      expectedDays: view.dueAt ? null : await expectedWorkingDays(profile, { type: view.type, category: view.category ?? undefined }, deps.clock.now()), // shown only without a dueAt
      formatDate: (iso: string) => formatter.format(new Date(iso)),
      describeEvent,
      values,
      errors,
      csrfToken: csrf.token(req, res),
      ownerActions: allowedActions({ status: view.status, type: view.type as CaseType, actor: { role: 'owner' }, resolvedAt: view.resolvedAt ? new Date(view.resolvedAt) : null, now: deps.clock.now() }).filter(
        (a) => a === 'reopen' || a === 'accept_resolution',
      ),
      canRate: !view.rating && !!view.resolvedAt && ['resolved', 'closed'].includes(view.status) && ratingWindowOpen(new Date(view.resolvedAt), deps.clock.now()),
    });
  };

  router.get('/cases/:reference', limits.tracking, async (req, res) => {
    await renderCase(req, res, 200, citizenView(await visibleFromCookie(req, res)), {}, {});
  });

  // Who may add to the case is settled before the body is read: others get 404 without a byte buffered.
  const uploadTarget = async (req: Request, res: Response, next: () => void) => {
    const found = await visibleFromCookie(req, res);
    assertOpenForFiles(found);
    res.locals.uploadTarget = found;
    next();
  };

  router.post('/cases/:reference/messages', limits.tracking, uploadTarget, receiveAttachments, csrf.protect, async (req, res) => {
    const found = res.locals.uploadTarget as CaseDoc;
    const body = (req.body ?? {}) as FormBody;
    const now = deps.clock.now();
    try {
      const files = checkAttachments(receivedFiles(req), req.t, found.attachments.length);
      const message = text(body, 'message')?.trim();
      if (message || files.length === 0) {
        const valid = validateWith(citizenMessageSchema, { message: text(body, 'message') }, req.t, { convert: true }) as { message: string };
        await addCitizenMessage(found, valid.message, now);
      }
      if (files.length) {
        await addCitizenAttachments(found, asStored(files, now), now, req.t);
        adoptAttachments(req, files);
      }
    } catch (err) {
      await discardAttachments(req);
      if (!(err instanceof ValidationError)) throw err;
      await renderCase(req, res, 400, citizenView(found), body, errorsByField(err.details ?? []));
      return;
    }
    res.redirect(303, `/cases/${found.reference}`);
  });

  /** The owner's own decisions on an answer: reopen (with a reason) or accept it. */
  router.post('/cases/:reference/act', limits.tracking, csrf.protect, async (req, res) => {
    const found = await visibleFromCookie(req, res);
    const body = (req.body ?? {}) as FormBody;
    const action = text(body, 'action');
    const now = deps.clock.now();
    try {
      if (action !== 'reopen' && action !== 'accept_resolution') throw new ValidationError([{ field: 'action', code: 'any.only', message: req.t('errors.INVALID_TRANSITION') }]);
      await applyTransition(found, 'owner', { kind: 'citizen', userId: found.citizenId }, { action, reason: text(body, 'reason') }, now, profile);
    } catch (err) {
      const { status, message } = pageRefusal(err, req.t, { passThrough: ['CASE_NOT_FOUND'], detail: () => req.t('validation.any.required', { label: req.t('case.reopenReason') }) });
      await renderCase(req, res, status, citizenView(found), body, { [action === 'reopen' ? 'reason' : 'action']: message });
      return;
    }
    res.redirect(303, `/cases/${found.reference}`);
  });

  router.post('/cases/:reference/rating', limits.tracking, csrf.protect, async (req, res) => {
    const found = await visibleFromCookie(req, res);
    const body = (req.body ?? {}) as FormBody;
    try {
      const rating = validateWith(ratingSchema, { score: Number(text(body, 'score')), comment: text(body, 'comment') }, req.t) as { score: number; comment?: string };
      await rateCase('owner-by-token', found, rating, deps.clock.now());
    } catch (err) {
      const { status, message } = pageRefusal(err, req.t, { passThrough: ['CASE_NOT_FOUND'], detail: (details) => details[0]?.message });
      await renderCase(req, res, status, citizenView(found), body, { score: message });
      return;
    }
    res.redirect(303, `/cases/${found.reference}`);
  });

  router.get('/my/cases', requireRole('citizen'), async (req, res) => {
    const cursor = cursorFromQuery(req.query, req.t);
    const page = await listCases(principalOf(res)!, { sort: '-createdAt', limit: 100, cursor }, deps.clock.now());
    const dir = await directoryOrFail();
    const lang = requestLanguage(req);
    const formatter = new Intl.DateTimeFormat(lang === 'ar' ? 'ar-BH' : 'en-GB', { dateStyle: 'medium', timeZone: dir.profile.timezone });
    const pages = { first: cursor ? '/my/cases' : null, next: page.nextCursor ? pageHref('/my/cases', {}, page.nextCursor) : null };
    res.render('cases/mine', { title: req.t('work.myCases'), items: page.items, pages, formatDate: (iso: string) => formatter.format(new Date(iso)) });
  });

  router.get('/cases/:reference/attachments/:attachmentId', limits.tracking, async (req, res) => {
    const found = await visibleFromCookie(req, res);
    sendAttachment(res, findAttachment(found, String(req.params.attachmentId)));
  });

  return router;
}
