import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { listProfileCodes, parseProfileData, readProfileData } from '../../src/directory/profile-data.js';

const DEMO_TAXONOMY = path.resolve(__dirname, '../../data/demo/bh-taxonomy.json');

function codes(data: ReturnType<typeof readProfileData>) {
  return {
    municipalities: data.municipalities.map((m) => m.code).sort(),
    areas: data.municipalities.flatMap((m) => m.areas.map((a) => `${m.code}/${a.code}`)).sort(),
    agencies: data.agencies.map((a) => a.code).sort(),
    categories: data.categories.map((c) => `${c.code}:${c.owner}`).sort(),
  };
}

describe('deployment profile data', () => {
  it('when the bh profile is read, then it has 4 municipalities, 36 areas, 8 national agencies and 20 categories', () => {
    const c = codes(readProfileData('bh'));
    expect([c.municipalities.length, c.areas.length, c.agencies.length, c.categories.length]).to.deep.equal([4, 36, 8, 20]);
  });

  it('when compared with the Bahrain demo taxonomy, then every code and owner is the same (codes are the contract)', () => {
    // The demo taxonomy is the contract for codes; fields we add (bounds) are taken from ours.
    const raw = JSON.parse(fs.readFileSync(DEMO_TAXONOMY, 'utf8')) as object;
    const ours = readProfileData('bh');
    const shared = parseProfileData({
      bounds: ours.bounds,
      calendar: ours.calendar,
      categoryGroups: ours.categoryGroups,
      ...raw,
      categories: (raw as { categories: object[] }).categories.map((c, i) => ({ group: ours.categories[i]!.group, ...c })),
    });
    expect(codes(readProfileData('bh'))).to.deep.equal(codes(shared));
  });

  it('when an unknown profile is asked for, then the error names the known ones', () => {
    expect(() => readProfileData('atlantis')).to.throw(/Unknown deployment profile "atlantis".*bh/);
    expect(listProfileCodes()).to.include('bh');
  });

  it('when a category is owned by an agency that does not exist, then the data is refused', () => {
    const data = JSON.parse(JSON.stringify(readProfileData('bh'))) as ReturnType<typeof readProfileData>;
    data.categories[0]!.owner = 'NO_SUCH_AGENCY';
    expect(() => parseProfileData(data)).to.throw(/unknown agency NO_SUCH_AGENCY/);
  });

  it('when an area code appears twice, then the data is refused', () => {
    const data = JSON.parse(JSON.stringify(readProfileData('bh'))) as ReturnType<typeof readProfileData>;
    data.municipalities[1]!.areas.push({ ...data.municipalities[0]!.areas[0]! });
    expect(() => parseProfileData(data)).to.throw(/duplicate area code/);
  });
});
