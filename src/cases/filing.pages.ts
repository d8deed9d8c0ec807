/**
 * The filing pages: the new case form (for a citizen, and at /work/file for a contact-centre agent
 * taking a call), "is this your problem?" look-alikes, and the one-time confirmation. They work
 * without JavaScript: the form posts, errors are shown beside the fields with the input kept, and a
 * filing redirects to the confirmation (Post/Redirect/Get).
 */
import crypto from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { ModuleDeps } from '../shared/deps.js';
import type { Csrf } from '../shared/csrf.js';
import type { SimilarAnswer } from '../shared/hooks.js';
import { ValidationError } from '../shared/errors.js';
import { principalOf, requireRole } from '../users/index.js';
import { sealingKey, seal, unseal, withIdempotency, type IdempotentStep } from '../shared/idempotency.js';
import type { Principal } from '../shared/principal.js';
import { requestLanguage, type Language } from '../shared/i18n.js';
import { validateWith } from '../shared/validate.js';
import { adoptAttachments, asStored, checkAttachments, discardAttachments, receiveAttachments, receivedFiles, type CheckedFile } from './attachments.js';
import type { CaseLimits } from './case.routes.js';
import { CASE_TYPES, type Actor } from './case.model.js';
import { fileCaseSchema, similarSchema, type FileCaseInput } from './case.schemas.js';
import { expectationOf, fileCase, filingScope, isFiledUnder, type FiledCase, type IntakeContext } from './intake.service.js';
import { expectedWorkingDays } from '../sla/index.js';
import { routingBarOf } from '../classification/index.js';
import { normaliseReference } from './reference.js';
import { directoryOrFail, errorsByField, formBody, pageCookies, rememberTracking, text, type FormBody, type PageCookies } from './page-support.js';

/** What the filing pages' handlers share. */
interface FilingPages {
  deps: ModuleDeps;
  csrf: Csrf;
  cookies: PageCookies;
  /** Seals the answers kept under an Idempotency-Key. */
  sealKey: Buffer;
}

/** One post of the form: what was typed, in which language, when, and by whom. */
interface FormPost {
  body: FormBody;
  lang: Language;
  now: Date;
  principal: Principal | undefined;
}

/** What the confirmation page shows, sealed in its one-time cookie. */
interface Confirmation {
  reference: string;
  trackingToken: string;
  agencyName: string | null;
  expectedDays?: number;
}

const CONFIRMATION_MS = 10 * 60 * 1000;

export function filingPagesRouter(deps: ModuleDeps, csrf: Csrf, limits: CaseLimits): Router {
  const pages: FilingPages = { deps, csrf, cookies: pageCookies(deps.config), sealKey: sealingKey(deps.config.jwtSecret) };
  const router = Router();
  router.get('/cases/new', blankForm(pages));
  router.post('/cases/new', limits.filing, receiveAttachments, csrf.protect, fileFromForm(pages));
  router.get('/work/file', requireRole('agent'), blankForm(pages));
  router.post('/work/file', requireRole('agent'), receiveAttachments, csrf.protect, fileFromForm(pages));
  router.get('/cases/filed', confirmation(pages));
  return router;
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

async function renderForm(pages: FilingPages, req: Request, res: Response, status: number, values: FormBody, errors: Record<string, string>, similar: SimilarAnswer | null = null): Promise<void> {
  const forCaller = req.path.startsWith('/work/');
  const followed = typeof req.query.followed === 'string' ? normaliseReference(req.query.followed) : undefined;
  res.status(status).render('cases/new', {
    similar,
    followed: followed ?? null,
    principal: principalOf(res) ?? null,
    formAction: forCaller ? '/work/file' : '/cases/new',
    forCaller,
    directory: await directoryOrFail(pages.deps.config.deploymentProfile, pages.deps.clock.now()), // offered now: not retired, inside its window
    caseTypes: CASE_TYPES,
    values,
    errors,
    csrfToken: pages.csrf.token(req, res),
    idempotencyKey: text(values, 'idempotencyKey') ?? crypto.randomUUID(),
  });
}

function blankForm(pages: FilingPages): RequestHandler {
  return async (req, res) => {
    await renderForm(pages, req, res, 200, {}, {});
  };
}

/** The form's post, for a citizen (`/cases/new`) or for a contact-centre agent taking a call (`/work/file`). */
function fileFromForm(pages: FilingPages): RequestHandler {
  return async (req, res) => {
    const post: FormPost = { body: formBody(req), lang: requestLanguage(req), now: pages.deps.clock.now(), principal: principalOf(res) };
    let filed: { filed: FiledCase; priority: NonNullable<FileCaseInput['priority']> } | undefined;
    try {
      filed = await checkOrFile(pages, req, res, post);
    } catch (err) {
      await discardAttachments(req);
      if (!(err instanceof ValidationError)) throw err;
      await renderForm(pages, req, res, 400, post.body, errorsByField(err.details ?? []));
      return;
    }
    if (filed) await confirmFiled(pages, res, post, filed.filed, filed.priority);
  };
}

/** Either shows the look-alikes (intent `check`; nothing stored, answers undefined) or files the case. */
async function checkOrFile(pages: FilingPages, req: Request, res: Response, post: FormPost) {
  const p = post.principal;
  const agent = req.path === '/work/file' && p?.role === 'agent' ? p : undefined;
  const owner = !agent && p?.role === 'citizen' ? p : undefined;
  const form = formToFileCaseInput(post.body, post.lang);
  if (agent) form.channel = 'phone';
  if (text(post.body, 'intent') === 'check') {
    await showLookAlikes(pages, req, res, post, form);
    return undefined;
  }
  const input = validateWith(fileCaseSchema, form, req.t, { convert: true }) as FileCaseInput;
  const files = checkAttachments(receivedFiles(req), req.t);
  const actor: Actor = agent
    ? { kind: 'agent', userId: agent.userId as unknown as Actor['userId'], role: 'agent', name: agent.name }
    : { kind: 'citizen', ...(owner ? { userId: owner.userId as unknown as Actor['userId'] } : {}) };
  const filed = await fileOnce(pages, req, post, input, actor, files);
  return { filed, priority: input.priority ?? 'normal' };
}

/** "Is this your problem?": look-alike open cases first, nothing stored; the form comes back as typed. */
async function showLookAlikes(pages: FilingPages, req: Request, res: Response, post: FormPost, form: Record<string, unknown>): Promise<void> {
  const { deps } = pages;
  const { contact: _contact, ...withoutContact } = form;
  const draft = validateWith(similarSchema, withoutContact, req.t, { convert: true }) as FileCaseInput;
  const similar = await deps.hooks.similarOpenCases(deps.config.deploymentProfile, draft, routingBarOf(deps.config), post.now);
  await renderForm(pages, req, res, 200, post.body, {}, similar);
}

/** Files the case; a double click posts the same form twice, and the second gets the first's answer. */
async function fileOnce(pages: FilingPages, req: Request, post: FormPost, input: FileCaseInput, actor: Actor, files: CheckedFile[]): Promise<FiledCase> {
  const { deps } = pages;
  const ctx: IntakeContext = {
    profile: deps.config.deploymentProfile,
    publicUrl: deps.config.publicUrl,
    now: post.now,
    requestLanguage: post.lang,
    actor,
    classifierBar: routingBarOf(deps.config),
    onRouted: deps.hooks.caseRouted,
  };
  const file = async (step?: IdempotentStep<FiledCase>) => ({
    status: 201,
    body: await fileCase(input, { ...ctx, ...(step ? { idempotency: { recordId: step.recordId, prepare: (answer: FiledCase) => step.prepare({ status: 201, body: answer }) } } : {}) }, asStored(files, post.now)).then((answer) => {
      adoptAttachments(req, files); // a replayed filing does not run this: its files are deleted
      return answer;
    }),
  });
  const key = text(post.body, 'idempotencyKey');
  const scope = filingScope('cases:create:form', post.principal?.userId, input);
  return (key ? await withIdempotency({ scope, key, request: input, sealKey: pages.sealKey, now: post.now, stored: isFiledUnder }, file) : await file()).body;
}

/** Seals what the confirmation shows into its one-time cookie, remembers the case, and redirects there. */
async function confirmFiled(pages: FilingPages, res: Response, post: FormPost, filed: FiledCase, priority: NonNullable<FileCaseInput['priority']>): Promise<void> {
  const { cookies } = pages;
  const agencyName = filed.agency ? (post.lang === 'ar' ? filed.agency.name_ar : filed.agency.name_en) : null;
  const expectedDays = await expectedWorkingDays(pages.deps.config.deploymentProfile, expectationOf(filed, priority), post.now); // as the receipt says
  const shown: Confirmation = { reference: filed.reference, trackingToken: filed.trackingToken, agencyName, expectedDays };
  res.cookie(cookies.flash, seal(cookies.key, JSON.stringify(shown)), {
    httpOnly: true,
    sameSite: 'lax',
    secure: cookies.secure,
    path: '/cases/filed',
    maxAge: CONFIRMATION_MS,
  });
  rememberTracking(res, cookies, filed.reference, filed.trackingToken);
  res.redirect(303, '/cases/filed');
}

/** The confirmation, shown once: the tracking code is in it, and its cookie is cleared. */
function confirmation(pages: FilingPages): RequestHandler {
  const { cookies, deps } = pages;
  return async (req, res) => {
    const flash = sealedConfirmation(req, cookies);
    if (!flash) {
      res.redirect(303, '/track');
      return;
    }
    res.clearCookie(cookies.flash, { httpOnly: true, sameSite: 'lax', secure: cookies.secure, path: '/cases/filed' }); // the token is shown once
    // A confirmation sealed before the figure was carried falls back to the profile's own.
    res.render('cases/filed', { ...flash, expectedDays: flash.expectedDays ?? (await expectedWorkingDays(deps.config.deploymentProfile, {}, deps.clock.now())) });
  };
}

function sealedConfirmation(req: Request, cookies: PageCookies): Confirmation | undefined {
  const sealed = (req.cookies as Record<string, string | undefined>)[cookies.flash];
  try {
    return sealed ? (JSON.parse(unseal(cookies.key, sealed)) as Confirmation) : undefined;
  } catch {
    return undefined;
  }
}
