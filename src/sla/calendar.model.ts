import { Schema, model } from 'mongoose';

/**
 * A working calendar, edited by administrators (holidays move with the moon). The database is the
 * truth once seeded; profiles/<code>/calendars/*.json only seed it. Checked by parseCalendar() on every write.
 */
const calendarSchema = new Schema({
  code: { type: String, required: true },
  timezone: { type: String, required: true },
  weekend: { type: [String], required: true },
  /** `{Sun: ["07:00", "14:00"], …}`: a document of pairs (no arrays of arrays: docs/database.md). */
  workingHours: { type: Schema.Types.Mixed, required: true },
  holidays: { type: [{ date: String, name_ar: String, name_en: String, _id: false }], required: true },
  note: { type: String },
  /** Bumped on every change: open cases whose clock used an older revision get their deadlines recomputed. */
  revision: { type: Number, required: true, default: 1 },
  /** The revision whose recompute of open cases has finished (cases/recompute.service.ts). */
  recomputedRevision: { type: Number },
  updatedBy: { type: new Schema({ userId: String, name: String }, { _id: false }) },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
});
calendarSchema.index({ code: 1 }, { unique: true });

export const CalendarModel = model('Calendar', calendarSchema);
