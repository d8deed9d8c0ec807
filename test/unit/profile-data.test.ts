import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { listProfileCodes, parseProfileData, readProfileData } from '../../src/directory/profile-data.js';

const DEMO_HISTORY = path.resolve(__dirname, '../../data/demo/bh-history.jsonl');

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

  it('when the demo history is read, then every line names an area, category and agency of the profile (codes are the contract)', () => {
    const data = readProfileData('bh');
    const areas = new Map(data.municipalities.flatMap((m) => m.areas.map((a) => [a.code, m.code] as const)));
    const owners = new Map(data.categories.map((c) => [c.code, c.owner]));
    const lines = fs.readFileSync(DEMO_HISTORY, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { ref: string; area: string; category: string; agency: string });
    expect(lines).to.have.length.above(500);
    for (const l of lines) {
      expect(areas.has(l.area), `${l.ref} area ${l.area}`).to.equal(true);
      const owner = owners.get(l.category);
      expect(owner, `${l.ref} category ${l.category}`).to.be.a('string');
      expect(l.agency, `${l.ref} agency`).to.equal(owner === 'MUNICIPALITY' ? areas.get(l.area) : owner);
    }
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
