/**
 * The case status machine (pure): which action moves a case from which status to which, for which
 * case types, who may take it, and what it needs. The table is the rule; the two functions only read
 * it. No I/O and no clock: `now` is passed in.
 *
 * Scoping is the caller's job, as for reads (./access.ts): an officer or supervisor acts only on
 * cases of their own agency, an agent only for the caller on the line, and the caller decides who is
 * the `owner` (the signed-in citizen whose case it is, or a guest holding the case's tracking code).
 * This module decides only by action, status, case type, role and time.
 *
 * Errors (stable codes; the HTTP layer localises by code):
 *   409 INVALID_TRANSITION   — the action does not exist from this status, or not for this case type;
 *   409 REOPEN_WINDOW_CLOSED — reopening after the 14 days (distinct, so the citizen can be told to
 *                              file a new case instead of being shown a generic refusal);
 *   409 RATING_WINDOW_OPEN   — the sweep tried to close a case whose rating window is still open;
 *   403 ACTION_NOT_ALLOWED   — the action exists here, but not for this actor;
 *   400 VALIDATION_FAILED    — a required input (note, reason, agency) is missing or blank.
 * They are checked in that order: what the case allows, then who asks, then when, then what was sent.
 */
import { CASE_STATUSES, CASE_TYPES, type CaseStatus, type CaseType } from './case.model.js';
import { ConflictError, ForbiddenError, ValidationError } from '../shared/errors.js';
import { ROLES, type Role } from '../shared/principal.js';

export const ACTIONS = [
  'send_to_triage',
  'route',
  'start',
  'request_information',
  'citizen_reply',
  'resolve',
  'accept_resolution',
  'close_after_rating_window',
  'reopen',
  'reject',
  'transfer',
  'study',
  'accept_suggestion',
  'decline_suggestion',
  'implement',
] as const;
export type CaseAction = (typeof ACTIONS)[number];

/**
 * Who acts: a role of ../users/principal.ts, `system` (the application's own routing and sweeps), or
 * `owner` (the citizen who owns the case). A signed-in citizen acting on their own case is `owner`;
 * the plain `citizen` role is never enough, so no row lists it.
 */
export type MachineActor = Role | 'system' | 'owner';
export const MACHINE_ACTORS: readonly MachineActor[] = Object.freeze([...ROLES, 'system', 'owner']);

export type RequiredInput = 'note' | 'reason' | 'agency';
export interface TransitionInput {
  /** Public text the citizen reads: the resolution note, or the answer to a suggestion. */
  note?: string | null;
  /** Why: rejection (out of scope), reopening, transfer. */
  reason?: string | null;
  /** Agency code: where routing or a transfer sends the case. */
  agency?: string | null;
}

/** Calendar days (not working days), counted from `resolvedAt` as 14 × 24 hours. */
export const REOPEN_WINDOW_DAYS = 14;
export const RATING_WINDOW_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A time rule on a row, measured from the case's `resolvedAt`. `within`: allowed while
 * now < resolvedAt + days; `after`: allowed once now ≥ resolvedAt + days. Reopen uses `within` and
 * the closing sweep `after` with the same 14 days, so at every instant exactly one of them is open.
 */
export interface TimeRule {
  allowed: 'within' | 'after';
  days: number;
  code: 'REOPEN_WINDOW_CLOSED' | 'RATING_WINDOW_OPEN';
}

export interface Transition {
  action: CaseAction;
  from: readonly CaseStatus[];
  to: CaseStatus;
  actors: readonly MachineActor[];
  caseTypes: 'all' | readonly CaseType[];
  requires: readonly RequiredInput[];
  time?: TimeRule;
}

const STAFF: readonly MachineActor[] = ['officer', 'supervisor'];
const SUGGESTION: readonly CaseType[] = ['suggestion'];

/**
 * The table. (action, from-status, case type) picks at most one row; a unit test holds that.
 * Managers and administrators have no row: they watch and configure, the agency's staff act.
 */
const TABLE: Transition[] = [
  // Intake: the routing rule (classification/rule.ts) either finds the agency or leaves the case for triage.
  { action: 'send_to_triage', from: ['submitted'], to: 'triage', actors: ['system'], caseTypes: 'all', requires: [] },
  { action: 'route', from: ['submitted'], to: 'assigned', actors: ['system'], caseTypes: 'all', requires: ['agency'] },
  // Triage: contact-centre agents and supervisors with triage rights route by hand; the classifier
  // (system) may too. Scoping "with triage rights" is the caller's.
  { action: 'route', from: ['triage'], to: 'assigned', actors: ['agent', 'supervisor', 'system'], caseTypes: 'all', requires: ['agency'] },
  // Working the case. `start` also resumes a reopened case, and an awaiting_citizen case when the
  // citizen answered outside the system (by phone to the officer) or the officer goes on without it.
  { action: 'start', from: ['assigned', 'reopened', 'awaiting_citizen'], to: 'in_progress', actors: STAFF, caseTypes: 'all', requires: [] },
  { action: 'request_information', from: ['in_progress'], to: 'awaiting_citizen', actors: STAFF, caseTypes: 'all', requires: [] },
  // The citizen answers; a contact-centre agent may relay the answer of a caller on the phone.
  { action: 'citizen_reply', from: ['awaiting_citizen'], to: 'in_progress', actors: ['owner', 'agent'], caseTypes: 'all', requires: [] },
  // Resolve with a public note. From `assigned`: an inquiry or compliment answered at once. From
  // `awaiting_citizen`: a citizen who never answers must not keep the case open forever; the agency
  // resolves on what it has and the citizen can still reopen. Not from `reopened`: it is started
  // again first, so the SLA clock and the history show the second round of work. Suggestions too,
  // before a formal study ("this already exists", "thank you, noted"); once under study the answer is
  // accept or decline instead.
  { action: 'resolve', from: ['assigned', 'in_progress', 'awaiting_citizen'], to: 'resolved', actors: STAFF, caseTypes: 'all', requires: ['note'] },
  // The citizen accepts the answer (any time while resolved), or the sweep closes it when the rating
  // window has passed.
  { action: 'accept_resolution', from: ['resolved'], to: 'closed', actors: ['owner'], caseTypes: 'all', requires: [] },
  {
    action: 'close_after_rating_window',
    from: ['resolved'],
    to: 'closed',
    actors: ['system'],
    caseTypes: 'all',
    requires: [],
    time: { allowed: 'after', days: RATING_WINDOW_DAYS, code: 'RATING_WINDOW_OPEN' },
  },
  // Only the citizen judges whether the answer answered them: not staff, not an agent on the phone.
  {
    action: 'reopen',
    from: ['resolved'],
    to: 'reopened',
    actors: ['owner'],
    caseTypes: 'all',
    requires: ['reason'],
    time: { allowed: 'within', days: REOPEN_WINDOW_DAYS, code: 'REOPEN_WINDOW_CLOSED' },
  },
  // Out of scope (not a government matter, a private dispute, abuse). From triage only a supervisor
  // may: it closes the door on a citizen before any agency has looked, which front-line agents should
  // not decide alone. Not from `submitted` (nobody has read it), nor `reopened` (the agency already
  // took it as in scope), nor `under_study` (a suggestion is declined, not rejected).
  { action: 'reject', from: ['triage'], to: 'rejected', actors: ['supervisor'], caseTypes: 'all', requires: ['reason'] },
  { action: 'reject', from: ['assigned', 'in_progress', 'awaiting_citizen'], to: 'rejected', actors: STAFF, caseTypes: 'all', requires: ['reason'] },
  // "Not our jurisdiction": to the other agency's queue, as assigned, whenever the case is being
  // worked (including after a reopening or during a study that shows it belongs elsewhere).
  {
    action: 'transfer',
    from: ['assigned', 'in_progress', 'awaiting_citizen', 'reopened', 'under_study'],
    to: 'assigned',
    actors: STAFF,
    caseTypes: 'all',
    requires: ['agency', 'reason'],
  },
  // Suggestions: a formal study, then a decision the agency commits to publicly. Accepting or
  // declining binds the agency, so it is the supervisor's; the answer is public, so it needs a note.
  // An accepted suggestion that proves infeasible can still be declined, with a note saying why.
  { action: 'study', from: ['assigned', 'in_progress'], to: 'under_study', actors: STAFF, caseTypes: SUGGESTION, requires: [] },
  { action: 'accept_suggestion', from: ['under_study'], to: 'accepted', actors: ['supervisor'], caseTypes: SUGGESTION, requires: ['note'] },
  { action: 'decline_suggestion', from: ['under_study', 'accepted'], to: 'declined', actors: ['supervisor'], caseTypes: SUGGESTION, requires: ['note'] },
  { action: 'implement', from: ['accepted'], to: 'implemented', actors: STAFF, caseTypes: SUGGESTION, requires: [] },
];

function freezeRow(row: Transition): Readonly<Transition> {
  Object.freeze(row.from);
  Object.freeze(row.actors);
  Object.freeze(row.requires);
  if (row.caseTypes !== 'all') Object.freeze(row.caseTypes);
  if (row.time) Object.freeze(row.time);
  return Object.freeze(row);
}

/** The transitions, read-only: for documentation and the authorization-matrix test. */
export const TRANSITIONS: readonly Readonly<Transition>[] = Object.freeze(TABLE.map(freezeRow));

/** No row leaves these: a new case is filed instead. A unit test holds this against the table. */
export const TERMINAL_STATUSES: readonly CaseStatus[] = Object.freeze(['closed', 'rejected', 'declined', 'implemented']);

export function isTerminal(status: CaseStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export interface TransitionContext {
  status: CaseStatus;
  type: CaseType;
  actor: { role: MachineActor };
  /** When the case was last resolved; needed by the reopen and rating-window rules. */
  resolvedAt?: Date | null;
  now: Date;
}

export interface TransitionRequest extends TransitionContext {
  action: CaseAction;
  input?: TransitionInput;
}

function findRow(status: CaseStatus, type: CaseType, action: CaseAction): Readonly<Transition> | undefined {
  return TRANSITIONS.find((t) => t.action === action && t.from.includes(status) && (t.caseTypes === 'all' || t.caseTypes.includes(type)));
}

type TimeVerdict = 'open' | 'closed' | 'unknown';

function timeVerdict(rule: TimeRule | undefined, resolvedAt: Date | null | undefined, now: Date): TimeVerdict {
  if (!rule) return 'open';
  const start = resolvedAt instanceof Date ? resolvedAt.getTime() : NaN;
  const at = now instanceof Date ? now.getTime() : NaN;
  if (Number.isNaN(start) || Number.isNaN(at)) return 'unknown';
  const end = start + rule.days * DAY_MS;
  const open = rule.allowed === 'within' ? at < end : at >= end;
  return open ? 'open' : 'closed';
}

/** The closing sweep's time rule: the one place the rating window's length and edge are read from. */
const CLOSE_AFTER_RATING = TABLE.find((t) => t.action === 'close_after_rating_window')!.time!;

/**
 * Whether the citizen may still rate the answer: while the sweep may not yet close the case
 * (now < resolvedAt + 14 days). Read from the close_after_rating_window row, so at every instant
 * exactly one of "rate" and "close after the window" is open, never both.
 */
export function ratingWindowOpen(resolvedAt: Date, now: Date): boolean {
  return timeVerdict(CLOSE_AFTER_RATING, resolvedAt, now) === 'closed';
}

/**
 * The sweep's cutoff: a resolved case whose `resolvedAt` is at or before it has its rating window
 * closed at `now` (resolvedAt ≤ cutoff ⇔ !ratingWindowOpen(resolvedAt, now)), for an indexed query.
 */
export function ratingWindowCutoff(now: Date): Date {
  return new Date(now.getTime() - CLOSE_AFTER_RATING.days * DAY_MS);
}

const LABELS: Readonly<Record<RequiredInput, string>> = { note: 'Note', reason: 'Reason', agency: 'Agency' };

function isGiven(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * Decides one transition: the status the case moves to, or the error that says why not.
 * The caller writes the change (and its history entry); this function only decides.
 */
export function decideTransition(req: TransitionRequest): { to: CaseStatus } {
  const { status, type, action, actor, now } = req;
  const row = CASE_STATUSES.includes(status) && CASE_TYPES.includes(type) ? findRow(status, type, action) : undefined;
  if (!row) {
    throw new ConflictError('INVALID_TRANSITION', `The action "${String(action)}" is not possible on a ${String(type)} case that is ${String(status)}.`, {
      action: String(action),
      status: String(status),
      type: String(type),
    });
  }
  if (!row.actors.includes(actor.role)) {
    throw new ForbiddenError('ACTION_NOT_ALLOWED', `The action "${action}" is not open to ${String(actor.role)} on this case.`);
  }
  const time = timeVerdict(row.time, req.resolvedAt, now);
  if (time === 'unknown') {
    throw new ConflictError('INVALID_TRANSITION', `The action "${action}" needs the time the case was resolved.`, { action, status, type });
  }
  if (time === 'closed' && row.time) {
    const message =
      row.time.code === 'REOPEN_WINDOW_CLOSED'
        ? `A case can be reopened only within ${row.time.days} days of its resolution.`
        : `The ${row.time.days}-day rating window has not passed yet.`;
    throw new ConflictError(row.time.code, message, { days: row.time.days });
  }
  const input: TransitionInput = req.input ?? {};
  const missing = row.requires.filter((field) => !isGiven(input[field]));
  if (missing.length > 0) {
    throw new ValidationError(missing.map((field) => ({ field, code: 'any.required', message: `${LABELS[field]} is required.` })));
  }
  return { to: row.to };
}

/**
 * The actions this actor may take on this case now, in table order: the buttons a page shows. Each
 * one succeeds through decideTransition once its required inputs are given.
 */
export function allowedActions(ctx: TransitionContext): CaseAction[] {
  return ACTIONS.filter((action) => {
    const row = findRow(ctx.status, ctx.type, action);
    return !!row && row.actors.includes(ctx.actor.role) && timeVerdict(row.time, ctx.resolvedAt, ctx.now) === 'open';
  });
}

/** What an action needs besides the case: for forms, and for tests that fill them. */
export function requiredInputs(status: CaseStatus, type: CaseType, action: CaseAction): readonly RequiredInput[] {
  return findRow(status, type, action)?.requires ?? [];
}
