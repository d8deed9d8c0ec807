/**
 * Retention of personal data (Bahrain's and the UAE's PDPL): a case that ended (closed, rejected,
 * declined, implemented) more than RETENTION_YEARS ago keeps its figures and loses what identifies
 * or describes a person. The same removal serves a citizen who closes their account (privacy/me.service.ts).
 *
 * Removed: the contact (name, email, phone) and `contactEmail`, the title, the description, the
 * location, the free text of every history entry (notes: messages, replies, reasons, file names),
 * the citizen's user id in the history, the rating's comment, the classifier's terms (words of the
 * description), the attachments (their GridFS files deleted), the citizen link, the followers and
 * the idempotency key; the tracking token stops working.
 * Kept, so that reports stay true: reference, type, status, category, area, agency, channel,
 * language, priority, routing method and candidates, dates, report keys, SLA fields and figures,
 * the rating's score and date, and every history event (when, what, from, to, by whom on the staff side).
 *
 * Idempotent: a case is anonymised once (`anonymisedAt`, and the write is conditional on it being
 * unset), and files already deleted are not an error, so a run stopped half-way is simply run again.
 */
import crypto from 'node:crypto';
import { recordAudit } from '../audit/index.js';
import { lte, oneOf } from '../shared/db/operators.js';
import type { Hooks } from '../shared/hooks.js';
import { deleteAttachmentFiles } from './attachments.js';
import { forgetMeetingPersonalData } from './meetings.service.js';
import { CaseModel, type CaseDoc, type HistoryEntry } from './case.model.js';
import { hashSecret } from './reference.js';
import { TERMINAL_STATUSES } from './status.js';

export interface RetentionOptions {
  profile: string;
  /** Whole years after the case ended (config RETENTION_YEARS). */
  years: number;
  /** Cases handled per call; the daily job calls again while a batch comes back full. */
  batch?: number;
  /** The caseAnonymised hook (shared/hooks.ts): detection forgets the case's citizen, place and words. */
  forget: Hooks['caseAnonymised'];
}

/** The instant `years` calendar years before `now` (UTC). */
export function retentionCutoff(now: Date, years: number): Date {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  return cutoff;
}

/** A history entry without its free text or the citizen's id; the event and its figures stay. */
function withoutPersonalText(h: HistoryEntry): HistoryEntry {
  const { note: _note, ...rest } = h;
  return { ...rest, actor: h.actor.kind === 'citizen' ? { kind: 'citizen' } : h.actor };
}

/**
 * Anonymises one case (already read) unless it has been; true when this call did it. `forget` is the
 * caseAnonymised hook, so recurring-issue detection forgets it too. Records
 * 'case.anonymised' in the audit log with `reason` as the detail (actor: the system).
 */
export async function anonymiseCase(c: CaseDoc, now: Date, reason: 'retention' | 'account-closed', forget: Hooks['caseAnonymised']): Promise<boolean> {
  if (c.anonymisedAt) return false;
  // Files and detection's copies first: if the write below fails, the next run finds the case again
  // and both are no-ops the second time.
  await deleteAttachmentFiles((c.attachments ?? []).map((a) => a.fileId));
  await forget({ _id: c._id, citizenId: c.citizenId ?? null, contactEmail: c.contactEmail }, now);
  await forgetMeetingPersonalData(c._id, now);
  const history = (c.history ?? []).map((h) => withoutPersonalText(h as HistoryEntry));
  const result = await CaseModel.updateOne(
    { _id: c._id, anonymisedAt: null },
    {
      $set: {
        anonymisedAt: now,
        description: '',
        contact: { name: '', email: '' },
        contactEmail: '',
        // A hash of a secret nobody holds: the old tracking token no longer opens the case.
        trackingTokenHash: hashSecret(crypto.randomBytes(32).toString('base64url')),
        attachments: [],
        history,
      },
      $unset: { title: 1, location: 1, citizenId: 1, followers: 1, idempotencyKey: 1, 'rating.comment': 1, 'routing.terms': 1 },
    },
    { timestamps: false },
  );
  if (result.modifiedCount !== 1) return false; // another run did it meanwhile
  await recordAudit(undefined, { action: 'case.anonymised', reference: c.reference, detail: reason }, now);
  return true;
}

/**
 * Anonymises the profile's ended cases whose end (`closedAt`) is more than `years` ago, up to
 * `batch` of them, oldest first; returns how many. Index-backed: (anonymisedAt, profile, status,
 * closedAt, _id). Cases anonymised already do not match, so a second run changes nothing.
 */
export async function anonymiseExpiredCases(now: Date, options: RetentionOptions): Promise<number> {
  const cutoff = retentionCutoff(now, options.years);
  const due = await CaseModel.find({ anonymisedAt: null, profile: options.profile, status: oneOf(TERMINAL_STATUSES), closedAt: lte(cutoff) })
    .sort({ closedAt: 1, _id: 1 })
    .limit(options.batch ?? 200)
    .lean<CaseDoc[]>();
  let done = 0;
  for (const c of due) if (await anonymiseCase(c, now, 'retention', options.forget)) done++;
  return done;
}
