import { expect } from 'chai';
import { decideReview, ISSUE_ACTIONS, ISSUE_STATUSES, reviewActions, type IssueAction, type IssueStatus, type ReviewActor } from '../../src/recurring/review.js';

const NOW = new Date('2026-11-23T08:00:00Z');
const DAY = 86_400_000;
const plan = { rootCause: 'A collapsed pipe under the main road', correctiveAction: 'Replace 40 m of the sewer line', ownerAgency: 'WORKS', targetDate: '2026-12-15' };
const code = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('recurring issues: the review', () => {
  it('when an issue goes the whole way, then each step leads where the table says', () => {
    const steps: [IssueStatus, IssueAction, ReviewActor, IssueStatus][] = [
      ['flagged', 'start_review', 'supervisor', 'under_review'],
      ['under_review', 'plan_action', 'manager', 'action_planned'],
      ['action_planned', 'start_monitoring', 'supervisor', 'monitoring'],
      ['monitoring', 'recur', 'system', 'recurred'],
      ['recurred', 'plan_action', 'supervisor', 'action_planned'],
    ];
    for (const [status, action, actor, to] of steps) expect(decideReview({ status, action, actor, input: { plan }, now: NOW }).to, `${status} ${action}`).to.equal(to);
  });

  it('when an action plan lacks a field or has a bad date, then every problem is named', () => {
    try {
      decideReview({ status: 'under_review', action: 'plan_action', actor: 'supervisor', input: { plan: { rootCause: ' ', ownerAgency: 'WORKS', targetDate: '15/12/2026' } }, now: NOW });
      expect.fail('should refuse');
    } catch (err) {
      expect((err as { details: { field: string }[] }).details.map((d) => d.field)).to.deep.equal(['plan.rootCause', 'plan.correctiveAction', 'plan.targetDate']);
    }
  });

  it('when an issue is dismissed without a known reason, then it is refused; with one, it is dismissed', () => {
    expect(code(() => decideReview({ status: 'flagged', action: 'dismiss', actor: 'manager', input: {}, now: NOW }))).to.equal('VALIDATION_FAILED');
    expect(code(() => decideReview({ status: 'flagged', action: 'dismiss', actor: 'manager', input: { reason: 'because' }, now: NOW }))).to.equal('VALIDATION_FAILED');
    expect(decideReview({ status: 'flagged', action: 'dismiss', actor: 'manager', input: { reason: 'not_same_problem' }, now: NOW }).to).to.equal('dismissed');
  });

  it('when monitoring has not lasted the period without a similar case, then it cannot be resolved yet', () => {
    const ctx = { status: 'monitoring' as const, action: 'resolve' as const, actor: 'system' as const };
    expect(code(() => decideReview({ ...ctx, monitoringSince: new Date(NOW.getTime() - 40 * DAY), lastSeenAt: new Date(NOW.getTime() - 10 * DAY), now: NOW }))).to.equal('MONITORING_NOT_OVER');
    expect(decideReview({ ...ctx, monitoringSince: new Date(NOW.getTime() - 31 * DAY), lastSeenAt: new Date(NOW.getTime() - 45 * DAY), now: NOW }).to).to.equal('resolved');
  });

  it('when people try the system\'s moves, or the system a person\'s, then it is 403; moves from the wrong status are 409', () => {
    expect(code(() => decideReview({ status: 'monitoring', action: 'resolve', actor: 'manager', now: NOW }))).to.equal('ACTION_NOT_ALLOWED');
    expect(code(() => decideReview({ status: 'flagged', action: 'start_review', actor: 'system', now: NOW }))).to.equal('ACTION_NOT_ALLOWED');
    expect(code(() => decideReview({ status: 'dismissed', action: 'start_review', actor: 'manager', now: NOW }))).to.equal('INVALID_TRANSITION');
    expect(code(() => decideReview({ status: 'flagged', action: 'start_monitoring', actor: 'manager', now: NOW }))).to.equal('INVALID_TRANSITION');
  });

  it('when the actions open to each actor are listed, then dismissed offers none and the system never dismisses', () => {
    for (const s of ISSUE_STATUSES) expect(reviewActions(s, 'system')).not.to.include('dismiss');
    expect(reviewActions('dismissed', 'manager')).to.deep.equal([]);
    expect(reviewActions('flagged', 'supervisor')).to.have.members(['start_review', 'dismiss']);
    expect(ISSUE_ACTIONS).to.include('recur');
  });
});
