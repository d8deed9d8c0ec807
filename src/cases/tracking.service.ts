/**
 * Following a case. Who may see it: the holder of its tracking token (and, with accounts, its
 * citizen and staff of its agency). Anyone else is told it does not exist (404, not 403), so that
 * references cannot be probed.
 */
import { NotFoundError, ConflictError, ValidationError } from '../shared/errors.js';
import type { TFunction } from '../shared/i18n.js';
import { claimAttachmentSlots, deleteAttachmentFiles, MAX_ATTACHMENTS, releaseAttachmentSlots, type StoredAttachment } from './attachments.js';
import { CaseModel, OPEN_STATUSES, type Actor, type CaseDoc, type CaseStatus, type HistoryEntry } from './case.model.js';
import { withHistory } from './history.js';
import { normaliseReference, secretMatches } from './reference.js';
import { decideTransition } from './status.js';
import { clockChangesFor } from '../sla/index.js';

export type Viewer = { kind: 'tracking-token'; token: string } | { kind: 'anonymous' };

export interface TimelineEntry {
  at: string;
  event: string;
  from: string | null;
  to: string | null;
  note: string | null;
  /** Who acted, as the citizen sees it: never a staff member's name unless the agency shows it. */
  by: 'citizen' | 'agency' | 'system';
}

export interface CaseView {
  reference: string;
  type: string;
  status: CaseStatus;
  title: string | null;
  description: string;
  language: string;
  channel: string;
  category: string | null;
  area: string | null;
  agency: string | null;
  routing: { method: string; confidence: number | null };
  dueAt: string | null;
  /** The case missed its deadline and was escalated within the agency (the citizen is told). */
  escalated: boolean;
  createdAt: string;
  updatedAt: string;
  canAddInformation: boolean;
  resolvedAt: string | null;
  /** The citizen's own rating of the answer. */
  rating: { score: number; comment: string | null } | null;
  attachments: { id: string; filename: string; contentType: string; size: number }[];
  timeline: TimelineEntry[];
}

export const CASE_NOT_FOUND = (): NotFoundError => new NotFoundError('CASE_NOT_FOUND', 'No case with this reference can be shown to you.');

/** The case behind a reference if this viewer may see it; otherwise CASE_NOT_FOUND. */
export async function findVisibleCase(referenceInput: unknown, viewer: Viewer): Promise<CaseDoc> {
  const reference = normaliseReference(referenceInput);
  if (!reference || viewer.kind === 'anonymous') throw CASE_NOT_FOUND();
  const found = await CaseModel.findOne({ reference }).lean<CaseDoc>();
  if (!found || !secretMatches(viewer.token, found.trackingTokenHash)) throw CASE_NOT_FOUND();
  return found;
}

function byOf(actor: Actor): TimelineEntry['by'] {
  if (actor.kind === 'citizen') return 'citizen';
  if (actor.kind === 'system') return 'system';
  return 'agency';
}

/** What the citizen sees: public history only, no internal notes, no staff names. */
export function citizenView(c: CaseDoc): CaseView {
  return {
    reference: c.reference,
    type: c.type,
    status: c.status,
    title: c.title ?? null,
    description: c.description,
    language: c.language,
    channel: c.channel,
    category: c.category ?? null,
    area: c.area ?? null,
    agency: c.agency ?? null,
    routing: { method: c.routing.method, confidence: c.routing.confidence ?? null },
    dueAt: c.dueAt ? c.dueAt.toISOString() : null,
    escalated: !!c.escalatedAt,
    createdAt: (c.createdAt).toISOString(),
    updatedAt: (c.updatedAt).toISOString(),
    canAddInformation: OPEN_STATUSES.includes(c.status),
    resolvedAt: c.resolvedAt ? c.resolvedAt.toISOString() : null,
    rating: c.rating ? { score: c.rating.score, comment: c.rating.comment ?? null } : null,
    attachments: c.attachments.map((a) => ({ id: a._id.toString(), filename: a.filename, contentType: a.contentType, size: a.size })),
    timeline: c.history
      .filter((h) => h.visibility === 'public')
      .map((h) => ({ at: h.at.toISOString(), event: h.event, from: h.from ?? null, to: h.to ?? null, note: h.note ?? null, by: byOf(h.actor) })),
  };
}

function assertOpen(c: CaseDoc): void {
  if (!OPEN_STATUSES.includes(c.status)) {
    throw new ConflictError('CASE_NOT_OPEN', 'This case is no longer open; information can no longer be added.');
  }
}

/**
 * The citizen adds information. When the agency was waiting for it (`awaiting_citizen`), this is the
 * citizen's answer: the case goes back to `in_progress` (status machine: citizen_reply) and its clock resumes.
 */
export async function addCitizenMessage(c: CaseDoc, message: string, now: Date): Promise<void> {
  assertOpen(c);
  const actor: Actor = { kind: 'citizen', userId: c.citizenId };
  const entries: HistoryEntry[] = [{ at: now, actor, event: 'message', note: message, visibility: 'public' }];
  const set: Record<string, unknown> = { updatedAt: now };
  let unset: Record<string, 1> = {};
  if (c.status === 'awaiting_citizen') {
    const { to } = decideTransition({ status: c.status, type: c.type, action: 'citizen_reply', actor: { role: 'owner' }, now });
    entries.push({ at: now, actor, event: 'status_changed', from: c.status, to, visibility: 'public', data: { action: 'citizen_reply' } });
    set.status = to;
    const clock = await clockChangesFor(c, to, 'citizen_reply', now, c.profile, c.agency); // the clock resumes
    Object.assign(set, clock.set);
    unset = clock.unset;
  }
  const result = await CaseModel.updateOne(
    { _id: c._id, status: c.status },
    withHistory({ $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, entries),
    { timestamps: false },
  );
  if (result.modifiedCount !== 1) throw new ConflictError('CASE_CHANGED', 'The case was changed meanwhile. Reload it and try again.');
}

/**
 * Adds already-stored files to an open case, with one history entry naming them. Each file takes
 * one of the case's 5 slots first (claimAttachmentSlots), so that parallel uploads cannot together
 * pass the limit: when too few are free it is 400 TOO_MANY_FILES. Files that are not added (refused,
 * or the update failed) are deleted, and their slots freed.
 */
export async function addCitizenAttachments(c: CaseDoc, files: StoredAttachment[], now: Date, t: TFunction): Promise<void> {
  if (files.length === 0) return;
  const discard = () => deleteAttachmentFiles(files.map((f) => f.fileId));
  try {
    assertOpen(c);
  } catch (err) {
    await discard();
    throw err;
  }
  const slots = await claimAttachmentSlots(c._id, c.attachments.length, files.length, now).catch(async (err: unknown) => {
    await discard();
    throw err;
  });
  if (!slots) {
    await discard();
    throw new ValidationError([{ field: 'attachments', code: 'TOO_MANY_FILES', message: t('validation.TOO_MANY_FILES', { limit: MAX_ATTACHMENTS }) }]);
  }
  try {
    await CaseModel.updateOne(
      { _id: c._id },
      withHistory({ $push: { attachments: { $each: files } }, $set: { updatedAt: now } }, { at: now, actor: { kind: 'citizen', userId: c.citizenId }, event: 'attachment_added', note: files.map((f) => f.filename).join(', '), visibility: 'public' }),
      { timestamps: false },
    );
  } catch (err) {
    await releaseAttachmentSlots(slots);
    await discard();
    throw err;
  }
}

/** The attachment of a visible case; 404 ATTACHMENT_NOT_FOUND for anything else. */
export function findAttachment(c: CaseDoc, attachmentId: string): CaseDoc['attachments'][number] {
  const found = c.attachments.find((a) => a._id.toString() === attachmentId);
  if (!found) throw new NotFoundError('ATTACHMENT_NOT_FOUND', 'No such attachment.');
  return found;
}
