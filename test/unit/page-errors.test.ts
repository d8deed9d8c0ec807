import { expect } from 'chai';
import { AppError, ConflictError, NotFoundError, ServiceUnavailableError, UnauthenticatedError, ValidationError } from '../../src/shared/errors.js';
import { fixedT } from '../../src/shared/i18n.js';
import { pageRefusal } from '../../src/shared/page-errors.js';

const t = fixedT('en');

/** What pageRefusal rethrew, or null when it returned a refusal. */
function rethrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  return null;
}

describe('page refusals', () => {
  it('when a transition is refused, then the page gets its 409 and the localised message with its values', () => {
    expect(pageRefusal(new ConflictError('REOPEN_WINDOW_CLOSED', 'x', { days: 14 }), t)).to.deep.equal({
      status: 409,
      message: 'A case can be reopened only within 14 days of its answer. Please file a new case.',
    });
  });

  it('when a code has no localised message, then the English message of the error is shown', () => {
    expect(pageRefusal(new ConflictError('NO_SUCH_LOCALE_KEY', 'Plain English.'), t)).to.deep.equal({ status: 409, message: 'Plain English.' });
  });

  it('when the error has field details and the page words them, then its wording is used; without, the code is', () => {
    const err = new ValidationError([{ field: 'score', code: 'any.required', message: 'Score is required.' }]);
    expect(pageRefusal(err, t, { detail: (d) => d[0]!.message })).to.deep.equal({ status: 400, message: 'Score is required.' });
    expect(pageRefusal(err, t).message).to.equal(t('errors.VALIDATION_FAILED'));
  });

  it('when the error is not an AppError, is a 5xx, is passed through or of a kind not shown in place, then it is rethrown as it is', () => {
    for (const [err, options] of [
      [new Error('boom'), {}],
      [new ServiceUnavailableError('DIRECTORY_NOT_SEEDED', 'x'), {}],
      [new NotFoundError('CASE_NOT_FOUND', 'x'), { passThrough: ['CASE_NOT_FOUND'] }],
      [new ConflictError('INVALID_TRANSITION', 'x'), { kinds: ['unauthenticated'] as const }],
    ] as const) {
      expect(rethrown(() => pageRefusal(err, t, options))).to.equal(err);
    }
    expect(pageRefusal(new UnauthenticatedError('INVALID_CREDENTIALS', 'x'), t, { kinds: ['unauthenticated'] }).status).to.equal(401);
    expect(rethrown(() => pageRefusal(new AppError('internal', 'INTERNAL', 'x'), t))).to.be.instanceOf(AppError);
  });
});
