/**
 * Filing a case: check the codes against the directory, route it (classification's routeNewCase), give it a
 * reference and a tracking token, queue the receipt, store it. The story, in that order.
 */
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { profileIdentity } from '../config/index.js';
import { findAgency, lookupCodes, type CodeLookup } from '../directory/index.js';
import { routeNewCase, type NewCaseRouting, type RoutingBar, type RoutingMethod } from '../classification/index.js';
import { enqueueEmail } from '../notifications/index.js';
import { isDuplicateKeyError } from '../shared/db/connect.js';
import { normalisePhone } from '../shared/phone.js';
import { ServiceUnavailableError, ValidationError, type ErrorDetail } from '../shared/errors.js';
import type { Hooks } from '../shared/hooks.js';
import { fixedT, type Language } from '../shared/i18n.js';
import { canonicalJson } from '../shared/idempotency.js';
import { reportKeys } from '../shared/report-keys.js';
import { clockSetup, expectedWorkingDays, startClock, type ClockFields } from '../sla/index.js';
import type { StoredAttachment } from './attachments.js';
import { CaseModel, type Actor, type CaseStatus } from './case.model.js';
import type { FileCaseInput } from './case.schemas.js';
import { generateReference, generateTrackingToken, hashSecret } from './reference.js';

const REFERENCE_ATTEMPTS = 5;

export interface IntakeContext {
  profile: string;
  publicUrl: string;
  now: Date;
  /** The request's language, used when the body does not name one. */
  requestLanguage: Language;
  /** Who files: the citizen themself (guest or account) or an agent for a caller. */
  actor: Actor;
  /** When the text classifier may route: the configured bar, routingBarOf(config) (CLASSIFIER_THRESHOLD, CLASSIFIER_MARGIN, CLASSIFIER_MIN_CATEGORY). */
  classifierBar: RoutingBar;
  /** A case filed with a category is handed to recurring-issue detection (the caseRouted hook). */
  onRouted: Hooks['caseRouted'];
  /** Filed under an Idempotency-Key: the answer is kept before the case is written, and the case names the record. */
  idempotency?: { recordId: string; prepare(answer: FiledCase): Promise<void> };
}

export interface FiledCase {
  reference: string;
  trackingToken: string;
  type: string;
  status: CaseStatus;
  category: string | null;
  area: string | null;
  agency: { code: string; name_ar: string; name_en: string } | null;
  /** How the agency was chosen; with the classifier, the candidates and the words that decided. */
  routing: { method: RoutingMethod; confidence: number | null; reason: string; candidates: { category: string; agency: string | null; probability: number }[]; terms: string[] };
  dueAt: string | null;
  createdAt: string;
}

/** Whether a case was filed under the Idempotency-Key record `recordId` (for a retry after a failure). */
export async function isFiledUnder(recordId: string): Promise<boolean> {
  return (await CaseModel.exists({ idempotencyKey: recordId })) !== null;
}

/**
 * Who an Idempotency-Key belongs to: a signed-in caller's account; for guests, the request itself,
 * so that one guest's key never answers another guest's filing (only the exact same request, as a
 * retry sends it, finds its first answer).
 */
export function filingScope(prefix: string, userId: string | undefined, request: unknown): string {
  return `${prefix}:${userId ?? `guest-${crypto.createHash('sha256').update(canonicalJson(request)).digest('hex').slice(0, 32)}`}`;
}

/**
 * The SLA policy match behind what a filed case is told to expect (see expectedWorkingDays): the
 * receipt and the confirmation page ask with the same one, so they say the same.
 */
export function expectationOf(c: Pick<FiledCase, 'type' | 'category' | 'agency'>, priority: NonNullable<FileCaseInput['priority']>) {
  return { type: c.type, category: c.category ?? undefined, agency: c.agency?.code, priority };
}

/** Codes the directory knows, in a profile it has loaded; the contact's phone in E.164 when one was given. */
type CheckedCodes = CodeLookup & { profile: NonNullable<CodeLookup['profile']>; phone?: string };

/** A case on its way in: the checked input, how it was routed, and what the receipt will promise. */
interface Filing {
  input: FileCaseInput;
  ctx: IntakeContext;
  language: Language;
  t: ReturnType<typeof fixedT>;
  timezone: string;
  routing: NewCaseRouting;
  agency: FiledCase['agency'];
  status: CaseStatus;
  priority: NonNullable<FileCaseInput['priority']>;
  clock: ClockFields | null;
  expectedDays: number;
  trackingToken: string;
}

/**
 * `attachments` are already stored (see attachments.ts): the case refers to them in the same write
 * that creates it, so a case never points at a file that is not there.
 */
export async function fileCase(input: FileCaseInput, ctx: IntakeContext, attachments: StoredAttachment[] = []): Promise<FiledCase> {
  const language = input.language ?? ctx.requestLanguage;
  const t = fixedT(language);
  const codes = await checkedCodes(input, ctx.profile, t, ctx.now);
  const filing = await routeAndPromise(codes.phone ? { ...input, contact: { ...input.contact, phone: codes.phone } } : input, ctx, codes, language, t);
  for (let attempt = 1; ; attempt++) {
    const caseId = new Types.ObjectId();
    const reference = generateReference(ctx.now);
    // The receipt is queued first: if the case write then fails, the relay finds no case and cancels it;
    // if the process dies after the case write, the receipt is already safe in the outbox.
    await queueReceipt(filing, caseId, reference);
    const answer = filedAnswer(filing, reference);
    await ctx.idempotency?.prepare(answer);
    try {
      const created = await new CaseModel(caseDocument(filing, caseId, reference, attachments)).save({ timestamps: false }); // times come from the injected clock
      await ctx.onRouted(created, ctx.now);
      return answer;
    } catch (err) {
      if (!isDuplicateKeyError(err) || attempt >= REFERENCE_ATTEMPTS) throw err;
      // A reference collision (about 1 in 10^12 per pair): draw another; the queued receipt is cancelled by the relay.
    }
  }
}

/** The category and area codes as the directory knows them, and the location inside the country: else a field error each. */
async function checkedCodes(input: FileCaseInput, profile: string, t: Filing['t'], now: Date): Promise<CheckedCodes> {
  // Offered at the filing's instant: a retired category or area, or a category outside its window, is refused.
  const codes = await lookupCodes(profile, { category: input.category || null, area: input.area || null }, now);
  if (!codes.profile) throw new ServiceUnavailableError('DIRECTORY_NOT_SEEDED', 'The reference directory has not been loaded.');
  const problems: ErrorDetail[] = [];
  if (input.category && !codes.category) {
    problems.push(codes.notOffered.category ? { field: 'category', code: 'CATEGORY_NOT_OFFERED', message: t('validation.CATEGORY_NOT_OFFERED') } : { field: 'category', code: 'UNKNOWN_CODE', message: t('validation.UNKNOWN_CATEGORY') });
  }
  if (input.area && !codes.area) {
    problems.push(codes.notOffered.area ? { field: 'area', code: 'AREA_NOT_OFFERED', message: t('validation.AREA_NOT_OFFERED') } : { field: 'area', code: 'UNKNOWN_CODE', message: t('validation.UNKNOWN_AREA') });
  }
  if (input.location && !insideBounds(input.location, codes.profile.bounds)) {
    problems.push({ field: 'location', code: 'OUTSIDE_COUNTRY', message: t('validation.OUTSIDE_COUNTRY') });
  }
  // One spelling of the phone (E.164, read in the deployment's country), so staff find the caller however they type it.
  const phone = input.contact.phone ? normalisePhone(input.contact.phone, codes.profile.country) : undefined;
  if (phone === null) problems.push({ field: 'contact.phone', code: 'PHONE_INVALID', message: t('validation.PHONE_INVALID') });
  if (problems.length) throw new ValidationError(problems);
  return { ...codes, profile: codes.profile, ...(phone ? { phone } : {}) };
}

/** Routes the case, starts its clock when it reaches an agency, and settles what the receipt promises. */
async function routeAndPromise(input: FileCaseInput, ctx: IntakeContext, codes: CheckedCodes, language: Language, t: Filing['t']): Promise<Filing> {
  const routing = await routeNewCase(ctx.profile, { category: codes.category, area: codes.area, title: input.title, description: input.description }, ctx.classifierBar, ctx.now);
  const agency = routing.agency ? await findAgency(ctx.profile, routing.agency) : null;
  const status: CaseStatus = agency ? 'assigned' : 'triage';
  // The clock starts when the case reaches an agency; a case in triage has none yet.
  const priority = input.priority ?? 'normal';
  let clock = null;
  if (agency) {
    const { policy, entry } = await clockSetup(ctx.profile, { agency: agency.code, category: routing.category ?? undefined, type: input.type, priority });
    clock = startClock(entry.calendar, entry.revision, { firstResponse: policy.firstResponse, resolution: policy.resolution, managersAfter: policy.managersAfter }, policy.policyIds, ctx.now);
  }
  // What the receipt promises: the policy in force for this case (a case in triage: without an agency).
  const expectedDays = await expectedWorkingDays(ctx.profile, expectationOf({ type: input.type, category: routing.category, agency }, priority), ctx.now);
  return { input, ctx, language, t, timezone: codes.profile.timezone, routing, agency, status, priority, clock, expectedDays, trackingToken: generateTrackingToken() };
}

/** The deployment's contact centre (its profile.json), named in `language`: the receipt tells the citizen how to call. */
function contactCentreIn(profile: string, language: Language): { name: string; phone: string } {
  const centre = profileIdentity(profile).contactCentre;
  return { name: language === 'ar' ? centre.name_ar : centre.name_en, phone: centre.phone };
}

/** The receipt email, in the case's language, with the tracking link and what to expect. */
async function queueReceipt(filing: Filing, caseId: Types.ObjectId, reference: string): Promise<void> {
  const { input, ctx, language, t, agency } = filing;
  await enqueueEmail(
    {
      key: `case-receipt:${caseId.toHexString()}`,
      to: input.contact.email,
      language,
      template: 'case-receipt',
      subject: { kind: 'case', id: caseId.toHexString() },
      data: {
        reference,
        trackingUrl: `${ctx.publicUrl}/track?reference=${encodeURIComponent(reference)}&token=${encodeURIComponent(filing.trackingToken)}`,
        typeLabel: t(`caseTypes.${input.type}`),
        agencyName: agency ? (language === 'ar' ? agency.name_ar : agency.name_en) : null,
        expectedDays: filing.expectedDays,
        contactCentre: contactCentreIn(ctx.profile, language),
      },
    },
    ctx.now,
  );
}

/** What the filer is answered: the reference, the tracking token (shown once), and how the case was routed. */
function filedAnswer(filing: Filing, reference: string): FiledCase {
  const { routing, clock } = filing;
  return {
    reference,
    trackingToken: filing.trackingToken,
    type: filing.input.type,
    status: filing.status,
    category: routing.category,
    area: routing.area,
    agency: filing.agency,
    routing: { method: routing.method, confidence: routing.confidence, reason: routing.reason, candidates: routing.candidates, terms: routing.terms },
    dueAt: clock ? clock.dueAt.toISOString() : null,
    createdAt: filing.ctx.now.toISOString(),
  };
}

/** The stored case: its first two history entries (filed, routed), its clock and its report keys. */
function caseDocument(filing: Filing, caseId: Types.ObjectId, reference: string, attachments: StoredAttachment[]) {
  const { input, ctx, routing, agency, status } = filing;
  const system: Actor = { kind: 'system' };
  return {
    _id: caseId,
    profile: ctx.profile,
    reference,
    trackingTokenHash: hashSecret(filing.trackingToken),
    type: input.type,
    title: input.title || undefined,
    description: input.description,
    language: filing.language,
    channel: input.channel,
    category: routing.category ?? undefined,
    area: routing.area ?? undefined,
    location: input.location,
    agency: agency?.code,
    status,
    priority: filing.priority,
    routing: {
      method: routing.method,
      confidence: routing.confidence ?? undefined,
      reason: routing.reason,
      candidates: routing.candidates.length ? routing.candidates : undefined,
      terms: routing.terms.length ? routing.terms : undefined,
      modelVersion: routing.modelVersion ?? undefined,
      routedAt: ctx.now,
    },
    contact: input.contact,
    attachments,
    contactEmail: input.contact.email.toLowerCase(),
    idempotencyKey: ctx.idempotency?.recordId,
    citizenId: ctx.actor.kind === 'citizen' ? ctx.actor.userId : undefined,
    filedBy: ctx.actor.kind === 'agent' ? ctx.actor : undefined,
    history: [
      { at: ctx.now, actor: ctx.actor, event: 'filed', to: 'submitted', visibility: 'public' },
      { at: ctx.now, actor: system, event: 'routed', from: 'submitted', to: status, visibility: 'public', data: { agency: agency?.code ?? null, method: routing.method, reason: routing.reason } },
    ],
    ...(filing.clock ?? {}),
    ...reportKeys(ctx.now, filing.timezone),
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
}

function insideBounds(p: { lat: number; lng: number }, b: { minLat: number; maxLat: number; minLng: number; maxLng: number }): boolean {
  return p.lat >= b.minLat && p.lat <= b.maxLat && p.lng >= b.minLng && p.lng <= b.maxLng;
}
