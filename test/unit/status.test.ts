import { expect } from 'chai';
import { CASE_STATUSES, CASE_TYPES, type CaseStatus, type CaseType } from '../../src/cases/case.model.js';
import {
  ACTIONS,
  allowedActions,
  decideTransition,
  MACHINE_ACTORS,
  RATING_WINDOW_DAYS,
  ratingWindowCutoff,
  ratingWindowOpen,
  REOPEN_WINDOW_DAYS,
  TERMINAL_STATUSES,
  TRANSITIONS,
  type CaseAction,
  type MachineActor,
  type TransitionInput,
} from '../../src/cases/status.js';
import { AppError, ConflictError, ForbiddenError, ValidationError } from '../../src/shared/errors.js';

const DAY = 24 * 60 * 60 * 1000;
const RESOLVED_AT = new Date('2025-03-01T10:00:00+03:00');
const day = (n: number): Date => new Date(RESOLVED_AT.getTime() + n * DAY);
const FULL: TransitionInput = { note: 'We repaired the street light.', reason: 'Not our jurisdiction.', agency: 'EWA' };

interface Case {
  when: string;
  status: CaseStatus;
  type?: CaseType;
  action: CaseAction;
  actor: MachineActor;
  input?: TransitionInput;
  resolvedAt?: Date | null;
  now?: Date;
}

function attempt(c: Case): { to: CaseStatus } | AppError {
  try {
    return decideTransition({
      status: c.status,
      type: c.type ?? 'complaint',
      action: c.action,
      actor: { role: c.actor },
      input: c.input ?? FULL,
      resolvedAt: c.resolvedAt === undefined ? RESOLVED_AT : c.resolvedAt,
      now: c.now ?? day(1),
    });
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
}

function rowIndexOf(c: Case): number {
  const type = c.type ?? 'complaint';
  return TRANSITIONS.findIndex((t) => t.action === c.action && t.from.includes(c.status) && (t.caseTypes === 'all' || t.caseTypes.includes(type)));
}

const allowed: (Case & { to: CaseStatus })[] = [
  { when: 'the routing rule finds no agency for a new case', status: 'submitted', action: 'send_to_triage', actor: 'system', input: {}, to: 'triage' },
  { when: 'the routing rule finds the agency of a new case', status: 'submitted', action: 'route', actor: 'system', input: { agency: 'EWA' }, to: 'assigned' },
  { when: 'an agent routes a triage case', status: 'triage', action: 'route', actor: 'agent', input: { agency: 'MOH' }, to: 'assigned' },
  { when: 'a supervisor routes a triage case', status: 'triage', action: 'route', actor: 'supervisor', input: { agency: 'MOH' }, to: 'assigned' },
  { when: 'the classifier routes a triage case', status: 'triage', action: 'route', actor: 'system', input: { agency: 'MOH' }, to: 'assigned' },
  { when: 'an officer starts an assigned case', status: 'assigned', action: 'start', actor: 'officer', input: {}, to: 'in_progress' },
  { when: 'a supervisor starts a reopened case', status: 'reopened', action: 'start', actor: 'supervisor', input: {}, to: 'in_progress' },
  { when: 'an officer resumes a case awaiting the citizen', status: 'awaiting_citizen', action: 'start', actor: 'officer', input: {}, to: 'in_progress' },
  { when: 'an officer asks the citizen for information', status: 'in_progress', action: 'request_information', actor: 'officer', input: {}, to: 'awaiting_citizen' },
  { when: 'the owner answers a request for information', status: 'awaiting_citizen', action: 'citizen_reply', actor: 'owner', input: {}, to: 'in_progress' },
  { when: 'an agent relays a caller’s answer', status: 'awaiting_citizen', action: 'citizen_reply', actor: 'agent', input: {}, to: 'in_progress' },
  { when: 'an officer answers an inquiry at once', status: 'assigned', type: 'inquiry', action: 'resolve', actor: 'officer', input: { note: 'Open 8–2.' }, to: 'resolved' },
  { when: 'an officer resolves a complaint in progress', status: 'in_progress', action: 'resolve', actor: 'officer', input: { note: 'Fixed.' }, to: 'resolved' },
  { when: 'a supervisor resolves a case whose citizen never answered', status: 'awaiting_citizen', action: 'resolve', actor: 'supervisor', input: { note: 'Done.' }, to: 'resolved' },
  { when: 'an officer answers a suggestion without a study', status: 'in_progress', type: 'suggestion', action: 'resolve', actor: 'officer', input: { note: 'Already exists.' }, to: 'resolved' },
  { when: 'the owner accepts the resolution', status: 'resolved', action: 'accept_resolution', actor: 'owner', input: {}, now: day(2), to: 'closed' },
  { when: 'the sweep runs when the rating window ends', status: 'resolved', action: 'close_after_rating_window', actor: 'system', input: {}, now: day(RATING_WINDOW_DAYS), to: 'closed' },
  { when: 'the owner reopens on day 13 with a reason', status: 'resolved', action: 'reopen', actor: 'owner', input: { reason: 'Still broken.' }, now: day(13), to: 'reopened' },
  { when: 'a supervisor rejects a triage case as out of scope', status: 'triage', action: 'reject', actor: 'supervisor', input: { reason: 'Private dispute.' }, to: 'rejected' },
  { when: 'an officer rejects an assigned case as out of scope', status: 'assigned', action: 'reject', actor: 'officer', input: { reason: 'Private dispute.' }, to: 'rejected' },
  { when: 'an officer rejects a case in progress', status: 'in_progress', action: 'reject', actor: 'officer', input: { reason: 'Abusive.' }, to: 'rejected' },
  { when: 'a supervisor rejects a case awaiting the citizen', status: 'awaiting_citizen', action: 'reject', actor: 'supervisor', input: { reason: 'Court case.' }, to: 'rejected' },
  { when: 'an officer transfers an assigned case', status: 'assigned', action: 'transfer', actor: 'officer', input: { agency: 'EWA', reason: 'Power line.' }, to: 'assigned' },
  { when: 'an officer transfers a case in progress', status: 'in_progress', action: 'transfer', actor: 'officer', input: { agency: 'EWA', reason: 'x' }, to: 'assigned' },
  { when: 'a supervisor transfers a case awaiting the citizen', status: 'awaiting_citizen', action: 'transfer', actor: 'supervisor', input: { agency: 'EWA', reason: 'x' }, to: 'assigned' },
  { when: 'an officer transfers a reopened case', status: 'reopened', action: 'transfer', actor: 'officer', input: { agency: 'EWA', reason: 'x' }, to: 'assigned' },
  { when: 'an officer transfers a suggestion under study', status: 'under_study', type: 'suggestion', action: 'transfer', actor: 'officer', input: { agency: 'EWA', reason: 'x' }, to: 'assigned' },
  { when: 'an officer puts an assigned suggestion under study', status: 'assigned', type: 'suggestion', action: 'study', actor: 'officer', input: {}, to: 'under_study' },
  { when: 'a supervisor puts a suggestion in progress under study', status: 'in_progress', type: 'suggestion', action: 'study', actor: 'supervisor', input: {}, to: 'under_study' },
  { when: 'a supervisor accepts a studied suggestion', status: 'under_study', type: 'suggestion', action: 'accept_suggestion', actor: 'supervisor', input: { note: 'In 2026 budget.' }, to: 'accepted' },
  { when: 'a supervisor declines a studied suggestion', status: 'under_study', type: 'suggestion', action: 'decline_suggestion', actor: 'supervisor', input: { note: 'Not feasible.' }, to: 'declined' },
  { when: 'a supervisor declines an accepted suggestion that proved infeasible', status: 'accepted', type: 'suggestion', action: 'decline_suggestion', actor: 'supervisor', input: { note: 'No budget.' }, to: 'declined' },
  { when: 'an officer marks an accepted suggestion implemented', status: 'accepted', type: 'suggestion', action: 'implement', actor: 'officer', input: {}, to: 'implemented' },
];

const denied: (Case & { code: string })[] = [
  { when: 'the owner tries to resolve', status: 'in_progress', action: 'resolve', actor: 'owner', code: 'ACTION_NOT_ALLOWED' },
  { when: 'a citizen who does not own the case tries to reopen it', status: 'resolved', action: 'reopen', actor: 'citizen', code: 'ACTION_NOT_ALLOWED' },
  { when: 'an officer tries to reopen', status: 'resolved', action: 'reopen', actor: 'officer', code: 'ACTION_NOT_ALLOWED' },
  { when: 'an agent tries to reopen for a caller', status: 'resolved', action: 'reopen', actor: 'agent', code: 'ACTION_NOT_ALLOWED' },
  { when: 'an agent tries to reject a triage case', status: 'triage', action: 'reject', actor: 'agent', code: 'ACTION_NOT_ALLOWED' },
  { when: 'an officer tries to route a triage case', status: 'triage', action: 'route', actor: 'officer', code: 'ACTION_NOT_ALLOWED' },
  { when: 'an agent tries to route a submitted case (intake is the system’s)', status: 'submitted', action: 'route', actor: 'agent', code: 'ACTION_NOT_ALLOWED' },
  { when: 'an officer tries to accept a suggestion', status: 'under_study', type: 'suggestion', action: 'accept_suggestion', actor: 'officer', code: 'ACTION_NOT_ALLOWED' },
  { when: 'a manager tries to resolve', status: 'in_progress', action: 'resolve', actor: 'manager', code: 'ACTION_NOT_ALLOWED' },
  { when: 'an administrator tries to transfer', status: 'assigned', action: 'transfer', actor: 'admin', code: 'ACTION_NOT_ALLOWED' },
  { when: 'the system tries to resolve', status: 'in_progress', action: 'resolve', actor: 'system', code: 'ACTION_NOT_ALLOWED' },
  { when: 'an officer tries the closing sweep', status: 'resolved', action: 'close_after_rating_window', actor: 'officer', now: day(20), code: 'ACTION_NOT_ALLOWED' },
  { when: 'a supervisor tries to accept the resolution for the citizen', status: 'resolved', action: 'accept_resolution', actor: 'supervisor', code: 'ACTION_NOT_ALLOWED' },
  { when: 'an officer resolves without a note', status: 'in_progress', action: 'resolve', actor: 'officer', input: {}, code: 'VALIDATION_FAILED' },
  { when: 'an officer resolves with a blank note', status: 'in_progress', action: 'resolve', actor: 'officer', input: { note: '   ' }, code: 'VALIDATION_FAILED' },
  { when: 'an officer rejects without a reason', status: 'assigned', action: 'reject', actor: 'officer', input: { note: 'n' }, code: 'VALIDATION_FAILED' },
  { when: 'the owner reopens without a reason', status: 'resolved', action: 'reopen', actor: 'owner', input: {}, code: 'VALIDATION_FAILED' },
  { when: 'an agent routes without an agency', status: 'triage', action: 'route', actor: 'agent', input: {}, code: 'VALIDATION_FAILED' },
  { when: 'a supervisor declines a suggestion without a note', status: 'under_study', type: 'suggestion', action: 'decline_suggestion', actor: 'supervisor', input: {}, code: 'VALIDATION_FAILED' },
  { when: 'the owner reopens on day 15', status: 'resolved', action: 'reopen', actor: 'owner', now: day(15), code: 'REOPEN_WINDOW_CLOSED' },
  { when: 'the owner reopens exactly 14 days after resolution', status: 'resolved', action: 'reopen', actor: 'owner', now: day(REOPEN_WINDOW_DAYS), code: 'REOPEN_WINDOW_CLOSED' },
  { when: 'the owner reopens a case with no resolution time', status: 'resolved', action: 'reopen', actor: 'owner', resolvedAt: null, code: 'INVALID_TRANSITION' },
  { when: 'the sweep runs one millisecond before the window ends', status: 'resolved', action: 'close_after_rating_window', actor: 'system', now: new Date(day(RATING_WINDOW_DAYS).getTime() - 1), code: 'RATING_WINDOW_OPEN' },
  { when: 'a suggestion-only action is taken on a complaint', status: 'assigned', action: 'study', actor: 'officer', code: 'INVALID_TRANSITION' },
  { when: 'a suggestion decision is taken on an inquiry', status: 'assigned', type: 'inquiry', action: 'accept_suggestion', actor: 'supervisor', code: 'INVALID_TRANSITION' },
  { when: 'a submitted case is resolved before routing', status: 'submitted', action: 'resolve', actor: 'officer', code: 'INVALID_TRANSITION' },
  { when: 'a triage case is resolved with no agency', status: 'triage', action: 'resolve', actor: 'supervisor', code: 'INVALID_TRANSITION' },
  { when: 'a reopened case is resolved without being started', status: 'reopened', action: 'resolve', actor: 'officer', code: 'INVALID_TRANSITION' },
  { when: 'a reopened case is rejected', status: 'reopened', action: 'reject', actor: 'officer', code: 'INVALID_TRANSITION' },
  { when: 'a resolved case is rejected', status: 'resolved', action: 'reject', actor: 'supervisor', code: 'INVALID_TRANSITION' },
  { when: 'a suggestion under study is resolved instead of decided', status: 'under_study', type: 'suggestion', action: 'resolve', actor: 'supervisor', code: 'INVALID_TRANSITION' },
  { when: 'a suggestion under study is rejected', status: 'under_study', type: 'suggestion', action: 'reject', actor: 'supervisor', code: 'INVALID_TRANSITION' },
  { when: 'the owner replies when nothing was asked', status: 'in_progress', action: 'citizen_reply', actor: 'owner', code: 'INVALID_TRANSITION' },
  { when: 'information is requested on an assigned case not yet started', status: 'assigned', action: 'request_information', actor: 'officer', code: 'INVALID_TRANSITION' },
  { when: 'a suggestion not yet accepted is implemented', status: 'under_study', type: 'suggestion', action: 'implement', actor: 'officer', code: 'INVALID_TRANSITION' },
  // The order of checks: the case first, then who asks, then when, then what was sent.
  { when: 'a stranger acts on a terminal case', status: 'closed', action: 'resolve', actor: 'manager', code: 'INVALID_TRANSITION' },
  { when: 'an officer reopens after the window', status: 'resolved', action: 'reopen', actor: 'officer', now: day(20), code: 'ACTION_NOT_ALLOWED' },
  { when: 'the owner reopens after the window without a reason', status: 'resolved', action: 'reopen', actor: 'owner', input: {}, now: day(20), code: 'REOPEN_WINDOW_CLOSED' },
];

describe('case status machine: allowed transitions', () => {
  for (const c of allowed) {
    it(`when ${c.when}, then the case becomes ${c.to}`, () => {
      expect(attempt(c)).to.deep.equal({ to: c.to });
      expect(allowedActions({ status: c.status, type: c.type ?? 'complaint', actor: { role: c.actor }, resolvedAt: RESOLVED_AT, now: c.now ?? day(1) })).to.include(c.action);
    });
  }

  it('when the named cases are matched to the table, then every row is exercised at least once', () => {
    const hit = new Set(allowed.map(rowIndexOf));
    const missed = TRANSITIONS.map((t, i) => ({ i, t })).filter(({ i }) => !hit.has(i)).map(({ t }) => `${t.action} from ${t.from.join('|')}`);
    expect(missed).to.deep.equal([]);
  });

  it('when every from-status of every row is tried with a permitted actor, then it succeeds with full inputs', () => {
    for (const t of TRANSITIONS) {
      const type = t.caseTypes === 'all' ? 'complaint' : t.caseTypes[0]!;
      const now = t.time?.allowed === 'after' ? day(t.time.days) : day(1);
      for (const status of t.from) for (const actor of t.actors) expect(attempt({ when: '', status, type, action: t.action, actor, now }), `${t.action} ${status} ${actor}`).to.deep.equal({ to: t.to });
    }
  });
});

describe('case status machine: denials', () => {
  for (const c of denied) {
    it(`when ${c.when}, then it is refused with ${c.code}`, () => {
      const result = attempt(c);
      expect(result).to.be.instanceOf(AppError);
      expect((result as AppError).code).to.equal(c.code);
      const expectedClass = c.code === 'ACTION_NOT_ALLOWED' ? ForbiddenError : c.code === 'VALIDATION_FAILED' ? ValidationError : ConflictError;
      expect(result).to.be.instanceOf(expectedClass);
    });
  }

  for (const status of TERMINAL_STATUSES) {
    it(`when any action is tried on a ${status} case by anyone, then it is INVALID_TRANSITION and no button is shown`, () => {
      for (const type of CASE_TYPES)
        for (const action of ACTIONS)
          for (const actor of MACHINE_ACTORS) {
            const result = attempt({ when: '', status, type, action, actor, now: day(3) });
            expect((result as AppError).code, `${type} ${action} ${actor}`).to.equal('INVALID_TRANSITION');
            expect(allowedActions({ status, type, actor: { role: actor }, resolvedAt: RESOLVED_AT, now: day(3) })).to.deep.equal([]);
          }
    });
  }

  it('when a transfer has neither agency nor reason, then both are reported as any.required', () => {
    const result = attempt({ when: '', status: 'assigned', action: 'transfer', actor: 'officer', input: { note: 'x' } }) as ValidationError;
    expect(result.code).to.equal('VALIDATION_FAILED');
    expect(result.details?.map((d) => [d.field, d.code])).to.deep.equal([
      ['agency', 'any.required'],
      ['reason', 'any.required'],
    ]);
  });

  it('when an action is refused as invalid, then its params name the action, status and type for the localised message', () => {
    const result = attempt({ when: '', status: 'closed', type: 'inquiry', action: 'reopen', actor: 'owner' }) as ConflictError;
    expect(result.params).to.deep.equal({ action: 'reopen', status: 'closed', type: 'inquiry' });
  });
});

describe('case status machine: the table', () => {
  it('when an action, a from-status and a case type are given, then at most one row applies', () => {
    for (const status of CASE_STATUSES)
      for (const type of CASE_TYPES)
        for (const action of ACTIONS) {
          const rows = TRANSITIONS.filter((t) => t.action === action && t.from.includes(status) && (t.caseTypes === 'all' || t.caseTypes.includes(type)));
          expect(rows.length, `${action} from ${status} for ${type}`).to.be.at.most(1);
        }
  });

  it('when the terminal statuses are compared with the table, then they are exactly the statuses no row leaves', () => {
    const left = new Set(TRANSITIONS.flatMap((t) => t.from));
    expect(CASE_STATUSES.filter((s) => !left.has(s))).to.have.members([...TERMINAL_STATUSES]);
  });

  it('when the table is read, then every status, action, actor and input in it is a known one', () => {
    for (const t of TRANSITIONS) {
      expect(ACTIONS).to.include(t.action);
      expect(CASE_STATUSES).to.include(t.to);
      for (const s of t.from) expect(CASE_STATUSES).to.include(s);
      for (const a of t.actors) expect(MACHINE_ACTORS).to.include(a);
      for (const r of t.requires) expect(['note', 'reason', 'agency']).to.include(r);
    }
    expect(new Set(TRANSITIONS.map((t) => t.action))).to.have.lengthOf(ACTIONS.length);
  });

  it('when the table is changed at run time, then the change is refused (it is read-only)', () => {
    expect(() => (TRANSITIONS as unknown as unknown[]).push({})).to.throw(TypeError);
    expect(() => (TRANSITIONS[0]!.actors as unknown as string[]).push('citizen')).to.throw(TypeError);
    expect(() => {
      (TRANSITIONS[0] as { to: string }).to = 'closed';
    }).to.throw(TypeError);
  });

  it('when the plain citizen role is looked for, then no row lists it (only the owner acts)', () => {
    expect(TRANSITIONS.filter((t) => t.actors.includes('citizen'))).to.deep.equal([]);
  });
});

describe('case status machine: allowed actions (the buttons)', () => {
  const ctx = (status: CaseStatus, actor: MachineActor, now = day(1), type: CaseType = 'complaint') => ({ status, type, actor: { role: actor }, resolvedAt: RESOLVED_AT, now });

  it('when an officer looks at a complaint in progress, then they see request information, resolve, reject and transfer', () => {
    expect(allowedActions(ctx('in_progress', 'officer'))).to.deep.equal(['request_information', 'resolve', 'reject', 'transfer']);
  });

  it('when an officer looks at a suggestion in progress, then study is offered too', () => {
    expect(allowedActions(ctx('in_progress', 'officer', day(1), 'suggestion'))).to.deep.equal(['request_information', 'resolve', 'reject', 'transfer', 'study']);
  });

  it('when the owner looks at a resolved case on day 3, then they may accept or reopen', () => {
    expect(allowedActions(ctx('resolved', 'owner', day(3)))).to.deep.equal(['accept_resolution', 'reopen']);
  });

  it('when the owner looks at a resolved case on day 15, then only accepting is left', () => {
    expect(allowedActions(ctx('resolved', 'owner', day(15)))).to.deep.equal(['accept_resolution']);
  });

  it('when the system looks at a resolved case before and after the rating window, then closing appears only after', () => {
    expect(allowedActions(ctx('resolved', 'system', day(13)))).to.deep.equal([]);
    expect(allowedActions(ctx('resolved', 'system', day(14)))).to.deep.equal(['close_after_rating_window']);
  });

  it('when a manager or an administrator looks at any case, then no action is offered', () => {
    for (const status of CASE_STATUSES)
      for (const actor of ['manager', 'admin'] as const) expect(allowedActions(ctx(status, actor, day(20), 'suggestion'))).to.deep.equal([]);
  });
});

describe('case status machine: the rating window', () => {
  const edge = day(RATING_WINDOW_DAYS);
  const justBefore = new Date(edge.getTime() - 1);
  const closing = (now: Date) => allowedActions({ status: 'resolved', type: 'complaint', actor: { role: 'system' }, resolvedAt: RESOLVED_AT, now }).includes('close_after_rating_window');

  it('when it is one millisecond before 14 days after the answer, then the citizen may rate and the sweep may not close', () => {
    expect([ratingWindowOpen(RESOLVED_AT, justBefore), closing(justBefore)]).to.deep.equal([true, false]);
  });

  it('when it is exactly 14 days after the answer, then rating is over and the sweep may close: one or the other, never both', () => {
    expect([ratingWindowOpen(RESOLVED_AT, edge), closing(edge)]).to.deep.equal([false, true]);
  });

  it("when the sweep's cutoff is taken at the edge, then the case resolved exactly 14 days before falls on it", () => {
    expect(ratingWindowCutoff(edge).getTime()).to.equal(RESOLVED_AT.getTime());
    expect(ratingWindowCutoff(justBefore).getTime()).to.be.below(RESOLVED_AT.getTime());
  });
});
