/**
 * What recurring-issue detection and review (src/recurring/) read and write of cases. The case
 * document has one owner, this module: recurring asks through these functions (on the cases face)
 * and never queries the case collection itself.
 */
import { Types } from 'mongoose';
import { gte, ne, oneOf } from '../shared/db/operators.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import type { RoutedCase } from '../shared/hooks.js';
import { CaseModel, OPEN_STATUSES, type CaseStatus } from './case.model.js';
import { normaliseReference } from './reference.js';

/** What detection's queue entry is made of (shared/hooks.ts RoutedCase). */
const ROUTED_FIELDS = { profile: 1, reference: 1, category: 1, area: 1, location: 1, agency: 1, citizenId: 1, contactEmail: 1, title: 1, description: 1 } as const;

/**
 * The ids of a profile's cases routed since `since` (filed with a category, or routed out of triage
 * however long after filing): by the routing.routedAt index, for the hourly requeue.
 */
export async function casesRoutedSince(profile: string, since: Date): Promise<Types.ObjectId[]> {
  return (await CaseModel.find({ 'routing.routedAt': gte(since), profile, category: ne(null) }).select({ _id: 1 }).lean()).map((c) => c._id);
}

/** These cases as detection's queue takes them (the requeue of cases that never reached it). */
export async function routedCasesByIds(ids: readonly Types.ObjectId[]): Promise<RoutedCase[]> {
  return CaseModel.find({ _id: oneOf([...ids]) }).select(ROUTED_FIELDS).lean<RoutedCase[]>();
}

/** The citizens who follow any of these cases (as hex ids): they count among an issue's citizens. */
export async function followersOf(ids: readonly Types.ObjectId[]): Promise<string[]> {
  const followed = await CaseModel.find({ _id: oneOf([...ids]) }).select({ followers: 1 }).lean();
  return followed.flatMap((c) => (c.followers ?? []).map((f) => f.toHexString()));
}

export interface CaseListItem {
  _id: Types.ObjectId;
  reference: string;
  status: CaseStatus;
  title?: string | null;
  createdAt: Date;
}

/** An issue's cases in filing order, as its page lists them (reference, status, title, date). */
export async function caseListOf(ids: readonly Types.ObjectId[]): Promise<CaseListItem[]> {
  return CaseModel.find({ _id: oneOf([...ids]) }).select({ reference: 1, status: 1, title: 1, createdAt: 1 }).sort({ createdAt: 1 }).lean<CaseListItem[]>();
}

/** The reference and status of these cases (an issue's linked cases). */
export async function caseStatusesOf(ids: readonly Types.ObjectId[]): Promise<{ _id: Types.ObjectId; reference: string; status: CaseStatus }[]> {
  return CaseModel.find({ _id: oneOf([...ids]) }).select({ reference: 1, status: 1 }).lean<{ _id: Types.ObjectId; reference: string; status: CaseStatus }[]>();
}

/** The cases with these (normalised) references, with their agency and status: may they be linked to an issue? */
export async function casesByReference(references: readonly string[]): Promise<{ _id: Types.ObjectId; reference: string; agency?: string | null; status: CaseStatus }[]> {
  return CaseModel.find({ reference: oneOf([...references]) }).select({ reference: 1, agency: 1, status: 1 }).lean<{ _id: Types.ObjectId; reference: string; agency?: string | null; status: CaseStatus }[]>();
}

/** Which of these cases are still open, with what a look-alike answer shows of them (never their text). */
export async function openCasesAmong(ids: readonly Types.ObjectId[]): Promise<{ _id: Types.ObjectId; reference: string; status: CaseStatus; createdAt: Date }[]> {
  return CaseModel.find({ _id: oneOf([...ids]), status: oneOf(OPEN_STATUSES) }).select({ reference: 1, status: 1, createdAt: 1 }).lean<{ _id: Types.ObjectId; reference: string; status: CaseStatus; createdAt: Date }[]>();
}

/**
 * A signed-in citizen follows an open case as affected (not their own): they are added to its
 * followers, who are told when work starts and when it is resolved (notices.ts).
 */
export async function addFollower(userId: string, referenceInput: unknown): Promise<{ caseId: Types.ObjectId; reference: string }> {
  const reference = normaliseReference(referenceInput);
  const c = reference ? await CaseModel.findOne({ reference }).select({ status: 1, citizenId: 1, followers: 1 }).lean() : null;
  if (!c || !OPEN_STATUSES.includes(c.status)) throw new NotFoundError('CASE_NOT_FOUND', 'No open case with this reference.');
  if (c.citizenId?.toHexString() === userId) throw new ConflictError('OWN_CASE', 'This is your own case.');
  await CaseModel.updateOne({ _id: c._id }, { $addToSet: { followers: new Types.ObjectId(userId) } }, { timestamps: false });
  return { caseId: c._id, reference: reference! };
}
