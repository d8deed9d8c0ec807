/**
 * Working a case: transitions through the status machine, transfers, triage routing, replies and
 * internal notes, the citizen's answers and rating. Every change appends to the history, and the
 * write is conditional on the status read, so two people acting at once cannot both succeed.
 */
import { recordAudit } from '../audit/index.js';
import { agencyOffered, findAgency, lookupCodes } from '../directory/index.js';
import { findStaffMember, UserModel } from '../users/index.js';
import { lte } from '../shared/db/operators.js';
import { clockChangesFor, clockView, firstResponseChanges, getCalendarEntryCached, newClock, recomputeClock, storedClock, type ClockView, type Priority } from '../sla/index.js';
import { ConflictError, ForbiddenError, ValidationError } from '../shared/errors.js';
import type { Hooks } from '../shared/hooks.js';
import { isStaff, type Principal } from '../shared/principal.js';
import { canReadCase, seesInternalNotes } from './access.js';
import { CaseModel, type Actor, type CaseDoc, type CaseStatus, type HistoryEntry } from './case.model.js';
import { withHistory } from './history.js';
import { normaliseReference } from './reference.js';
import { allowedActions, decideTransition, isTerminal, ratingWindowCutoff, ratingWindowOpen, type CaseAction, type MachineActor, type TransitionInput } from './status.js';
import { CASE_NOT_FOUND, citizenView, type CaseView } from './tracking.service.js';

/** Something the citizen should hear about, for the caller to send (email through the outbox). */
export interface CitizenNotice {
  caseId: string;
  reference: string;
  to: string;
  language: 'ar' | 'en';
  event: CaseAction | 'reply';
  /** The agency's text for the filer (reply, resolution note, reason): never sent to followers. */
  message: string | null;
  /** A move the filer is not emailed about (work started) but the citizens following the case are. */
  followersOnly?: boolean;
}

export interface ActResult {
  view: StaffCaseView;
  notice: CitizenNotice | null;
}


/** The case behind a reference if this principal may read it; 404 otherwise (existence not revealed). */
export async function findCaseFor(p: Principal, referenceInput: unknown): Promise<CaseDoc> {
  const reference = normaliseReference(referenceInput);
  if (!reference) throw CASE_NOT_FOUND();
  const found = await CaseModel.findOne({ reference }).lean<CaseDoc>();
  if (!found || !canReadCase(p, found)) throw CASE_NOT_FOUND();
  return found;
}

/** The status machine's actor for this principal on this case. */
export function machineActor(p: Principal, c: CaseDoc): MachineActor {
  if (p.role === 'citizen') return c.citizenId?.toString() === p.userId ? 'owner' : 'citizen';
  return p.role;
}

export function actorOf(p: Principal): Actor {
  const kind = p.role === 'citizen' ? 'citizen' : p.role === 'agent' ? 'agent' : 'staff';
  return { kind, userId: p.userId as unknown as Actor['userId'], role: p.role, agency: p.agency, name: p.name };
}

export interface StaffCaseView extends CaseView {
  contact: { name: string; email: string; phone: string | null } | null;
  assignee: string | null;
  rating: { score: number; comment: string | null } | null;
  routing: CaseView['routing'] & {
    reason: string | null;
    correctedFrom: unknown;
    /** The classifier's suggestions and the words behind them (staff only). */
    candidates: { category: string; agency: string | null; probability: number }[];
    terms: string[];
    modelVersion: number | null;
  };
  history: { at: string; event: string; from: string | null; to: string | null; note: string | null; visibility: string; by: string | null; role: string | null }[];
  /** What this principal may do now: the buttons to show. */
  actions: CaseAction[];
  canReply: boolean;
  priority: string;
  /** The SLA clock as officers see it; null in triage and once answered or closed. */
  clock: ClockView | null;
}

/** What staff (and the signed-in owner) see. Internal notes only for the agency's staff and managers. */
export function staffView(p: Principal, c: CaseDoc, now: Date, clock: ClockView | null = null): StaffCaseView {
  const internal = seesInternalNotes(p, c);
  const base = citizenView(c);
  return {
    ...base,
    contact: isStaff(p) || machineActor(p, c) === 'owner' ? { name: c.contact.name, email: c.contact.email, phone: c.contact.phone ?? null } : null,
    assignee: c.assignee?.name ?? null,
    rating: c.rating ? { score: c.rating.score, comment: c.rating.comment ?? null } : null,
    routing: {
      ...base.routing,
      reason: c.routing.reason ?? null,
      correctedFrom: internal ? (c.routing.correctedFrom ?? null) : null,
      candidates: isStaff(p) ? (c.routing.candidates ?? []).map((x) => ({ category: x.category ?? '', agency: x.agency ?? null, probability: x.probability ?? 0 })) : [],
      terms: isStaff(p) ? [...(c.routing.terms ?? [])] : [],
      modelVersion: isStaff(p) ? (c.routing.modelVersion ?? null) : null,
    },
    history: c.history
      .filter((h) => internal || h.visibility === 'public')
      .map((h) => ({
        at: h.at.toISOString(),
        event: h.event,
        from: h.from ?? null,
        to: h.to ?? null,
        note: h.note ?? null,
        visibility: h.visibility,
        by: internal ? (h.actor.name ?? h.actor.kind) : h.actor.kind === 'citizen' ? 'citizen' : h.actor.kind === 'system' ? 'system' : 'agency',
        role: internal ? (h.actor.role ?? null) : null,
      })),
    actions: allowedActions({ status: c.status, type: c.type, actor: { role: machineActor(p, c) }, resolvedAt: c.resolvedAt ?? null, now }),
    canReply: canReplyOn(p, c),
    priority: c.priority ?? 'normal',
    clock,
  };
}

/** staffView with the clock read from the case's calendar. */
export async function staffViewOf(p: Principal, c: CaseDoc, now: Date): Promise<StaffCaseView> {
  return staffView(p, c, now, await clockView(c, now));
}

/**
 * A case opened by someone who may read it, for its page or the API: a staff member's read of its
 * personal data goes into the audit log first (no record, no read); a citizen reading their own
 * case is not audited.
 */
export async function openCase(p: Principal, referenceInput: unknown, now: Date, channel: 'api' | 'page'): Promise<{ c: CaseDoc; view: StaffCaseView }> {
  const c = await findCaseFor(p, referenceInput);
  if (p.role !== 'citizen') await recordAudit(p, { action: 'case.viewed', reference: c.reference, detail: channel }, now);
  return { c, view: await staffViewOf(p, c, now) };
}

/** A staff member takes a case's attachment: recorded like a read. */
export async function auditAttachmentRead(p: Principal, c: CaseDoc, attachmentId: string, now: Date): Promise<void> {
  if (p.role !== 'citizen') await recordAudit(p, { action: 'case.attachment_downloaded', reference: c.reference, detail: attachmentId }, now);
}

const changed = (p: Principal, c: CaseDoc, detail: string, now: Date): Promise<void> => recordAudit(p, { action: 'case.changed', reference: c.reference, detail }, now);

function canReplyOn(p: Principal, c: CaseDoc): boolean {
  return (p.role === 'officer' || p.role === 'supervisor') && c.agency === p.agency && !isTerminal(c.status);
}

export interface TransitionCommand extends TransitionInput {
  action: CaseAction;
  /** For triage routing: the category, when the agent also fixes it. */
  category?: string | null;
}

/**
 * Applies one status-machine action for a principal who may read the case. Staff routing a case out
 * of triage may give it its first category: then `onRouted` (the caseRouted hook) hands it to
 * recurring-issue detection, which counts it as arriving now.
 */
export async function transitionCase(p: Principal, referenceInput: unknown, command: TransitionCommand, now: Date, profile: string, onRouted: Hooks['caseRouted']): Promise<ActResult> {
  const c = await findCaseFor(p, referenceInput);
  const { updated, notice } = await applyTransition(c, machineActor(p, c), actorOf(p), command, now, profile, p);
  // A case routed out of triage with its first category reaches recurring-issue detection now.
  if (!c.category && updated.category) await onRouted(updated, now);
  await changed(p, c, command.action, now);
  return { view: staffView(p, updated, now, await clockView(updated, now)), notice };
}

/** A case update in parts: what to set and what to unset. */
interface CaseChanges {
  set: Record<string, unknown>;
  unset: Record<string, 1>;
}

/**
 * The transition itself, once the caller has established who acts: a principal, or the owner who
 * holds the tracking code (`principal` undefined: the citizen acts as `owner`). Only staff route or
 * transfer (status.ts), so only transitionCase sees a case get its first category here and tells
 * recurring-issue detection. Reads as the story of one move: the status machine decides, the move's
 * own changes are gathered (routing, who works it, the answer's times, the SLA clock), the case is
 * written if nobody changed it since it was read, and the citizen is told when the move is theirs to hear.
 */
export async function applyTransition(
  c: CaseDoc,
  role: MachineActor,
  actor: Actor,
  command: TransitionCommand,
  now: Date,
  profile: string,
  principal?: Principal,
): Promise<{ updated: CaseDoc; notice: CitizenNotice | null }> {
  const { to } = decideTransition({ status: c.status, type: c.type, action: command.action, actor: { role }, resolvedAt: c.resolvedAt ?? null, now, input: command });
  const changes: CaseChanges = { set: { status: to, updatedAt: now }, unset: {} };
  if (command.action === 'route' || command.action === 'transfer') merge(changes, await routingChanges(c, command, now, profile));
  merge(changes, { set: { ...assigneeOnStart(c, command, principal), ...answerTimes(c, to, now) }, unset: {} });
  const category = (changes.set.category as string | undefined) ?? c.category;
  const clock = await clockChangesFor({ ...c, category }, to, command.action, now, profile, (changes.set.agency as string | undefined) ?? c.agency);
  merge(changes, clock);

  const note = (command.note ?? command.reason ?? undefined)?.trim() || undefined;
  const { set } = changes;
  const entry: HistoryEntry = {
    at: now,
    actor,
    event: command.action === 'transfer' ? 'transferred' : 'status_changed',
    from: c.status,
    to,
    note,
    visibility: 'public',
    data: { action: command.action, ...(set.agency ? { agency: set.agency } : {}), ...(set.category ? { category: set.category } : {}), ...clock.note },
  };
  const updated = await writeIfUnchanged(c, changes, entry);
  return { updated, notice: transitionNotice(updated, command.action, note ?? null) };
}

function merge(into: CaseChanges, more: CaseChanges): void {
  Object.assign(into.set, more.set);
  Object.assign(into.unset, more.unset);
}

/**
 * Routing out of triage or transferring: to an agency that exists (a transfer to another one), with
 * the category staff may fix as they route. The routing record says a person corrected it: the
 * classifier learns from the corrected pair. The case leaves its assignee behind.
 */
async function routingChanges(c: CaseDoc, command: TransitionCommand, now: Date, profile: string): Promise<CaseChanges> {
  const agency = await findAgency(profile, command.agency ?? '');
  if (!agency) throw new ValidationError([{ field: 'agency', code: 'UNKNOWN_AGENCY', message: 'This agency does not exist.' }]);
  if (!(await agencyOffered(profile, agency.code))) throw new ValidationError([{ field: 'agency', code: 'AGENCY_NOT_OFFERED', message: 'This agency is retired: choose one in use.' }]);
  if (command.action === 'transfer' && agency.code === c.agency) {
    throw new ValidationError([{ field: 'agency', code: 'SAME_AGENCY', message: 'The case is already with this agency.' }]);
  }
  const set: Record<string, unknown> = { agency: agency.code };
  if (command.category) {
    const { category, notOffered } = await lookupCodes(profile, { category: command.category }, now);
    if (!category) throw new ValidationError([{ field: 'category', code: notOffered.category ? 'CATEGORY_NOT_OFFERED' : 'UNKNOWN_CODE', message: notOffered.category ? 'This category is not offered now.' : 'This category does not exist.' }]);
    set.category = category.code;
  }
  set.routing = { method: 'manual', confidence: null, reason: command.action === 'transfer' ? 'transfer' : 'triage', routedAt: now, correctedFrom: { agency: c.agency ?? null, category: c.category ?? null, method: c.routing.method } };
  return { set, unset: { assignee: 1 } };
}

/** An officer or supervisor who starts an unassigned case takes it. */
function assigneeOnStart(c: CaseDoc, command: TransitionCommand, principal: Principal | undefined): Record<string, unknown> {
  if (command.action !== 'start' || c.assignee || !principal || (principal.role !== 'officer' && principal.role !== 'supervisor')) return {};
  return { assignee: { userId: principal.userId, name: principal.name } };
}

/** When the case was answered (and how long it took), and when it was closed, for reports. */
function answerTimes(c: CaseDoc, to: CaseStatus, now: Date): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  if (to === 'resolved') {
    set.resolvedAt = now;
    set.resolutionMinutes = Math.round((now.getTime() - new Date(c.createdAt).getTime()) / 60_000);
  }
  if (isTerminal(to)) set.closedAt = now;
  return set;
}

/** Writes the changes and their history entry only if nobody changed the case's status since it was read; the case as stored after. */
async function writeIfUnchanged(c: CaseDoc, { set, unset }: CaseChanges, entry: HistoryEntry): Promise<CaseDoc> {
  const result = await CaseModel.updateOne(
    { _id: c._id, status: c.status }, // only if nobody changed it since we read it
    withHistory({ $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, entry),
    { timestamps: false },
  );
  if (result.modifiedCount !== 1) throw new ConflictError('CASE_CHANGED', 'The case was changed by someone else. Reload it and try again.');
  return (await CaseModel.findById(c._id).lean<CaseDoc>())!;
}

const TELLS_CITIZEN: readonly CaseAction[] = ['resolve', 'request_information', 'reject', 'transfer', 'accept_suggestion', 'decline_suggestion', 'implement'];
// Citizens who follow the case are also told when work starts on the shared problem (notices.ts).
const TELLS_FOLLOWERS: readonly CaseAction[] = ['start'];

/** What the citizen hears of a move: the filer with the agency's note, followers only when work starts, or nothing. */
function transitionNotice(updated: CaseDoc, action: CaseAction, note: string | null): CitizenNotice | null {
  if (TELLS_CITIZEN.includes(action)) return noticeFor(updated, action, note);
  if (TELLS_FOLLOWERS.includes(action)) return { ...noticeFor(updated, action, null), followersOnly: true };
  return null;
}

/** Staff who may be given this case: for a supervisor of its agency, the agency's active officers by name; for anyone else, none. */
export async function assignableOfficers(p: Principal, c: CaseDoc): Promise<{ id: string; name: string }[]> {
  if (p.role !== 'supervisor' || c.agency !== p.agency) return [];
  const officers = await UserModel.find({ agency: p.agency, role: 'officer', disabledAt: null }).sort({ name: 1, _id: 1 }).lean();
  return officers.map((u) => ({ id: u._id.toHexString(), name: u.name }));
}

function noticeFor(c: CaseDoc, event: CitizenNotice['event'], message: string | null): CitizenNotice {
  return { caseId: c._id.toHexString(), reference: c.reference, to: c.contact.email, language: c.language, event, message };
}

/** A staff reply: public (the citizen sees it and is emailed) or an internal note (never shown to citizens). */
export async function replyToCase(p: Principal, referenceInput: unknown, reply: { message: string; visibility: 'public' | 'internal' }, now: Date): Promise<ActResult> {
  const c = await findCaseFor(p, referenceInput);
  if (!canReplyOn(p, c)) throw new ForbiddenError('ACTION_NOT_ALLOWED', 'Only staff of the agency handling this case can reply to it.');
  const entry: HistoryEntry = { at: now, actor: actorOf(p), event: 'message', note: reply.message, visibility: reply.visibility };
  const firstResponse = reply.visibility === 'public' ? await firstResponseChanges(c, 'public_reply', now) : {};
  await CaseModel.updateOne({ _id: c._id }, withHistory({ $set: { ...firstResponse, updatedAt: now } }, entry), { timestamps: false });
  await changed(p, c, `reply:${reply.visibility}`, now);
  const updated = (await CaseModel.findById(c._id).lean<CaseDoc>())!;
  return { view: staffView(p, updated, now, await clockView(updated, now)), notice: reply.visibility === 'public' ? noticeFor(updated, 'reply', reply.message) : null };
}

/** The owner rates the answer, once, within the rating window after resolution. */
export async function rateCase(p: Principal | 'owner-by-token', c: CaseDoc, rating: { score: number; comment?: string }, now: Date): Promise<void> {
  if (p !== 'owner-by-token' && machineActor(p, c) !== 'owner') throw new ForbiddenError('ACTION_NOT_ALLOWED', 'Only the citizen who filed the case can rate its answer.');
  if (!['resolved', 'closed'].includes(c.status) || !c.resolvedAt) throw new ConflictError('NOT_RESOLVED', 'A case can be rated once it has been answered.');
  if (!ratingWindowOpen(c.resolvedAt, now)) throw new ConflictError('RATING_WINDOW_CLOSED', 'The rating window has closed.');
  if (c.rating) throw new ConflictError('ALREADY_RATED', 'This answer has already been rated.');
  const result = await CaseModel.updateOne(
    { _id: c._id, status: c.status, rating: null },
    { $set: { rating: { score: rating.score, comment: rating.comment, at: now }, updatedAt: now } },
    { timestamps: false },
  );
  if (result.modifiedCount !== 1) throw new ConflictError('ALREADY_RATED', 'This answer has already been rated.');
}

export type { CaseStatus };

/** A supervisor gives the case to an officer (or supervisor) of the same agency. */
export async function assignCase(p: Principal, referenceInput: unknown, assigneeId: string, now: Date): Promise<ActResult> {
  const c = await findCaseFor(p, referenceInput);
  if (p.role !== 'supervisor' || c.agency !== p.agency) throw new ForbiddenError('ACTION_NOT_ALLOWED', 'Only a supervisor of the agency can assign its cases.');
  if (isTerminal(c.status)) throw new ConflictError('INVALID_TRANSITION', 'A closed case cannot be assigned.');
  const staff = await findStaffMember(assigneeId);
  if (!staff || staff.disabled || !['officer', 'supervisor'].includes(staff.role) || staff.agency !== c.agency) {
    throw new ValidationError([{ field: 'assignee', code: 'NOT_AGENCY_STAFF', message: 'Choose an active officer of this agency.' }]);
  }
  const entry: HistoryEntry = { at: now, actor: actorOf(p), event: 'assigned', note: staff.name, visibility: 'internal', data: { assignee: staff.id } };
  await CaseModel.updateOne({ _id: c._id }, withHistory({ $set: { assignee: { userId: staff.id, name: staff.name }, updatedAt: now } }, entry), { timestamps: false });
  await changed(p, c, 'assign', now);
  return { view: await staffViewOf(p, (await CaseModel.findById(c._id).lean<CaseDoc>())!, now), notice: null };
}

/**
 * Closes answered cases whose rating window has passed (status machine: close_after_rating_window,
 * by the system). An indexed query on (status, resolvedAt), in batches; safe to run from several
 * instances, since each close is conditional on the status read.
 */
export async function closeAfterRatingWindow(now: Date, profile: string, batch = 200): Promise<number> {
  const cutoff = ratingWindowCutoff(now);
  const due = await CaseModel.find({ status: 'resolved', resolvedAt: lte(cutoff) }).sort({ resolvedAt: 1, _id: 1 }).limit(batch).lean<CaseDoc[]>();
  let closed = 0;
  for (const c of due) {
    try {
      await applyTransition(c, 'system', { kind: 'system' }, { action: 'close_after_rating_window' }, now, profile);
      closed++;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err; // someone acted on it meanwhile: leave it
    }
  }
  return closed;
}

/**
 * A supervisor of the agency changes the priority. The clock keeps its start and paused time but
 * takes the targets of the policy for the new priority; the history says so.
 */
export async function setPriority(p: Principal, referenceInput: unknown, priority: Priority, now: Date, profile: string): Promise<ActResult> {
  const c = await findCaseFor(p, referenceInput);
  if (p.role !== 'supervisor' || c.agency !== p.agency) throw new ForbiddenError('ACTION_NOT_ALLOWED', 'Only a supervisor of the agency can change the priority of its cases.');
  if (isTerminal(c.status) || c.status === 'resolved') throw new ConflictError('INVALID_TRANSITION', 'The priority of an answered or closed case cannot change.');
  if ((c.priority ?? 'normal') === priority) throw new ValidationError([{ field: 'priority', code: 'SAME_PRIORITY', message: 'The case already has this priority.' }]);
  const set: Record<string, unknown> = { priority, updatedAt: now };
  const data: Record<string, unknown> = { from: c.priority ?? 'normal', to: priority };
  if (c.sla && c.dueAt) {
    const fresh = await newClock(profile, { agency: c.agency ?? undefined, category: c.category ?? undefined, type: c.type, priority }, c.sla.startedAt);
    const { calendar } = await getCalendarEntryCached(fresh.sla.calendar);
    const old = storedClock(c)!;
    const moved = recomputeClock(calendar, fresh.sla.calendarRevision, { ...fresh.sla, pausedAt: old.pausedAt, pausedWorkingMinutes: old.pausedWorkingMinutes, level: old.level });
    set.dueAt = moved.dueAt;
    set.firstResponseDueAt = moved.firstResponseDueAt;
    set.sla = moved.sla;
    Object.assign(data, { dueAtBefore: c.dueAt, dueAtAfter: moved.dueAt });
  }
  const entry: HistoryEntry = { at: now, actor: actorOf(p), event: 'priority_changed', from: c.priority ?? 'normal', to: priority, visibility: 'internal', data };
  const result = await CaseModel.updateOne({ _id: c._id, status: c.status, updatedAt: c.updatedAt }, withHistory({ $set: set }, entry), { timestamps: false });
  if (result.modifiedCount !== 1) throw new ConflictError('CASE_CHANGED', 'The case was changed by someone else. Reload it and try again.');
  await changed(p, c, `priority:${priority}`, now);
  return { view: await staffViewOf(p, (await CaseModel.findById(c._id).lean<CaseDoc>())!, now), notice: null };
}
