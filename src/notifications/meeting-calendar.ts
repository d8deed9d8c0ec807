/**
 * The iCalendar (RFC 5545) invitation sent with a meeting's emails, built by the `ics` library
 * (CRLF lines, folding and escaping are its work): METHOD:REQUEST, a UID that stays the same for the
 * meeting (a reminder updates the same event in the reader's calendar), times in UTC, the officer as
 * ORGANIZER and the citizen as ATTENDEE, and the case reference with the video link or the phone.
 */
import { createEvent } from 'ics';
import type { Language } from '../shared/i18n.js';

export interface MeetingCalendarData {
  uid: string;
  sequence: number;
  reference: string;
  mode: 'video' | 'callback';
  /** ISO instants (UTC). */
  start: string;
  end: string;
  videoLink: string | null;
  phone: string | null;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
  caseUrl: string;
}

const WORDS: Record<Language, { video: string; callback: string; reference: string; link: string; phone: string; follow: string }> = {
  ar: { video: 'لقاء مرئي', callback: 'اتصال هاتفي', reference: 'الرقم المرجعي', link: 'رابط اللقاء', phone: 'سنتصل بك على الرقم', follow: 'الطلب' },
  en: { video: 'Video meeting', callback: 'Call-back', reference: 'Reference', link: 'Meeting link', phone: 'We will call you on', follow: 'Case' },
};

/** The summary line of the event, in the reader's language. */
export function meetingSummary(data: Pick<MeetingCalendarData, 'mode' | 'reference'>, language: Language): string {
  const w = WORDS[language];
  return `${data.mode === 'video' ? w.video : w.callback} — ${w.reference} ${data.reference}`;
}

function description(data: MeetingCalendarData, language: Language): string {
  const w = WORDS[language];
  const how = data.mode === 'video' ? `${w.link}: ${data.videoLink ?? ''}` : `${w.phone}: ${data.phone ?? ''}`;
  return [`${w.reference}: ${data.reference}`, how, `${w.follow}: ${data.caseUrl}`].join('\n');
}

/** The .ics text of the invitation, in `language`. Throws when the library refuses the data. */
export function meetingCalendar(data: MeetingCalendarData, language: Language): string {
  const { error, value } = createEvent({
    productId: 'tawasul/meetings',
    method: 'REQUEST',
    uid: data.uid,
    sequence: data.sequence,
    start: new Date(data.start).getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: new Date(data.end).getTime(),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: meetingSummary(data, language),
    description: description(data, language),
    location: data.mode === 'video' ? (data.videoLink ?? undefined) : (data.phone ?? undefined),
    ...(data.mode === 'video' && data.videoLink ? { url: data.videoLink } : {}),
    status: 'CONFIRMED',
    organizer: { name: data.organizer.name, email: data.organizer.email },
    attendees: [{ name: data.attendee.name, email: data.attendee.email, rsvp: false, partstat: 'ACCEPTED', role: 'REQ-PARTICIPANT' }],
  });
  if (error || !value) throw new Error(`the meeting invitation could not be written: ${error?.message ?? 'no output'}`);
  return foldByOctets(value);
}

/**
 * The library folds at 75 characters; RFC 5545 (3.1) counts 75 octets, which Arabic text (two octets
 * a letter) passes long before. Unfolds, then folds again at 75 octets of UTF-8, never inside a
 * character, each continuation starting with a space.
 */
export function foldByOctets(ics: string): string {
  const lines = ics.replace(/\r\n[ \t]/g, '').split('\r\n');
  return lines.map(foldLine).join('\r\n');
}

function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    const limit = parts.length === 0 ? 75 : 74; // a continuation's leading space counts
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}
