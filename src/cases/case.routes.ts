import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Types } from 'mongoose';
import { ForbiddenError, ValidationError } from '../shared/errors.js';
import type { TFunction } from '../shared/i18n.js';
import { validateWith } from '../shared/validate.js';
import type { Principal } from '../shared/principal.js';
import type { Actor } from './case.model.js';
import type { ModuleDeps } from '../shared/deps.js';
import { sealingKey, withIdempotency, type IdempotentStep } from '../shared/idempotency.js';
import { requestLanguage } from '../shared/i18n.js';
import { validate } from '../shared/validate.js';
import { agentFileCaseSchema, citizenMessageSchema, fileCaseSchema, type FileCaseInput } from './case.schemas.js';
import { fileCase, filingScope, isFiledUnder, type FiledCase } from './intake.service.js';
import { adoptAttachments, asStored, assertOpenForFiles, checkAttachments, discardAttachments, openAttachment, receiveAttachments, receivedFiles, safeFilename, type AttachmentType } from './attachments.js';
import { addCitizenAttachments, addCitizenMessage, citizenView, findAttachment, findVisibleCase, type Viewer } from './tracking.service.js';
import { NotFoundError } from '../shared/errors.js';
import { principalOf, requireAuth } from '../users/index.js';
import { CaseModel, type CaseDoc } from './case.model.js';
import { listQuerySchema, patchCaseSchema, ratingSchema } from './case.schemas.js';
import { countByStatus, listCases, type ListQuery } from './list.service.js';
import { sendCitizenNotice } from './notices.js';
import type { CaseAction } from './status.js';
import { assignCase, auditAttachmentRead, findCaseFor, openCase, rateCase, replyToCase, setPriority, transitionCase } from './workspace.service.js';
import type { Priority } from '../sla/index.js';
import { routingBarOf } from '../classification/index.js';

/** Who reads a case through the API without signing in: the holder of its tracking token, or anyone. */
export function viewerOf(req: Request): Viewer {
  const token = req.get('X-Tracking-Token');
  return token ? { kind: 'tracking-token', token } : { kind: 'anonymous' };
}

/** Per-address limits: filing, and looking cases up (which slows any probing of references). */
export interface CaseLimits {
  filing: RequestHandler;
  tracking: RequestHandler;
}

/**
 * `/api/v1/cases`: filing (JSON), following with a tracking token, adding information, and staff
 * work on a case. Each endpoint reads guard → validate → handler; the handlers are below.
 */
export function casesApiRouter(deps: ModuleDeps, limits: CaseLimits): Router {
  const router = Router();
  router.use(noStore);
  router.post('/', filingLimit(limits), validFiling, fileFromApi(deps));
  router.use('/:reference', limits.tracking);
  router.get('/', requireAuth, validate('query', listQuerySchema), listVisibleCases(deps));
  router.get('/counts', requireAuth, countVisibleCases);
  router.get('/:reference', showCase(deps));
  router.patch('/:reference', requireAuth, validate('body', patchCaseSchema), updateCase(deps));
  router.post('/:reference/rating', validate('body', ratingSchema), rateFromApi(deps));
  router.post('/:reference/messages', validate('body', citizenMessageSchema), addMessage(deps));
  router.post('/:reference/attachments', uploadTarget, receiveAttachments, addAttachments(deps));
  router.get('/:reference/attachments/:attachmentId', downloadAttachment(deps));
  return router;
}

type CaseRequest = Request<{ reference: string }>;
type CaseHandler = (req: CaseRequest, res: Response) => Promise<void>;

const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store'); // answers carry secrets and personal data
  next();
};

/** The contact centre files many calls from one address: its signed-in agents are not limited per address. */
function filingLimit(limits: CaseLimits): RequestHandler {
  return (req, res, next) => (principalOf(res)?.role === 'agent' ? next() : limits.filing(req, res, next));
}

/** The filing, validated for who files (see filingInput); on `res.locals.filing`. */
const validFiling: RequestHandler = (req, res, next) => {
  res.locals.filing = filingInput(principalOf(res), req.body, req.t);
  next();
};

/** Files a case (JSON); under an Idempotency-Key a retry gets the first answer, marked as replayed. */
function fileFromApi(deps: ModuleDeps): RequestHandler {
  const sealKey = sealingKey(deps.config.jwtSecret);
  return async (req, res) => {
    const now = deps.clock.now();
    const p = principalOf(res);
    const { input, actor } = res.locals.filing as { input: FileCaseInput; actor: Actor };
    const file = async (step?: IdempotentStep<FiledCase>) => ({
      status: 201,
      body: await fileCase(input, {
        ...(step ? { idempotency: { recordId: step.recordId, prepare: (answer: FiledCase) => step.prepare({ status: 201, body: answer }) } } : {}),
        profile: deps.config.deploymentProfile,
        publicUrl: deps.config.publicUrl,
        now,
        requestLanguage: requestLanguage(req),
        classifierBar: routingBarOf(deps.config),
        actor,
        onRouted: deps.hooks.caseRouted,
      }),
    });
    const key = req.get('Idempotency-Key');
    const scope = filingScope('cases:create', p?.userId, req.body);
    const answer = key ? await withIdempotency({ scope, key, request: req.body, sealKey, now, stored: isFiledUnder }, file) : await file();
    if ('replayed' in answer && answer.replayed) res.set('Idempotent-Replayed', 'true');
    res.status(answer.status).location(`/api/v1/cases/${answer.body.reference}`).json(answer.body);
  };
}

function listVisibleCases(deps: ModuleDeps): RequestHandler {
  return async (_req, res) => {
    res.json(await listCases(principalOf(res)!, res.locals.query as ListQuery, deps.clock.now(), deps.config.deploymentProfile));
  };
}

const countVisibleCases: RequestHandler = async (_req, res) => {
  res.json({ byStatus: await countByStatus(principalOf(res)!) });
};

/** A case as the caller may see it: staff and owners signed in, else with a tracking token. */
function showCase(deps: ModuleDeps): CaseHandler {
  return async (req, res) => {
    const p = principalOf(res);
    if (p) {
      try {
        res.json((await openCase(p, req.params.reference, deps.clock.now(), 'api')).view);
        return;
      } catch (err) {
        if (!(err instanceof NotFoundError) || !req.get('X-Tracking-Token')) throw err;
      }
    }
    res.json(citizenView(await findVisibleCase(req.params.reference, viewerOf(req))));
  };
}

type CasePatch = { action?: CaseAction; note?: string; reason?: string; agency?: string; category?: string; reply?: { message: string; visibility: 'public' | 'internal' }; assignee?: string; priority?: Priority };

/** Staff work on a case: one of a reply, an assignment, a priority or a transition; the citizen is told when it concerns them. */
function updateCase(deps: ModuleDeps): CaseHandler {
  return async (req, res) => {
    const p = principalOf(res)!;
    const now = deps.clock.now();
    const body = res.locals.body as CasePatch;
    let result;
    if (body.reply) result = await replyToCase(p, req.params.reference, body.reply, now);
    else if (body.assignee) result = await assignCase(p, req.params.reference, body.assignee, now);
    else if (body.priority) result = await setPriority(p, req.params.reference, body.priority, now, deps.config.deploymentProfile);
    else result = await transitionCase(p, req.params.reference, { ...body, action: body.action! }, now, deps.config.deploymentProfile, deps.hooks.caseRouted);
    if (result.notice) await sendCitizenNotice(result.notice, deps.config.publicUrl, now);
    res.json(result.view);
  };
}

function rateFromApi(deps: ModuleDeps): CaseHandler {
  return async (req, res) => {
    const p = principalOf(res);
    const now = deps.clock.now();
    const found = p ? await findCaseFor(p, req.params.reference) : await findVisibleCase(req.params.reference, viewerOf(req));
    await rateCase(p ?? 'owner-by-token', found, res.locals.body as { score: number; comment?: string }, now);
    res.status(201).json(citizenView((await CaseModel.findById(found._id).lean<CaseDoc>())!));
  };
}

function addMessage(deps: ModuleDeps): CaseHandler {
  return async (req, res) => {
    const found = await findVisibleCase(req.params.reference, viewerOf(req));
    await addCitizenMessage(found, (res.locals.body as { message: string }).message, deps.clock.now());
    res.status(201).json(citizenView(await findVisibleCase(req.params.reference, viewerOf(req))));
  };
}

/** Who may add files is settled before the body is read: others get 404 without a byte buffered. */
const uploadTarget = async (req: CaseRequest, res: Response, next: () => void): Promise<void> => {
  const found = await findVisibleCase(req.params.reference, viewerOf(req));
  assertOpenForFiles(found);
  res.locals.uploadTarget = found;
  next();
};

function addAttachments(deps: ModuleDeps): CaseHandler {
  return async (req, res) => {
    const found = res.locals.uploadTarget as CaseDoc;
    try {
      const files = checkAttachments(receivedFiles(req), req.t, found.attachments.length);
      if (files.length === 0) throw new ValidationError([{ field: 'attachments', code: 'any.required', message: req.t('validation.any.required', { label: req.t('fields.attachments') }) }]);
      const now = deps.clock.now();
      await addCitizenAttachments(found, asStored(files, now), now, req.t);
      adoptAttachments(req, files);
    } catch (err) {
      await discardAttachments(req); // refused: nothing of this upload stays stored
      throw err;
    }
    res.status(201).json(citizenView(await findVisibleCase(req.params.reference, viewerOf(req))));
  };
}

/** An attachment as a download; a signed-in reader (staff) is recorded in the audit log. */
function downloadAttachment(deps: ModuleDeps) {
  return async (req: Request<{ reference: string; attachmentId: string }>, res: Response): Promise<void> => {
    const found = await findVisibleCase(req.params.reference, viewerOf(req));
    const attachment = findAttachment(found, req.params.attachmentId);
    const p = principalOf(res);
    if (p) await auditAttachmentRead(p, found, req.params.attachmentId, deps.clock.now());
    sendAttachment(res, attachment);
  };
}

/**
 * Who files, and with which contact: a guest gives their contact; a signed-in citizen's comes from
 * the account (the case is theirs at once); a contact-centre agent files for a caller (channel
 * `phone` unless said otherwise) and is recorded as `filedBy`. Other staff do not file cases.
 */
export function filingInput(p: Principal | undefined, body: unknown, t: TFunction): { input: FileCaseInput; actor: Actor } {
  if (!p) return { input: validateWith(fileCaseSchema, body, t) as FileCaseInput, actor: { kind: 'citizen' } };
  if (p.role === 'citizen') {
    const given = (body ?? {}) as { contact?: { phone?: unknown } };
    const phone = typeof given.contact?.phone === 'string' ? given.contact.phone : undefined;
    const withAccount = { ...(body as object), contact: { name: p.name, email: p.email, ...(phone ? { phone } : {}) } };
    return { input: validateWith(fileCaseSchema, withAccount, t) as FileCaseInput, actor: { kind: 'citizen', userId: p.userId as unknown as Actor['userId'] } };
  }
  if (p.role === 'agent') {
    const withChannel = { channel: 'phone', ...(body as object) };
    return { input: validateWith(agentFileCaseSchema, withChannel, t) as FileCaseInput, actor: { kind: 'agent', userId: p.userId as unknown as Actor['userId'], role: 'agent', name: p.name } };
  }
  throw new ForbiddenError('ACTION_NOT_ALLOWED', 'Cases are filed by citizens and by the contact centre.');
}

/**
 * Always a download with the type we identified, under a name that ends with that type's extension
 * and holds no bidi or other invisible characters (names stored before that rule included): never
 * rendered inline by the browser.
 */
export function sendAttachment(res: Response, attachment: { fileId: Types.ObjectId; filename: string; contentType: string; size: number }): void {
  res.set({
    'Content-Type': attachment.contentType,
    'Content-Length': String(attachment.size),
    'Content-Disposition': contentDisposition(safeFilename(attachment.filename, attachment.contentType as AttachmentType)),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, no-store',
  });
  openAttachment(attachment.fileId)
    .on('error', () => res.destroy())
    .pipe(res);
}

function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
