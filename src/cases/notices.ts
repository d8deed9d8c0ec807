/**
 * Tells the citizen that their case moved: one email through the outbox, in the case's language.
 * The link opens the tracking page with the reference filled in; the tracking code itself is never
 * resent (only its hash is kept), so the citizen uses the one from their receipt, or signs in.
 */
import { enqueueEmail } from '../notifications/index.js';
import { oneOf } from '../shared/db/operators.js';
import { fixedT } from '../shared/i18n.js';
import { UserModel } from '../users/user.model.js';
import { CaseModel } from './case.model.js';
import type { CitizenNotice } from './workspace.service.js';

/** Tells the case's citizen, and every citizen who follows the case as affected (each in their language). */
export async function sendCitizenNotice(notice: CitizenNotice, publicUrl: string, now: Date): Promise<void> {
  await sendOne(notice, publicUrl, now);
  const c = await CaseModel.findById(notice.caseId).select({ followers: 1 }).lean();
  if (!c?.followers?.length) return;
  const followers = await UserModel.find({ _id: oneOf(c.followers), disabledAt: null }).select({ email: 1, language: 1 }).lean();
  for (const f of followers) await sendOne({ ...notice, to: f.email, language: f.language === 'en' ? 'en' : 'ar', follower: f._id.toHexString() }, publicUrl, now);
}

async function sendOne(notice: CitizenNotice, publicUrl: string, now: Date): Promise<void> {
  const t = fixedT(notice.language);
  await enqueueEmail(
    {
      key: `case-update:${notice.caseId}:${notice.event}:${now.getTime()}${notice.follower ? `:f${notice.follower}` : ''}`,
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
