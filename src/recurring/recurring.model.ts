/**
 * What recurring-issue detection keeps: one item per case it has looked at (the case's text vector,
 * place and time, and its group), and the groups themselves. A group is `forming` until it reaches
 * the flag rule; from then on it is a recurring issue under review (./review.ts), with an
 * append-only history.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const itemSchema = new Schema({
  /** The case's _id. */
  _id: { type: Schema.Types.ObjectId, required: true },
  profile: { type: String, required: true },
  reference: { type: String, required: true },
  category: { type: String, required: true },
  area: { type: String },
  location: { type: new Schema({ lat: Number, lng: Number }, { _id: false }) },
  agency: { type: String },
  createdAt: { type: Date, required: true },
  /** Account id or normalised email: distinct citizens are counted with it. */
  citizen: { type: String, required: true },
  vector: { type: new Schema({ f: [String], w: [Number] }, { _id: false }), required: true },
  groupId: { type: Schema.Types.ObjectId },
  /** The best match when it joined (explanation). */
  match: { type: new Schema({ caseId: String, score: Number, sharedWords: [String] }, { _id: false }) },
});
itemSchema.index({ profile: 1, category: 1, area: 1, createdAt: -1 });
itemSchema.index({ groupId: 1 });

export const RecurrenceItemModel = model('RecurrenceItem', itemSchema, 'recurrence_items');
export type RecurrenceItem = InferSchemaType<typeof itemSchema> & { _id: Types.ObjectId };

const historySchema = new Schema(
  {
    at: { type: Date, required: true },
    event: { type: String, required: true },
    from: String,
    to: String,
    by: { type: new Schema({ userId: String, name: String, role: String }, { _id: false }) },
    note: String,
    data: { type: Schema.Types.Mixed },
  },
  { _id: false },
);

const issueSchema = new Schema(
  {
    profile: { type: String, required: true },
    status: { type: String, required: true },
    category: { type: String, required: true },
    area: { type: String },
    agency: { type: String },
    caseIds: { type: [Schema.Types.ObjectId], default: [] },
    references: { type: [String], default: [] },
    citizens: { type: [String], default: [] },
    caseCount: { type: Number, required: true },
    citizenCount: { type: Number, required: true },
    firstSeenAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    keyTerms: { type: [String], default: [] },
    /** Pairs that tied the cases together, with their similarity. */
    scores: { type: [{ a: String, b: String, score: Number, _id: false }], default: [] },
    plan: { type: new Schema({ rootCause: String, correctiveAction: String, ownerAgency: String, targetDate: String }, { _id: false }) },
    monitoringSince: { type: Date },
    /** Open cases the fix should close: resolved together, with one public note. */
    linkedCaseIds: { type: [Schema.Types.ObjectId], default: undefined },
    flaggedAt: { type: Date },
    /** Staff merged or split it: the rebuild's comparison leaves it out. */
    manualEdits: { type: Boolean },
    history: { type: [historySchema], default: [] },
  },
  { timestamps: true },
);
issueSchema.index({ profile: 1, status: 1, agency: 1, lastSeenAt: -1 });

export const RecurringIssueModel = model('RecurringIssue', issueSchema, 'recurring_issues');
export type RecurringIssueDoc = InferSchemaType<typeof issueSchema> & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };

/** Where detection has got to, per profile: the last case processed, in (createdAt, _id) order. */
const stateSchema = new Schema({
  _id: { type: String, required: true },
  after: { type: Date, required: true },
  afterId: { type: String, required: true },
});

export const RecurrenceStateModel = model('RecurrenceState', stateSchema, 'recurrence_state');
