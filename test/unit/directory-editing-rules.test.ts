import { expect } from 'chai';
import { dayOf, startOfDay, windowEnd } from '../../src/directory/directory-admin.forms.js';
import { agencyProblems, areaProblems, categoryProblems, codeTaken, fieldChanges, type DirectoryFacts } from '../../src/directory/editing.rules.js';

const facts: DirectoryFacts = {
  agencies: [
    { code: 'CITY', kind: 'municipality', active: true },
    { code: 'OLD_CITY', kind: 'municipality', active: false },
    { code: 'SEWA', kind: 'national', active: true },
    { code: 'GONE', kind: 'national', active: false },
  ],
  areas: [{ code: 'NAHDA', municipality: 'CITY', active: true }],
  categories: [{ code: 'POWER', owner: 'SEWA', group: 'UTILITIES', active: true }, { code: 'OLD', owner: 'SEWA', group: 'UTILITIES', active: false }],
  groups: ['UTILITIES'],
};

describe('directory editing rules (pure)', () => {
  it('when an area names a municipality, then it must be one, and in use', () => {
    expect(areaProblems({ code: 'X', municipality: 'CITY', active: true }, facts)).to.deep.equal([]);
    expect(areaProblems({ code: 'X', municipality: 'SEWA', active: true }, facts).map((p) => p.code)).to.deep.equal(['UNKNOWN_MUNICIPALITY']);
    expect(areaProblems({ code: 'X', municipality: 'OLD_CITY', active: true }, facts).map((p) => p.code)).to.deep.equal(['MUNICIPALITY_RETIRED']);
    expect(areaProblems({ code: 'X', municipality: 'OLD_CITY', active: false }, facts)).to.deep.equal([]); // a retired area may stay where it was
  });

  it('when a category is checked, then its owner, group and window are checked together', () => {
    expect(categoryProblems({ code: 'C', owner: 'MUNICIPALITY', group: 'UTILITIES', active: true }, facts)).to.deep.equal([]);
    const all = categoryProblems({ code: 'C', owner: 'GONE', group: 'NOPE', active: true, validFrom: new Date('2026-02-01'), validUntil: new Date('2026-02-01') }, facts);
    expect(all.map((p) => p.code)).to.deep.equal(['OWNER_RETIRED', 'UNKNOWN_GROUP', 'WINDOW_INVALID']);
    expect(categoryProblems({ code: 'C', owner: 'NOBODY', group: 'UTILITIES', active: true }, facts).map((p) => p.code)).to.deep.equal(['UNKNOWN_OWNER']);
  });

  it('when an agency is retired, then only once no category in use is its and no area in use is in it', () => {
    expect(agencyProblems({ code: 'SEWA', kind: 'national', active: false }, facts).map((p) => [p.code, p.params?.codes])).to.deep.equal([['AGENCY_OWNS_CATEGORIES', 'POWER']]);
    expect(agencyProblems({ code: 'CITY', kind: 'municipality', active: false }, facts).map((p) => p.code)).to.deep.equal(['MUNICIPALITY_HAS_AREAS']);
    expect(agencyProblems({ code: 'SEWA', kind: 'national', active: true }, facts)).to.deep.equal([]);
  });

  it('when a code is new, then it is free unless used before (retired too) or the reserved owner value', () => {
    expect(codeTaken('GONE', facts.agencies)).to.equal(true);
    expect(codeTaken('MUNICIPALITY', [])).to.equal(true);
    expect(codeTaken('NEW', facts.agencies)).to.equal(false);
  });

  it('when fields are compared, then only changed ones are listed, dates as ISO text', () => {
    expect(fieldChanges({ name_en: 'A', validFrom: new Date('2026-01-01T00:00:00Z') }, { name_en: 'A', validFrom: new Date('2026-01-02T00:00:00Z'), retiredAt: null })).to.deep.equal([
      { field: 'validFrom', from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' },
    ]);
  });

  it('when a window is typed as calendar days, then it runs from the start of the first to the end of the last in the zone', () => {
    expect(startOfDay('2026-03-01', 'Asia/Dubai').toISOString()).to.equal('2026-02-28T20:00:00.000Z');
    expect(windowEnd('2026-03-15', 'Asia/Bahrain', 'until')!.toISOString()).to.equal('2026-03-15T21:00:00.000Z');
    expect(windowEnd('', 'Asia/Bahrain', 'from')).to.equal(null);
    expect(windowEnd(undefined, 'Asia/Bahrain', 'from')).to.equal(undefined);
    expect(dayOf(new Date('2026-03-15T21:00:00.000Z'), 'Asia/Bahrain', true)).to.equal('2026-03-15');
    expect(startOfDay('2026-03-29', 'Europe/London').toISOString()).to.equal('2026-03-29T00:00:00.000Z'); // the day clocks go forward, after midnight
    expect(startOfDay('2026-07-01', 'Europe/London').toISOString()).to.equal('2026-06-30T23:00:00.000Z');
  });
});
