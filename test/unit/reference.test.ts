import { expect } from 'chai';
import { generateReference, generateTrackingToken, hashSecret, normaliseReference, REFERENCE_PATTERN, secretMatches } from '../../src/cases/reference.js';

describe('reference numbers', () => {
  const now = new Date('2026-11-23T08:00:00Z');

  it('when a reference is generated, then it reads TW-YY-XXXX-XXXX in Crockford base32', () => {
    const ref = generateReference(now);
    expect(ref).to.match(REFERENCE_PATTERN);
    expect(ref.startsWith('TW-26-')).to.equal(true);
    expect(ref.slice(6)).not.to.match(/[ILOU]/);
  });

  it('when 20,000 references are generated, then none repeats and none is sequential', () => {
    const refs = Array.from({ length: 20_000 }, () => generateReference(now));
    expect(new Set(refs).size).to.equal(refs.length);
    const sorted = [...refs].sort();
    expect(sorted).not.to.deep.equal(refs);
  });

  it('when the random bytes are fixed, then the reference is their base32 spelling', () => {
    expect(generateReference(now, () => Buffer.alloc(5, 0))).to.equal('TW-26-0000-0000');
    expect(generateReference(now, () => Buffer.alloc(5, 0xff))).to.equal('TW-26-ZZZZ-ZZZZ');
  });

  it('when a person types a reference loosely, then it is normalised', () => {
    expect(normaliseReference('tw-26-7kq4-m9xd')).to.equal('TW-26-7KQ4-M9XD');
    expect(normaliseReference(' TW 26 7KQ4 M9XD ')).to.equal('TW-26-7KQ4-M9XD');
    expect(normaliseReference('267KQ4M9XD')).to.equal('TW-26-7KQ4-M9XD');
    expect(normaliseReference('TW-26-7KQ4-M9XO')).to.equal('TW-26-7KQ4-M9X0'); // O read as zero
    expect(normaliseReference('TW-26-7KQ4-M9XL')).to.equal('TW-26-7KQ4-M9X1'); // L read as one
  });

  it('when the input cannot be a reference, then nothing is returned', () => {
    for (const bad of ['', 'TW-26-7KQ4', 'TW-26-7KQ4-M9XD-EXTRA', 'TW-26-7KQU-M9XD', { $ne: null }, 42, 'x'.repeat(100)]) {
      expect(normaliseReference(bad), JSON.stringify(bad)).to.equal(undefined);
    }
  });
});

describe('tracking tokens', () => {
  it('when a token is generated, then it is long, random and matches only its own hash', () => {
    const token = generateTrackingToken();
    expect(token).to.match(/^[A-Za-z0-9_-]{32}$/);
    expect(generateTrackingToken()).not.to.equal(token);
    const stored = hashSecret(token);
    expect(stored).not.to.contain(token);
    expect(secretMatches(token, stored)).to.equal(true);
    expect(secretMatches(generateTrackingToken(), stored)).to.equal(false);
    expect(secretMatches('', stored)).to.equal(false);
    expect(secretMatches({ $ne: null }, stored)).to.equal(false);
  });
});
