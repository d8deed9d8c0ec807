/**
 * Tells the citizen that their case moved: one email through the outbox, in the case's language.
 * The link opens the tracking page with the reference filled in; the tracking code itself is never
 * resent (only its hash is kept), so the citizen uses the one from their receipt, or signs in.
 */
import { enqueueEmail } from '../notifications/index.js';
import { fixedT } from '../shared/i18n.js';
import type { CitizenNotice } from './workspace.service.js';

export async function sendCitizenNotice(notice: CitizenNotice, publicUrl: string, now: Date): Promise<void> {
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
