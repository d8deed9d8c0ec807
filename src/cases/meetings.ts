/**
 * The rules of meetings about a case (pure): which slots an officer may offer, which bookings a
 * pick takes, what the parties see. The service (meetings.service.ts) does the I/O around them.
 */
import { BadRequestError } from '../shared/errors.js';
import { insideWorkingHours, openingOfWorkingDayBefore, type CalendarEntry } from '../sla/index.js';
import type { MeetingDoc, MeetingKind } from './meeting.model.js';

export const MAX_SLOTS = 3;
export const MEETING_DURATIONS = [15, 30, 45, 60, 90, 120] as const;
/** Slots start on a quarter hour, so that one booking per quarter keeps an officer's meetings apart. */
export const QUARTER_MS = 15 * 60_000;

export interface Slot {
  start: Date;
  end: Date;
}

/**
 * The slots as offered, each checked: on a quarter hour, not given twice, in the future, and inside
 * the working hours of the agency's calendar (a working day, between opening and closing). The first
 * problem found refuses the offer with its stable code.
 */
export function checkSlots(starts: readonly Date[], durationMinutes: number, calendar: CalendarEntry['calendar'], now: Date): Slot[] {
  const seen = new Set<number>();
  return starts.map((start, i) => {
    const slot = String(i + 1);
    const end = new Date(start.getTime() + durationMinutes * 60_000);
    if (start.getTime() % QUARTER_MS !== 0) throw new BadRequestError('SLOT_NOT_ON_QUARTER_HOUR', `Slot ${i + 1} must start on the hour or a quarter past, half past or a quarter to.`, { slot });
    if (seen.has(start.getTime())) throw new BadRequestError('DUPLICATE_SLOT', `Slot ${i + 1} is offered twice.`, { slot });
    seen.add(start.getTime());
    if (start.getTime() <= now.getTime()) throw new BadRequestError('SLOT_IN_PAST', `Slot ${i + 1} is not in the future.`, { slot });
    if (!insideWorkingHours(calendar, start, end)) throw new BadRequestError('SLOT_OUTSIDE_WORKING_HOURS', `Slot ${i + 1} is outside the agency's working hours (a weekend, a holiday, or before opening or after closing).`, { slot });
    return { start, end };
  });
}

/** How a meeting reaches the citizen: the agency's video link, or the phone given. Refused when there is none. */
export function meetingChannel(kind: MeetingKind, videoLink: string | null, phone: string | null | undefined): { videoLink?: string; phone?: string } {
  if (kind === 'video') {
    if (!videoLink) throw new BadRequestError('NO_VIDEO_LINK', 'This agency has no video service link configured: offer a call-back, or ask an administrator to set the link.');
    return { videoLink };
  }
  if (!phone?.trim()) throw new BadRequestError('NO_PHONE', 'The case has no phone number to call back.');
  return { phone: phone.trim() };
}

/** The offered slot that starts at `start`, or null. */
export function offeredSlot(m: Pick<MeetingDoc, 'slots'>, start: Date): Slot | null {
  const hit = m.slots.find((s) => s.start.getTime() === start.getTime());
  return hit ? { start: hit.start, end: hit.end } : null;
}

/** The booking keys a pick takes: the meeting itself, then each quarter hour of the officer's time. */
export function bookingKeys(meetingId: string, officerId: string, slot: Slot): string[] {
  const keys = [`meeting:${meetingId}`];
  for (let t = slot.start.getTime(); t < slot.end.getTime(); t += QUARTER_MS) keys.push(`officer:${officerId}:${new Date(t).toISOString()}`);
  return keys;
}

/** When the reminder goes out: the opening of the working day before; null when that moment has passed already. */
export function reminderTime(calendar: CalendarEntry['calendar'], slot: Slot, now: Date): Date | null {
  const at = openingOfWorkingDayBefore(calendar, slot.start);
  return at.getTime() > now.getTime() ? at : null;
}

/** The invitation's UID: one per meeting, the same in every message about it. */
export function meetingUid(meetingId: string, publicUrl: string): string {
  return `meeting-${meetingId}@${new URL(publicUrl).hostname}`;
}

/** A meeting as the API and the pages show it. */
export interface MeetingView {
  id: string;
  kind: MeetingKind;
  status: MeetingDoc['status'];
  durationMinutes: number;
  slots: { start: string; end: string }[];
  booked: { start: string; end: string } | null;
  videoLink: string | null;
  phone: string | null;
  outcome: { result: string; note: string | null; at: string } | null;
  officer: string | null;
}

/** The note of an outcome is for staff; the officer's name only for staff too. */
export function meetingView(m: MeetingDoc, forStaff: boolean): MeetingView {
  return {
    id: m._id.toHexString(),
    kind: m.kind,
    status: m.status,
    durationMinutes: m.durationMinutes,
    slots: m.slots.map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString() })),
    booked: m.booked ? { start: m.booked.start.toISOString(), end: m.booked.end.toISOString() } : null,
    videoLink: m.videoLink ?? null,
    phone: m.phone ?? null,
    outcome: m.outcome ? { result: m.outcome.result, note: forStaff ? (m.outcome.note ?? null) : null, at: m.outcome.at.toISOString() } : null,
    officer: forStaff ? m.officer.name : null,
  };
}
