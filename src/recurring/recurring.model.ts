/**
 * What recurring-issue detection keeps:
 * - a queue of cases waiting to be detected (`recurrence_queue`): written when a case gets a category
 *   (at filing, or when staff route it out of triage), drained in arrival order;
 * - the sliding window of recent cases (`recurrence_items`): the candidates a new case is compared
 *   with, with their group; entries older than the longest window of any rule are pruned, so the
 *   collection a new case is compared against holds the last weeks, whatever the size of the history;
 * - the log of every case detection has seen (`recurrence_log`): written once per case, read by the
 *   rebuild and when staff merge or split issues;
 * - the groups themselves (`recurring_issues`), whose `caseIds` say which cases each holds. A group is
 *   `forming` until it reaches the flag rule; from then on it is a recurring issue under review
 *   (./review.ts), with an append-only history.
 *
 * Vectors are stored packed in one string (similarity.ts `packVector`): a document with a few hundred
 * typed array elements costs several times more to read on the FerretDB test server.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const caseFields = () => ({
  /** The case's _id. */
  _id: { type: Schema.Types.ObjectId, required: true },
  profile: { type: String, required: true },
  reference: { type: String, required: true },
  category: { type: String, required: true },
  area: { type: String },
  location: { type: new Schema({ lat: Number, lng: Number }, { _id: false }) },
  agency: { type: String },
  /** When detection counts the case as arrived: filing, or routing out of triage. */
  createdAt: { type: Date, required: true },
  /** Account id or normalised email: distinct citizens are counted with it. */
  citizen: { type: String, required: true },
});

const queueSchema = new Schema({ ...caseFields(), text: { type: String, required: true } });
queueSchema.index({ profile: 1, createdAt: 1, _id: 1 });
export const RecurrenceQueueModel = model('RecurrenceQueued', queueSchema, 'recurrence_queue');
export type RecurrenceQueued = InferSchemaType<typeof queueSchema> & { _id: Types.ObjectId };

const matchSchema = new Schema({ caseId: String, score: Number, sharedWords: [String] }, { _id: false });

const itemSchema = new Schema({
  ...caseFields(),
  /** similarity.ts packVector. */
  vector: { type: String, required: true },
  groupId: { type: Schema.Types.ObjectId },
  /** The best match when it joined (explanation). */
  match: { type: matchSchema },
});
itemSchema.index({ profile: 1, category: 1, area: 1, createdAt: -1 });
// Candidates by distance (a location and no area): the category's recent window.
itemSchema.index({ profile: 1, category: 1, createdAt: -1 });
itemSchema.index({ groupId: 1 });

export const RecurrenceItemModel = model('RecurrenceItem', itemSchema, 'recurrence_items');
export type RecurrenceItem = InferSchemaType<typeof itemSchema> & { _id: Types.ObjectId };

const logSchema = new Schema({
  ...caseFields(),
  vector: { type: String, required: true },
  match: { type: matchSchema },
  /** The case was anonymised (./forget.ts): its citizen is a stand-in, its location and words are gone. */
  anonymisedAt: { type: Date },
});
logSchema.index({ profile: 1, createdAt: 1 });
export const RecurrenceLogModel = model('RecurrenceLog', logSchema, 'recurrence_log');
export type RecurrenceLogEntry = InferSchemaType<typeof logSchema> & { _id: Types.ObjectId };

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
    /** How often each word was shared by a case and its matches: keyTerms are the top ten. */
    terms: { type: [{ w: String, n: Number, _id: false }], default: [] },
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
// The review queue (review.service.ts listIssues), newest first with _id breaking ties: by agency and
// status for supervisors, by status alone for managers (category and area filter the rows found).
issueSchema.index({ profile: 1, status: 1, agency: 1, lastSeenAt: -1, _id: -1 });
issueSchema.index({ profile: 1, status: 1, lastSeenAt: -1, _id: -1 });
issueSchema.index({ caseIds: 1 });

export const RecurringIssueModel = model('RecurringIssue', issueSchema, 'recurring_issues');
export type RecurringIssueDoc = InferSchemaType<typeof issueSchema> & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };

/** A category's own grouping rules (rules.service.ts); other categories follow DEFAULT_RULES. */
const ruleSchema = new Schema({
  profile: { type: String, required: true },
  category: { type: String, required: true },
  windowDays: Number,
  similarity: Number,
  flagCount: Number,
  radiusMeters: Number,
  updatedBy: { type: new Schema({ userId: String, name: String }, { _id: false }) },
  updatedAt: { type: Date, required: true },
});
ruleSchema.index({ profile: 1, category: 1 }, { unique: true });
export const RecurrenceRuleModel = model('RecurrenceRule', ruleSchema, 'recurrence_rules');
