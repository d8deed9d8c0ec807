import { expect } from 'chai';
import { categorySeedsOf, seedExamples } from '../../../src/classification/profiles.js';
import { classify, train } from '../../../src/classification/model.js';
import { readProfileData } from '../../../src/directory/profile-data.js';

const NOW = new Date('2026-11-23T08:00:00Z');
const BH_CATEGORY_SEEDS = categorySeedsOf('bh'); // profiles/bh/seeds.json

describe('classification: seed phrases per category', () => {
  it('when seeds are taken for a taxonomy, then only its categories give examples, one per phrase, in its order', () => {
    const seeds = { B: ['b one', 'b two'], A: ['a one'], GONE: ['not routable'] };
    expect(seedExamples(seeds, [{ code: 'A' }, { code: 'B' }, { code: 'NEW' }])).to.deep.equal([
      { text: 'a one', category: 'A' },
      { text: 'b one', category: 'B' },
      { text: 'b two', category: 'B' },
    ]);
  });

  it('when the Bahrain seeds are read, then every category of the demo taxonomy has phrases in Arabic and English, no other code has any, and no phrase is under two categories', () => {
    // The Bahrain profile's categories: what training takes the seeds for (profile-data.test ties them to the shared taxonomy).
    const codes = readProfileData('bh').categories.map((c) => c.code);
    expect(Object.keys(BH_CATEGORY_SEEDS)).to.have.members(codes);
    for (const code of codes) {
      const phrases = BH_CATEGORY_SEEDS[code]!;
      expect(phrases.filter((p) => /[\u0600-\u06FF]/.test(p)), code).to.have.length.of.at.least(6);
      expect(phrases.filter((p) => /^[\x20-\x7E]+$/.test(p)), code).to.have.length.of.at.least(5);
      expect(new Set(phrases).size, `${code} repeats a phrase`).to.equal(phrases.length);
    }
    // A phrase under two categories would teach the model both answers for the same words.
    const all = Object.values(BH_CATEGORY_SEEDS).flat().map((p) => p.toLowerCase());
    expect(all.filter((p, i) => all.indexOf(p) !== i)).to.deep.equal([]);
  });

  it('when a model is trained with the seeds, then a word only the seeds know counts for its category', () => {
    const history = [
      { text: 'an old car with flat tyres in the parking', category: 'ABANDONED_VEHICLES' },
      { text: 'a car covered in dust outside our house', category: 'ABANDONED_VEHICLES' },
      { text: 'the rubbish bins are full', category: 'WASTE_COLLECTION' },
      { text: 'garbage not collected this week', category: 'WASTE_COLLECTION' },
    ];
    const seeds = seedExamples(BH_CATEGORY_SEEDS, [{ code: 'ABANDONED_VEHICLES' }, { code: 'WASTE_COLLECTION' }]);
    // In no history text and in no concept of concepts.ts; several abandoned-vehicle seeds have it.
    const text = 'left';
    const probabilityOf = (examples: { text: string; category: string }[]): number =>
      classify(train(examples, { now: NOW }), text).candidates.find((c) => c.category === 'ABANDONED_VEHICLES')!.probability;
    const without = probabilityOf(history);
    const withSeeds = probabilityOf([...history, ...seeds]);
    expect(without).to.be.below(0.6);
    expect(withSeeds).to.be.above(0.6);
    expect(withSeeds).to.be.above(without + 0.3);
  });
});
