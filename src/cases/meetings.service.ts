/**
 * Meetings about a case, with their I/O: an officer of the case's agency offers slots (checked
 * against the agency's working calendar), the case's citizen or a contact-centre agent picks one
 * (exclusive by insert, meeting.model.ts), both are sent the invitation through the outbox, the
 * officer records the outcome, and a reminder goes out the working day before (claimed once).
 * Each step writes its entry in the case's history (history.ts).
 */
import { Types } from 'mongoose';
import { claim } from '../shared/claims.js';
import { isDuplicateKeyError } from '../shared/db/connect.js';
import { lte, ne, oneOf } from '../shared/db/operators.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import { clockSetup, getCalendarCached } from '../sla/index.js';
import { CaseModel, type Actor, type CaseDoc, type HistoryEntry } from './case.model.js';
import { withHistory } from './history.js';
import { MeetingBookingModel, MeetingModel, type MeetingDoc, type MeetingKind, type MeetingOutcome } from './meeting.model.js';
import { bookingKeys, checkSlots, meetingChannel, offeredSlot, reminderTime, type Slot } from './meetings.js';
import { isTerminal } from './status.js';
import { actorOf } from './workspace.service.js';
import { meetingEmails } from './meeting-emails.js';

export interface OfferInput {
  kind: MeetingKind;
  slots: Date[];
  durationMinutes: number;
  /** For a call-back: the number to call, when not the one on the case. */
  phone?: string;
}

const MEETING_NOT_FOUND = (): NotFoundError => new NotFoundError('MEETING_NOT_FOUND', 'No such meeting on this case.');

/** Officers and supervisors of the case's agency arrange meetings; others who read the case do not. */
function assertAgencyStaff(p: Principal, c: CaseDoc): void {
  if ((p.role !== 'officer' && p.role !== 'supervisor') || !p.agency || p.agency !== c.agency) {
    throw new ForbiddenError('ACTION_NOT_ALLOWED', "Only the staff of the case's agency arrange meetings about it.");
  }
}

async function appendHistory(c: CaseDoc, entry: HistoryEntry, now: Date): Promise<void> {
  await CaseModel.updateOne({ _id: c._id }, withHistory({ $set: { updatedAt: now } }, entry));
}

/** An officer offers the citizen up to three slots; the case's history says so (visible to the citizen). */
export async function offerMeeting(p: Principal, c: CaseDoc, input: OfferInput, now: Date, profile: string): Promise<MeetingDoc> {
  assertAgencyStaff(p, c);
  if (isTerminal(c.status)) throw new ConflictError('CASE_CLOSED', 'The case is closed: no meeting can be offered on it.');
  const { policy, entry } = await clockSetup(profile, { agency: c.agency ?? undefined, category: c.category ?? undefined, type: c.type, priority: (c.priority ?? 'normal') });
  const channel = meetingChannel(input.kind, policy.videoLink, input.phone ?? c.contact.phone);
  const slots = checkSlots(input.slots, input.durationMinutes, entry.calendar, now);
  const meeting: MeetingDoc = {
    _id: new Types.ObjectId(),
    caseId: c._id,
    reference: c.reference,
    agency: c.agency!,
    kind: input.kind,
    ...channel,
    durationMinutes: input.durationMinutes,
    slots,
    calendar: entry.calendar.code,
    officer: { userId: new Types.ObjectId(p.userId), name: p.name, email: p.email, language: p.language },
    status: 'offered',
    sequence: 0,
    createdAt: now,
    updatedAt: now,
  } as MeetingDoc;
  await MeetingModel.create(meeting);
  await appendHistory(c, { at: now, actor: actorOf(p), event: 'meeting_offered', to: input.kind, visibility: 'public', data: { meetingId: meeting._id.toHexString(), slots: slots.map((s) => s.start.toISOString()) } }, now);
  return meeting;
}

/** The meetings of a case (by its reference, which is unique and never changes), oldest first. */
export async function meetingsOf(c: Pick<CaseDoc, 'reference'>): Promise<MeetingDoc[]> {
  return MeetingModel.find({ reference: c.reference }).sort({ createdAt: 1, _id: 1 }).lean<MeetingDoc[]>();
}

async function meetingOf(c: CaseDoc, meetingId: unknown): Promise<MeetingDoc> {
  if (typeof meetingId !== 'string' || !Types.ObjectId.isValid(meetingId)) throw MEETING_NOT_FOUND();
  const m = await MeetingModel.findOne({ _id: new Types.ObjectId(meetingId), caseId: c._id }).lean<MeetingDoc>();
  if (!m) throw MEETING_NOT_FOUND();
  return m;
}

/** Who picks: the case's citizen (signed in or with the tracking code), or a contact-centre agent for a caller. */
export type Picker = { kind: 'citizen' } | { kind: 'agent'; principal: Principal };

/**
 * Takes the bookings of a pick, all or none: the meeting's own key first (one pick per meeting),
 * then the officer's quarter hours (one meeting per officer at a time). A key already held refuses
 * the pick with SLOT_TAKEN and gives back what this pick took.
 */
async function takeBookings(m: MeetingDoc, slot: Slot, now: Date): Promise<void> {
  const taken: string[] = [];
  try {
    for (const key of bookingKeys(m._id.toHexString(), m.officer.userId.toHexString(), slot)) {
      await MeetingBookingModel.create({ _id: key, meetingId: m._id, at: now });
      taken.push(key);
    }
  } catch (err) {
    if (taken.length) await MeetingBookingModel.deleteMany({ _id: oneOf(taken), meetingId: m._id });
    if (isDuplicateKeyError(err)) throw new ConflictError('SLOT_TAKEN', 'This time has just been taken: choose another.');
    throw err;
  }
}

function pickerActor(picker: Picker, c: CaseDoc): Actor {
  return picker.kind === 'agent' ? actorOf(picker.principal) : { kind: 'citizen', ...(c.citizenId ? { userId: c.citizenId } : {}) };
}

/** The citizen (or an agent for them) picks one of the offered slots; both parties are sent the invitation. */
export async function pickSlot(picker: Picker, c: CaseDoc, meetingId: unknown, start: Date, now: Date, publicUrl: string): Promise<MeetingDoc> {
  const m = await meetingOf(c, meetingId);
  if (m.status === 'booked') throw new ConflictError('SLOT_TAKEN', 'This meeting has already been booked.');
  if (m.status !== 'offered') throw new ConflictError('MEETING_CLOSED', 'This meeting is no longer open.');
  const slot = offeredSlot(m, start);
  if (!slot) throw new BadRequestError('SLOT_NOT_OFFERED', 'This time is not one of the slots offered.');
  if (slot.start.getTime() <= now.getTime()) throw new BadRequestError('SLOT_IN_PAST', 'This time has passed.', { slot: '' });
  await takeBookings(m, slot, now);
  const actor = pickerActor(picker, c);
  const reminderAt = reminderTime(await getCalendarCached(m.calendar), slot, now);
  const booked = { start: slot.start, end: slot.end, at: now, by: { kind: actor.kind, ...(actor.userId ? { userId: actor.userId } : {}), ...(actor.name ? { name: actor.name } : {}) } };
  await MeetingModel.updateOne({ _id: m._id, status: 'offered' }, { $set: { status: 'booked', booked, updatedAt: now, ...(reminderAt ? { reminderAt } : {}) } });
  await appendHistory(c, { at: now, actor, event: 'meeting_booked', to: m.kind, visibility: 'public', data: { meetingId: m._id.toHexString(), start: slot.start.toISOString() } }, now);
  const updated = (await MeetingModel.findById(m._id).lean<MeetingDoc>())!;
  await meetingEmails(updated, c, 'invitation', publicUrl, now);
  return updated;
}

/** The officer records how it went: held or no-show once it has begun; cancelled at any time before an outcome. */
export async function recordOutcome(p: Principal, c: CaseDoc, meetingId: unknown, outcome: { outcome: MeetingOutcome; note?: string }, now: Date): Promise<MeetingDoc> {
  assertAgencyStaff(p, c);
  const m = await meetingOf(c, meetingId);
  if (m.status !== 'offered' && m.status !== 'booked') throw new ConflictError('MEETING_CLOSED', 'This meeting already has its outcome.');
  if (outcome.outcome !== 'cancelled' && (m.status !== 'booked' || m.booked!.start.getTime() > now.getTime())) {
    throw new BadRequestError('MEETING_NOT_YET', 'A meeting is recorded as held or missed only once its time has come.');
  }
  const note = outcome.note?.trim() || undefined;
  const result = await MeetingModel.updateOne(
    { _id: m._id, status: m.status },
    { $set: { status: outcome.outcome, outcome: { result: outcome.outcome, ...(note ? { note } : {}), at: now, by: { kind: 'staff', userId: new Types.ObjectId(p.userId), name: p.name } }, updatedAt: now }, $unset: { reminderAt: 1 } },
  );
  if (result.matchedCount !== 1) throw new ConflictError('MEETING_CLOSED', 'This meeting changed meanwhile: reload it.');
  // A cancelled booking gives the officer's time back (the meeting's own key stays: it was picked once).
  if (outcome.outcome === 'cancelled') await MeetingBookingModel.deleteMany({ meetingId: m._id, _id: ne(`meeting:${m._id.toHexString()}`) });
  await appendHistory(c, { at: now, actor: actorOf(p), event: 'meeting_outcome', to: outcome.outcome, ...(note ? { note } : {}), visibility: 'internal', data: { meetingId: m._id.toHexString() } }, now);
  return (await MeetingModel.findById(m._id).lean<MeetingDoc>())!;
}

const REMINDER_LEASE_MS = 10 * 60_000;
const REMINDER_BATCH = 50;

/**
 * Sends the reminders that are due (the working day before each booked meeting). Each is claimed
 * once (shared/claims.ts: one instance wins the insert), and its emails have keys of their own, so
 * two instances running this at once send each reminder once. Returns how many were sent here.
 */
export async function sendMeetingReminders(now: Date, options: { publicUrl: string; instance: string }): Promise<number> {
  const due = await MeetingModel.find({ status: 'booked', reminderAt: lte(now) }).sort({ reminderAt: 1, _id: 1 }).limit(REMINDER_BATCH).lean<MeetingDoc[]>();
  let sent = 0;
  for (const m of due) {
    if (!(await claim(`meeting-reminder:${m._id.toHexString()}`, options.instance, now, REMINDER_LEASE_MS))) continue;
    const c = await CaseModel.findById(m.caseId).lean<CaseDoc>();
    if (c && !c.anonymisedAt) await meetingEmails(m, c, 'reminder', options.publicUrl, now);
    await MeetingModel.updateOne({ _id: m._id }, { $set: { reminderSentAt: now, updatedAt: now }, $unset: { reminderAt: 1 } });
    sent++;
  }
  return sent;
}

/** Anonymising a case (retention.ts) removes what its meetings hold about the citizen: the phone and the outcome's note. */
export async function forgetMeetingPersonalData(caseId: Types.ObjectId, now: Date): Promise<void> {
  await MeetingModel.updateMany({ caseId }, { $set: { updatedAt: now }, $unset: { phone: 1, 'outcome.note': 1, reminderAt: 1 } });
}
