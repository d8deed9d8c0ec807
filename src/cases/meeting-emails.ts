/**
 * The emails of a meeting: the invitation when a slot is picked and the reminder the working day
 * before, to the citizen (the case's contact, in the case's language) and to the officer (in
 * theirs), each with the same iCalendar event (notifications' `meeting` template). Times are written
 * in the zone of the agency's working calendar, which is the deployment's.
 */
import { enqueueEmail, type MeetingEmailData } from '../notifications/index.js';
import type { Language } from '../shared/i18n.js';
import { getCalendarCached } from '../sla/index.js';
import type { CaseDoc } from './case.model.js';
import type { MeetingDoc } from './meeting.model.js';
import { meetingUid } from './meetings.js';

/** A meeting's time in a language and zone, e.g. "الأحد، 6 ديسمبر 2026، 10:00–10:30". */
export function meetingTime(start: Date, end: Date, language: Language, timezone: string): string {
  const locale = language === 'ar' ? 'ar-BH' : 'en-GB';
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeZone: timezone }).format(start);
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: timezone });
  return `${day}${language === 'ar' ? '، ' : ', '}${time.format(start)}–${time.format(end)}`;
}

export async function meetingEmails(m: MeetingDoc, c: CaseDoc, event: 'invitation' | 'reminder', publicUrl: string, now: Date): Promise<void> {
  if (!m.booked) return;
  const { timezone } = await getCalendarCached(m.calendar);
  const common = {
    event,
    uid: meetingUid(m._id.toHexString(), publicUrl),
    sequence: m.sequence ?? 0,
    reference: c.reference,
    mode: m.kind,
    start: m.booked.start.toISOString(),
    end: m.booked.end.toISOString(),
    videoLink: m.videoLink ?? null,
    phone: m.phone ?? null,
    organizer: { name: m.officer.name, email: m.officer.email },
    attendee: { name: c.contact.name, email: c.contact.email },
  };
  const recipients: { who: MeetingEmailData['recipient']; to: string; language: Language; caseUrl: string }[] = [
    { who: 'citizen', to: c.contact.email, language: c.language === 'en' ? 'en' : 'ar', caseUrl: `${publicUrl}/track?reference=${encodeURIComponent(c.reference)}` },
    { who: 'officer', to: m.officer.email, language: m.officer.language === 'en' ? 'en' : 'ar', caseUrl: `${publicUrl}/work/cases/${encodeURIComponent(c.reference)}` },
  ];
  for (const r of recipients) {
    await enqueueEmail(
      {
        key: `meeting-${event}:${m._id.toHexString()}:${r.who}`,
        to: r.to,
        language: r.language,
        template: 'meeting',
        subject: { kind: 'case', id: c._id.toHexString() },
        data: { ...common, recipient: r.who, caseUrl: r.caseUrl, when: meetingTime(m.booked.start, m.booked.end, r.language, timezone) },
      },
      now,
    );
  }
}
