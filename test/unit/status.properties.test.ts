import { expect } from 'chai';
import fc from 'fast-check';
import { CASE_STATUSES, CASE_TYPES, type CaseStatus, type CaseType } from '../../src/cases/case.model.js';
import {
  ACTIONS,
  allowedActions,
  decideTransition,
  isTerminal,
  MACHINE_ACTORS,
  requiredInputs,
  TERMINAL_STATUSES,
  TRANSITIONS,
  type CaseAction,
  type TransitionContext,
  type TransitionInput,
} from '../../src/cases/status.js';
import { AppError, ConflictError, ForbiddenError, ValidationError } from '../../src/shared/errors.js';

const DAY = 24 * 60 * 60 * 1000;
const BASE = Date.UTC(2024, 0, 1);
const FULL: TransitionInput = { note: 'Public answer.', reason: 'A reason.', agency: 'EWA' };

const statusArb = fc.constantFrom(...CASE_STATUSES);
const typeArb = fc.constantFrom(...CASE_TYPES);
const actionArb = fc.constantFrom(...ACTIONS);
const actorArb = fc.constantFrom(...MACHINE_ACTORS);
const textArb = fc.option(fc.oneof(fc.string(), fc.constantFrom('', '  ', '\n')), { nil: undefined });
const inputArb: fc.Arbitrary<TransitionInput> = fc.record({ note: textArb, reason: textArb, agency: textArb }, { requiredKeys: [] });
/** Times near the windows (most cases), or anything at all, missing and invalid dates included. */
const timesArb: fc.Arbitrary<{ resolvedAt: Date | undefined; now: Date }> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 0, max: 3650 * DAY }), fc.integer({ min: -DAY, max: 30 * DAY })).map(([r, off]) => ({ resolvedAt: new Date(BASE + r), now: new Date(BASE + r + off) })) },
  { weight: 1, arbitrary: fc.record({ resolvedAt: fc.option(fc.date(), { nil: undefined }), now: fc.date() }) },
);
const contextArb: fc.Arbitrary<TransitionContext> = fc
  .record({ status: statusArb, type: typeArb, role: actorArb, times: timesArb })
  .map(({ status, type, role, times }) => ({ status, type, actor: { role }, resolvedAt: times.resolvedAt, now: times.now }));

const EXPECTED_CODES: Record<string, readonly string[]> = {
  conflict: ['INVALID_TRANSITION', 'REOPEN_WINDOW_CLOSED', 'RATING_WINDOW_OPEN'],
  forbidden: ['ACTION_NOT_ALLOWED'],
  bad_request: ['VALIDATION_FAILED'],
};

function outcome(ctx: TransitionContext, action: CaseAction, input: TransitionInput): { to: CaseStatus } | AppError {
  try {
    return decideTransition({ ...ctx, action, input });
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
}

describe('case status machine: properties', () => {
  it('when anything is asked, then it either moves to a known status the buttons offered, or fails with one of the three error kinds', () => {
    fc.assert(
      fc.property(contextArb, actionArb, inputArb, (ctx, action, input) => {
        const result = outcome(ctx, action, input);
        if (result instanceof AppError) {
          expect(result instanceof ConflictError || result instanceof ForbiddenError || result instanceof ValidationError).to.equal(true);
          expect(EXPECTED_CODES[result.kind]).to.include(result.code);
          if (result instanceof ValidationError) {
            const required = requiredInputs(ctx.status, ctx.type, action);
            for (const d of result.details ?? []) expect([d.code, required.includes(d.field as 'note')]).to.deep.equal(['any.required', true]);
          }
        } else {
          expect(CASE_STATUSES).to.include(result.to);
          expect(allowedActions(ctx)).to.include(action);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('when a caller passes values outside the types (untyped JavaScript, stale data), then only the three error kinds come out', () => {
    const junk = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'toString', 'constructor'));
    fc.assert(
      fc.property(fc.oneof(statusArb, junk), fc.oneof(typeArb, junk), fc.oneof(actionArb, junk), fc.oneof(actorArb, junk), inputArb, timesArb, (status, type, action, role, input, times) => {
        const ctx = { status, type, actor: { role }, ...times } as unknown as TransitionContext;
        const result = outcome(ctx, action as CaseAction, input);
        if (result instanceof AppError) expect(EXPECTED_CODES[result.kind]).to.include(result.code);
        else expect(CASE_STATUSES).to.include(result.to);
        expect(ACTIONS).to.include.members(allowedActions(ctx));
      }),
      { numRuns: 1000 },
    );
  });

  it('when the buttons for a context are listed, then exactly those actions succeed once their required inputs are given', () => {
    fc.assert(
      fc.property(contextArb, (ctx) => {
        const offered = allowedActions(ctx);
        for (const action of ACTIONS) {
          const result = outcome(ctx, action, FULL);
          expect(result instanceof AppError ? null : action, `${action} from ${ctx.status}`).to.equal(offered.includes(action) ? action : null);
          if (offered.includes(action) && requiredInputs(ctx.status, ctx.type, action).length > 0) {
            expect((outcome(ctx, action, {}) as AppError).code).to.equal('VALIDATION_FAILED');
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('when a case takes any sequence of allowed actions from submitted, then once terminal it never moves again', () => {
    const stepArb = fc.record({ pick: fc.nat(), days: fc.integer({ min: 0, max: 20 }), ms: fc.nat({ max: DAY - 1 }) });
    fc.assert(
      fc.property(typeArb, fc.array(stepArb, { maxLength: 40 }), (type, steps) => {
        let status: CaseStatus = 'submitted';
        let resolvedAt: Date | undefined;
        let now = BASE;
        for (const step of steps) {
          now += step.days * DAY + step.ms;
          const choices = MACHINE_ACTORS.flatMap((role) => allowedActions({ status, type, actor: { role }, resolvedAt, now: new Date(now) }).map((action) => ({ role, action })));
          if (isTerminal(status)) {
            expect(choices, `from terminal ${status}`).to.deep.equal([]);
            for (const role of MACHINE_ACTORS)
              for (const action of ACTIONS) expect((outcome({ status, type, actor: { role }, resolvedAt, now: new Date(now) }, action, FULL) as AppError).code).to.equal('INVALID_TRANSITION');
            return;
          }
          expect(choices, `no way out of ${status}`).to.not.deep.equal([]);
          const choice = choices[step.pick % choices.length]!;
          const { to } = decideTransition({ status, type, action: choice.action, actor: { role: choice.role }, input: FULL, resolvedAt, now: new Date(now) });
          if (choice.action === 'resolve') resolvedAt = new Date(now);
          status = to;
        }
      }),
      { numRuns: 1000 },
    );
  });
});

/** Every status reachable from `from` for a case type, trying each actor just after a resolution and after both windows. */
function reachable(type: CaseType, from: CaseStatus): Set<CaseStatus> {
  const seen = new Set<CaseStatus>([from]);
  const queue: CaseStatus[] = [from];
  const resolvedAt = new Date(BASE);
  const times = [new Date(BASE + DAY), new Date(BASE + 15 * DAY)];
  while (queue.length > 0) {
    const status = queue.shift()!;
    for (const role of MACHINE_ACTORS)
      for (const now of times)
        for (const action of allowedActions({ status, type, actor: { role }, resolvedAt, now })) {
          const { to } = decideTransition({ status, type, action, actor: { role }, input: FULL, resolvedAt, now });
          if (!seen.has(to)) {
            seen.add(to);
            queue.push(to);
          }
        }
  }
  return seen;
}

describe('case status machine: reachability', () => {
  const SUGGESTION_ONLY: CaseStatus[] = ['under_study', 'accepted', 'declined', 'implemented'];

  it('when every path from submitted is followed for each case type, then every non-terminal status is reachable', () => {
    const union = new Set(CASE_TYPES.flatMap((type) => [...reachable(type, 'submitted')]));
    expect(CASE_STATUSES.filter((s) => !isTerminal(s) && !union.has(s))).to.deep.equal([]);
    expect(CASE_STATUSES.filter((s) => !union.has(s))).to.deep.equal([]);
  });

  for (const type of CASE_TYPES) {
    const a = type === 'inquiry' ? 'an' : 'a';
    it(`when ${a} ${type} is followed from submitted, then it reaches ${type === 'suggestion' ? 'every status' : 'every status but the suggestion-only ones'}`, () => {
      const expected = CASE_STATUSES.filter((s) => type === 'suggestion' || !SUGGESTION_ONLY.includes(s));
      expect([...reachable(type, 'submitted')]).to.have.members(expected);
    });

    it(`when ${a} ${type} is in any status it can reach, then it can still end in a terminal status (no trap)`, () => {
      for (const status of reachable(type, 'submitted')) {
        const ends = [...reachable(type, status)].filter((s) => TERMINAL_STATUSES.includes(s));
        expect(ends, `from ${status}`).to.not.deep.equal([]);
      }
    });
  }

  it('when the table is read, then every row can fire from a status reachable for one of its case types', () => {
    for (const t of TRANSITIONS) {
      const types = t.caseTypes === 'all' ? CASE_TYPES : t.caseTypes;
      expect(
        types.some((type) => t.from.some((s) => reachable(type, 'submitted').has(s))),
        t.action,
      ).to.equal(true);
    }
  });
});
