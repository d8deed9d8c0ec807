/**
 * A case: one submission by a citizen. Shaped for what comes after intake — the staff workspace,
 * SLA clocks, classification, recurring issues, reports and Open311 — so they fit without rework:
 * every change appends to `history` (append-only: only ever `$push`ed, never `$set` or pulled, save for
 * the one rewrite anonymisation makes to remove its free text: retention.ts), routing records
 * how the agency was chosen, and report keys are computed when the case is written.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { toJSONPlugin } from '../shared/mongoose-plugins.js';
import { PRIORITIES } from '../sla/index.js';

export const CASE_TYPES = ['complaint', 'suggestion', 'inquiry', 'compliment'] as const;
export type CaseType = (typeof CASE_TYPES)[number];
export const CHANNELS = ['web', 'app', 'phone', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CASE_STATUSES = [
  'submitted',
  'triage',
  'assigned',
  'in_progress',
  'awaiting_citizen',
  'resolved',
  'closed',
  'reopened',
  'rejected',
  'under_study',
  'accepted',
  'declined',
  'implemented',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** Statuses in which a citizen can still add information. */
export const OPEN_STATUSES: readonly CaseStatus[] = ['submitted', 'triage', 'assigned', 'in_progress', 'awaiting_citizen', 'reopened', 'under_study'];

const actorSchema = new Schema(
  {
    kind: { type: String, required: true, enum: ['citizen', 'agent', 'staff', 'system'] },
    userId: { type: Schema.Types.ObjectId },
    role: { type: String },
    agency: { type: String },
    /** Shown to the citizen only if the agency chooses to show staff names (later issue). */
    name: { type: String },
  },
  { _id: false },
);

const historyEntrySchema = new Schema(
  {
    at: { type: Date, required: true },
    actor: { type: actorSchema, required: true },
    event: { type: String, required: true, enum: ['filed', 'routed', 'status_changed', 'message', 'transferred', 'assigned', 'attachment_added', 'escalated', 'sla_changed', 'priority_changed', 'meeting_offered', 'meeting_booked', 'meeting_outcome'] },
    from: { type: String },
    to: { type: String },
    note: { type: String },
    visibility: { type: String, required: true, enum: ['public', 'internal'] },
    data: { type: Schema.Types.Mixed },
  },
  { _id: true },
);

const routingSchema = new Schema(
  {
    method: { type: String, required: true, enum: ['rule', 'triage', 'classifier', 'manual'] },
    confidence: { type: Number },
    reason: { type: String },
    /** Classifier candidates and the terms behind them (classification issue). */
    candidates: { type: [{ category: String, agency: String, probability: Number, _id: false }], default: undefined },
    terms: { type: [String], default: undefined },
    /** The classifier model version that decided (or suggested). */
    modelVersion: { type: Number },
    /** Set when staff moved the case: the original decision, for learning from corrections. */
    correctedFrom: { type: Schema.Types.Mixed },
    routedAt: { type: Date, required: true },
  },
  { _id: false },
);

const attachmentSchema = new Schema(
  {
    fileId: { type: Schema.Types.ObjectId, required: true },
    filename: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    uploadedAt: { type: Date, required: true },
  },
  { _id: true },
);

const caseSchema = new Schema(
  {
    profile: { type: String, required: true },
    reference: { type: String, required: true },
    trackingTokenHash: { type: String, required: true },
    type: { type: String, required: true, enum: CASE_TYPES },
    title: { type: String },
    description: { type: String, required: true },
    language: { type: String, required: true, enum: ['ar', 'en'] },
    channel: { type: String, required: true, enum: CHANNELS },
    category: { type: String },
    area: { type: String },
    location: { type: new Schema({ lat: Number, lng: Number }, { _id: false }) },
    agency: { type: String },
    status: { type: String, required: true, enum: CASE_STATUSES },
    routing: { type: routingSchema, required: true },
    contact: {
      type: new Schema({ name: { type: String, required: true }, email: { type: String, required: true }, phone: String }, { _id: false }),
      required: true,
    },
    /** Normalised (lower-case) contact email: links guest cases to an account with the same verified email. */
    contactEmail: { type: String, required: true },
    /** The Idempotency-Key record the case was filed under, so a retry can find it (shared/idempotency.ts). */
    idempotencyKey: { type: String },
    citizenId: { type: Schema.Types.ObjectId },
    /** The contact-centre agent who filed for a caller, when channel is phone. */
    filedBy: { type: actorSchema },
    /** The officer working the case, within its agency. */
    assignee: { type: new Schema({ userId: { type: Schema.Types.ObjectId, required: true }, name: { type: String, required: true } }, { _id: false }) },
    /** The citizen's rating of the answer (1–5), within the rating window after resolution. */
    rating: { type: new Schema({ score: { type: Number, required: true, min: 1, max: 5 }, comment: String, at: { type: Date, required: true } }, { _id: false }) },
    /** Citizens who follow this case as affected (recurring-issues issue), besides its filer. */
    followers: { type: [Schema.Types.ObjectId], default: undefined },
    attachments: { type: [attachmentSchema], default: [] },
    history: { type: [historyEntrySchema], default: [] },
    /** Set by staff (or the contact centre when filing); SLA policies may differ by priority. */
    priority: { type: String, required: true, enum: PRIORITIES, default: 'normal' },
    // SLA: the clock, computed once and stored so "overdue" and "due for escalation" are indexed queries.
    dueAt: { type: Date },
    firstResponseDueAt: { type: Date },
    /** The clock behind dueAt (src/sla/clock.ts): calendar, start, pauses, targets, escalation schedule. */
    sla: {
      type: new Schema(
        {
          calendar: { type: String, required: true },
          calendarRevision: { type: Number, required: true, default: 1 },
          startedAt: { type: Date, required: true },
          pausedAt: Date,
          pausedWorkingMinutes: { type: Number, required: true, default: 0 },
          /** The targets given when the clock started (`{workingDays}` or `{workingHours}` each). */
          targets: { type: Schema.Types.Mixed, required: true },
          policyIds: { type: [String], default: undefined },
          /** Escalation level notified so far: 0 none, 1 at risk, 2 breached, 3 managers. */
          level: { type: Number, required: true, default: 0 },
          atRiskAt: { type: Date, required: true },
          managersAt: { type: Date, required: true },
          /** When the sweep next looks at this case; absent while paused or stopped. */
          nextCheckAt: { type: Date },
          escalations: { type: [{ level: Number, at: Date, recipients: Number, _id: false }], default: undefined },
        },
        { _id: false },
      ),
    },
    /** Whether the citizen was told the case was escalated (shown on the case page). */
    escalatedAt: { type: Date },
    // For reports, written when they happen (working minutes exclude paused time).
    firstResponseAt: { type: Date },
    firstResponseMinutes: { type: Number },
    firstResponseWorkingMinutes: { type: Number },
    firstResponseBreached: { type: Number, enum: [0, 1] },
    // Report keys, written with the case (docs/database.md: compute when writing).
    dayKey: { type: String, required: true },
    weekKey: { type: String, required: true },
    monthKey: { type: String, required: true },
    resolvedAt: { type: Date },
    closedAt: { type: Date },
    resolutionMinutes: { type: Number },
    resolutionWorkingMinutes: { type: Number },
    slaBreached: { type: Number, enum: [0, 1] },
    /**
     * When the case's personal data was removed (retention.ts): contact, texts, attachments, the
     * citizen link. The figures stay so that reports stay true.
     */
    anonymisedAt: { type: Date },
  },
  { timestamps: true },
);

caseSchema.index({ reference: 1 }, { unique: true });
caseSchema.index({ agency: 1, status: 1, dueAt: 1, _id: 1 });
caseSchema.index({ agency: 1, createdAt: -1, _id: -1 });
// The case lists (list.service.ts) in each of their sorts, for every scope: an agency's, a manager's
// (no scope), a contact-centre agent's (the triage queue by status, what they filed).
caseSchema.index({ agency: 1, updatedAt: -1, _id: -1 });
caseSchema.index({ agency: 1, dueAt: 1, _id: 1 });
caseSchema.index({ createdAt: -1, _id: -1 });
caseSchema.index({ updatedAt: -1, _id: -1 });
caseSchema.index({ dueAt: 1, _id: 1 });
caseSchema.index({ 'filedBy.userId': 1, createdAt: -1, _id: -1 });
caseSchema.index({ 'assignee.userId': 1, status: 1, _id: 1 });
caseSchema.index({ 'contact.phone': 1, createdAt: -1, _id: -1 });
caseSchema.index({ status: 1, createdAt: 1, _id: 1 });
caseSchema.index({ status: 1, resolvedAt: 1, _id: 1 });
caseSchema.index({ citizenId: 1, createdAt: -1, _id: -1 });
caseSchema.index({ contactEmail: 1, createdAt: -1 });
caseSchema.index({ category: 1, area: 1, createdAt: -1 });
caseSchema.index({ monthKey: 1, agency: 1 });
// The escalation sweep and the calendar recompute.
caseSchema.index({ 'sla.nextCheckAt': 1 });
caseSchema.index({ 'sla.calendar': 1, 'sla.calendarRevision': 1 });
// Recurring issues: the hourly requeue looks for cases routed in the last days (recurring/queue.ts).
caseSchema.index({ 'routing.routedAt': 1 });
caseSchema.index({ idempotencyKey: 1 });
// Retention (retention.ts): terminal cases not yet anonymised, oldest closure first; a citizen's follows.
caseSchema.index({ anonymisedAt: 1, profile: 1, status: 1, closedAt: 1, _id: 1 });
caseSchema.index({ followers: 1, createdAt: -1, _id: -1 });

caseSchema.plugin(toJSONPlugin);
caseSchema.set('toJSON', {
  versionKey: false,
  transform(_doc, ret: Record<string, unknown>) {
    delete ret.trackingTokenHash;
    if (ret._id !== undefined) ret.id = (ret._id as Types.ObjectId).toString();
    delete ret._id;
    return ret;
  },
});

export type CaseDoc = InferSchemaType<typeof caseSchema> & { _id: Types.ObjectId };
export type HistoryEntry = Omit<InferSchemaType<typeof historyEntrySchema>, 'actor'> & { actor: Actor };
export type Actor = InferSchemaType<typeof actorSchema>;
export const CaseModel = model('Case', caseSchema);
