import { expect } from 'chai';
import { canonicalJson, seal, sealingKey, unseal } from '../../src/shared/idempotency.js';

describe('idempotency helpers', () => {
  it('when two bodies differ only in key order, then their canonical JSON is the same', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).to.equal(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
    expect(canonicalJson({ a: 1 })).not.to.equal(canonicalJson({ a: '1' }));
  });

  it('when an answer is sealed, then only the same secret opens it and tampering is detected', () => {
    const key = sealingKey('a-secret-that-is-long-enough-0123456789');
    const sealed = seal(key, '{"trackingToken":"abc"}');
    expect(sealed).not.to.contain('abc');
    expect(unseal(key, sealed)).to.equal('{"trackingToken":"abc"}');
    expect(() => unseal(sealingKey('another-secret-that-is-long-enough-0123'), sealed)).to.throw();
    const tampered = Buffer.from(sealed, 'base64');
    tampered[tampered.length - 1]! ^= 1;
    expect(() => unseal(key, tampered.toString('base64'))).to.throw();
  });
});
