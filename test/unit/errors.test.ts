import { expect } from 'chai';
import { ConflictError, NotFoundError, STATUS_BY_KIND, toAppError, ValidationError } from '../../src/shared/errors.js';

describe('error taxonomy', () => {
  it('when an AppError is given, then it is kept as it is', () => {
    const err = new ConflictError('INVALID_TRANSITION', 'nope');
    expect(toAppError(err)).to.equal(err);
    expect(STATUS_BY_KIND[err.kind]).to.equal(409);
  });

  it('when a validation error is built, then it is a 400 VALIDATION_FAILED with its details', () => {
    const err = new ValidationError([{ field: 'type', code: 'any.required', message: 'required' }]);
    expect(STATUS_BY_KIND[err.kind]).to.equal(400);
    expect(err.code).to.equal('VALIDATION_FAILED');
    expect(err.details).to.have.length(1);
  });

  it('when the JSON parser fails, then it becomes MALFORMED_JSON', () => {
    const parserError = Object.assign(new Error('Unexpected token'), { status: 400, expose: true, type: 'entity.parse.failed' });
    expect(toAppError(parserError).code).to.equal('MALFORMED_JSON');
  });

  it('when the body is too large, then it becomes a 413 PAYLOAD_TOO_LARGE', () => {
    const e = toAppError(Object.assign(new Error('too large'), { status: 413, expose: true, type: 'entity.too.large' }));
    expect([e.code, STATUS_BY_KIND[e.kind]]).to.deep.equal(['PAYLOAD_TOO_LARGE', 413]);
  });

  it('when an unknown error is thrown, then it becomes INTERNAL without its message', () => {
    const e = toAppError(new Error('connection string mongodb://admin:pw@db'));
    expect(e.code).to.equal('INTERNAL');
    expect(e.message).not.to.contain('mongodb');
    expect(STATUS_BY_KIND[e.kind]).to.equal(500);
  });

  it('when a 5xx or unexposed http error is thrown, then it is INTERNAL too', () => {
    expect(toAppError(Object.assign(new Error('x'), { status: 502, expose: false })).code).to.equal('INTERNAL');
    expect(toAppError(Object.assign(new Error('x'), { status: 400, expose: false })).code).to.equal('INTERNAL');
  });

  it('when a not-found error has no code, then it is NOT_FOUND', () => {
    expect(new NotFoundError().code).to.equal('NOT_FOUND');
  });
});
