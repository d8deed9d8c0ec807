/**
 * Meetings about a case (meetings.service.ts): an officer offers up to three slots by video or
 * call-back, the citizen (or an agent for them) picks one, the officer records how it went. Kept
 * beside the case, by the case's owner module; the case's history says what happened to each.
 *
 * Bookings are the insert-only records that make a pick exclusive on every engine (FerretDB v1
 * applies concurrent updates without isolation, docs/database.md): `_id` `meeting:<id>` lets one
 * pick win per meeting, and `officer:<userId>:<quarter>` one meeting per officer per quarter hour.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const MEETING_KINDS = ['video', 'callback'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const MEETING_STATUSES = ['offered', 'booked', 'held', 'no_show', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];
export const MEETING_OUTCOMES = ['held', 'no_show', 'cancelled'] as const;
export type MeetingOutcome = (typeof MEETING_OUTCOMES)[number];

const slotSchema = new Schema({ start: { type: Date, required: true }, end: { type: Date, required: true } }, { _id: false });
const personSchema = new Schema({ kind: { type: String, required: true }, userId: Schema.Types.ObjectId, name: String }, { _id: false });

const meetingSchema = new Schema({
  caseId: { type: Schema.Types.ObjectId, required: true },
  reference: { type: String, required: true },
  agency: { type: String, required: true },
  kind: { type: String, required: true, enum: MEETING_KINDS },
  /** Copied when offered: the agency's video link, or the phone the officer will call. */
  videoLink: { type: String },
  phone: { type: String },
  durationMinutes: { type: Number, required: true },
  slots: { type: [slotSchema], required: true },
  /** The working calendar the slots were checked against (reminders count its working days). */
  calendar: { type: String, required: true },
  officer: {
    type: new Schema({ userId: { type: Schema.Types.ObjectId, required: true }, name: { type: String, required: true }, email: { type: String, required: true }, language: { type: String, required: true } }, { _id: false }),
    required: true,
  },
  status: { type: String, required: true, enum: MEETING_STATUSES },
  booked: { type: new Schema({ start: { type: Date, required: true }, end: { type: Date, required: true }, at: { type: Date, required: true }, by: { type: personSchema, required: true } }, { _id: false }) },
  /** When the reminder goes out (the opening of the working day before); absent once sent or when there is none. */
  reminderAt: { type: Date },
  reminderSentAt: { type: Date },
  outcome: { type: new Schema({ result: { type: String, required: true, enum: MEETING_OUTCOMES }, note: String, at: { type: Date, required: true }, by: { type: personSchema, required: true } }, { _id: false }) },
  /** The invitation's SEQUENCE (RFC 5545): 0 when booked. */
  sequence: { type: Number, required: true, default: 0 },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
});
meetingSchema.index({ reference: 1, createdAt: 1, _id: 1 });
meetingSchema.index({ caseId: 1 });
meetingSchema.index({ status: 1, reminderAt: 1, _id: 1 });

export type MeetingDoc = InferSchemaType<typeof meetingSchema> & { _id: Types.ObjectId };
export const MeetingModel = model('Meeting', meetingSchema, 'meetings');

const bookingSchema = new Schema({
  _id: { type: String, required: true },
  meetingId: { type: Schema.Types.ObjectId, required: true },
  at: { type: Date, required: true },
});
bookingSchema.index({ meetingId: 1, _id: 1 });

export const MeetingBookingModel = model('MeetingBooking', bookingSchema, 'meeting_bookings');
