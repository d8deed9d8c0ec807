/**
 * The review of a recurring issue (pure): which move takes an issue from which status to which, who
 * may make it, and what it needs. The table is the rule, as for cases (src/cases/status.ts).
 *
 *   flagged → under_review → action_planned → monitoring → resolved
 *                                                 ↘ recurred (a similar case arrived while monitoring)
 *   recurred → under_review | action_planned;  any open status → dismissed (with a reason)
 *
 * `resolve` is the system's, once the monitoring period has passed with no similar case; `recur` is
 * the system's, when one arrives. People plan, start monitoring, dismiss and reopen the review.
 */
import { ConflictError, ForbiddenError, ValidationError, type ErrorDetail } from '../shared/errors.js';

export const ISSUE_STATUSES = ['flagged', 'under_review', 'action_planned', 'monitoring', 'resolved', 'recurred', 'dismissed'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

export const ISSUE_ACTIONS = ['start_review', 'plan_action', 'start_monitoring', 'resolve', 'recur', 'dismiss'] as const;
export type IssueAction = (typeof ISSUE_ACTIONS)[number];

export type ReviewActor = 'supervisor' | 'manager' | 'system';

export const DISMISS_REASONS = ['not_same_problem', 'already_known', 'out_of_scope', 'duplicate_issue', 'other'] as const;

/** Default monitoring period: resolved when no similar case arrives for this many days. */
export const MONITORING_DAYS = 30;

interface Row {
  action: IssueAction;
  from: readonly IssueStatus[];
  to: IssueStatus;
  actors: readonly ReviewActor[];
}

const PEOPLE: readonly ReviewActor[] = ['supervisor', 'manager'];

const TABLE: readonly Row[] = Object.freeze([
  { action: 'start_review', from: ['flagged', 'recurred'], to: 'under_review', actors: PEOPLE },
  { action: 'plan_action', from: ['under_review', 'recurred'], to: 'action_planned', actors: PEOPLE },
  { action: 'start_monitoring', from: ['action_planned'], to: 'monitoring', actors: PEOPLE },
  { action: 'resolve', from: ['monitoring'], to: 'resolved', actors: ['system'] },
  { action: 'recur', from: ['monitoring', 'resolved'], to: 'recurred', actors: ['system'] },
  { action: 'dismiss', from: ['flagged', 'under_review', 'action_planned', 'monitoring', 'recurred'], to: 'dismissed', actors: PEOPLE },
] as Row[]);

export interface ActionPlan {
  rootCause: string;
  correctiveAction: string;
  ownerAgency: string;
  /** YYYY-MM-DD */
  targetDate: string;
}

export interface ReviewInput {
  plan?: Partial<ActionPlan>;
  reason?: string;
  note?: string;
}

export interface ReviewContext {
  status: IssueStatus;
  action: IssueAction;
  actor: ReviewActor;
  input?: ReviewInput;
  /** For `resolve`: when monitoring started and the last similar case arrived. */
  monitoringSince?: Date | null;
  lastSeenAt?: Date | null;
  now: Date;
  monitoringDays?: number;
}

const blank = (s: unknown): boolean => typeof s !== 'string' || s.trim() === '';

/** The status an action leads to, or the reason it may not be taken (stable codes, as for cases). */
export function decideReview(ctx: ReviewContext): { to: IssueStatus } {
  const row = TABLE.find((r) => r.action === ctx.action && r.from.includes(ctx.status));
  if (!row) throw new ConflictError('INVALID_TRANSITION', `An issue that is ${ctx.status} cannot take the action ${ctx.action}.`);
  if (!row.actors.includes(ctx.actor)) throw new ForbiddenError('ACTION_NOT_ALLOWED', `The action ${ctx.action} is not for ${ctx.actor}.`);
  const problems: ErrorDetail[] = [];
  if (ctx.action === 'plan_action') {
    const p = ctx.input?.plan ?? {};
    for (const field of ['rootCause', 'correctiveAction', 'ownerAgency', 'targetDate'] as const) {
      if (blank(p[field])) problems.push({ field: `plan.${field}`, code: 'any.required', message: `${field} is required to plan an action.` });
    }
    if (!blank(p.targetDate) && !/^\d{4}-\d{2}-\d{2}$/.test(p.targetDate!)) problems.push({ field: 'plan.targetDate', code: 'date.format', message: 'targetDate must be a date, YYYY-MM-DD.' });
  }
  if (ctx.action === 'dismiss' && (blank(ctx.input?.reason) || !(DISMISS_REASONS as readonly string[]).includes(ctx.input!.reason!.trim()))) {
    problems.push({ field: 'reason', code: 'any.only', message: `A dismissal needs a reason: ${DISMISS_REASONS.join(', ')}.` });
  }
  if (problems.length) throw new ValidationError(problems);
  if (ctx.action === 'resolve') {
    const days = ctx.monitoringDays ?? MONITORING_DAYS;
    const since = Math.max(ctx.monitoringSince?.getTime() ?? 0, ctx.lastSeenAt?.getTime() ?? 0);
    if (ctx.now.getTime() - since < days * 86_400_000) throw new ConflictError('MONITORING_NOT_OVER', `An issue is resolved only after ${days} days without a similar case.`);
  }
  return { to: row.to };
}

/** The actions open to an actor on an issue in a status (the buttons to show). */
export function reviewActions(status: IssueStatus, actor: ReviewActor): IssueAction[] {
  return TABLE.filter((r) => r.from.includes(status) && r.actors.includes(actor)).map((r) => r.action);
}

export const TERMINAL_ISSUE_STATUSES: readonly IssueStatus[] = ['dismissed'];
