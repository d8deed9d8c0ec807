/**
 * Tells the citizen that their case moved: one email through the outbox, in the case's language.
 * The link opens the tracking page with the reference filled in; the tracking code itself is never
 * resent (only its hash is kept), so the citizen uses the one from their receipt, or signs in.
 *
 * Citizens who follow the case as affected (recurring issues: "Is this your problem? Follow it
 * instead") are strangers to its filer. They get a notice of their own (`case-follower-update`)
 * saying only that the shared problem moved (work started, resolved, …), never the agency's reply,
 * resolution note or reason, which are written to the filer and may carry their name, address or
 * phone. The one exception is a note written for everyone affected (the recurring issue's
 * resolve-linked note), which the caller says it is.
 */
import { enqueueEmail, type FollowerEvent } from '../notifications/index.js';
import { oneOf } from '../shared/db/operators.js';
import { fixedT } from '../shared/i18n.js';
import { UserModel } from '../users/index.js';
import { CaseModel } from './case.model.js';
import type { CitizenNotice } from './workspace.service.js';

/** What followers are told of, by the action that moved the case; other actions (a reply, a request to the filer) tell them nothing. */
const FOLLOWER_EVENTS: Partial<Record<CitizenNotice['event'], FollowerEvent>> = {
  start: 'in_progress',
  resolve: 'resolved',
  reject: 'rejected',
  transfer: 'transferred',
  accept_suggestion: 'accepted',
  decline_suggestion: 'declined',
  implement: 'implemented',
};

export interface NoticeOptions {
  /** The notice's message was written for every citizen affected, not for the filer alone: followers read it too. */
  messageForEveryone?: boolean;
}

/** Tells the case's citizen, and every citizen who follows the case as affected (each in their language). */
export async function sendCitizenNotice(notice: CitizenNotice, publicUrl: string, now: Date, options: NoticeOptions = {}): Promise<void> {
  if (!notice.followersOnly) await sendOne(notice, publicUrl, now);
  const event = FOLLOWER_EVENTS[notice.event];
  if (!event) return;
  const c = await CaseModel.findById(notice.caseId).select({ followers: 1 }).lean();
  if (!c?.followers?.length) return;
  const followers = await UserModel.find({ _id: oneOf(c.followers), disabledAt: null }).sort({ _id: 1 }).select({ email: 1, language: 1 }).lean();
  const note = options.messageForEveryone ? notice.message : null;
  for (const f of followers) await sendToFollower(notice, event, note, { id: f._id.toHexString(), email: f.email, language: f.language === 'en' ? 'en' : 'ar' }, now);
}

async function sendOne(notice: CitizenNotice, publicUrl: string, now: Date): Promise<void> {
  const t = fixedT(notice.language);
  await enqueueEmail(
    {
      key: `case-update:${notice.caseId}:${notice.event}:${now.getTime()}`,
      to: notice.to,
      language: notice.language,
      template: 'case-update',
      subject: { kind: 'case', id: notice.caseId },
      data: {
        reference: notice.reference,
        headline: t(`caseUpdate.${notice.event}`),
        message: notice.message,
        caseUrl: `${publicUrl}/track?reference=${encodeURIComponent(notice.reference)}`,
      },
    },
    now,
  );
}

async function sendToFollower(notice: CitizenNotice, event: FollowerEvent, noteForEveryone: string | null, follower: { id: string; email: string; language: 'ar' | 'en' }, now: Date): Promise<void> {
  const t = fixedT(follower.language);
  await enqueueEmail(
    {
      key: `case-follower-update:${notice.caseId}:${event}:${now.getTime()}:f${follower.id}`,
      to: follower.email,
      language: follower.language,
      template: 'case-follower-update',
      subject: { kind: 'case', id: notice.caseId },
      data: { reference: notice.reference, event, headline: t(`caseFollowerUpdate.${event}`), noteForEveryone },
    },
    now,
  );
}
