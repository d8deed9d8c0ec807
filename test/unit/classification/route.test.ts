import { expect } from 'chai';
import { MODEL_FORMAT, type Model } from '../../../src/classification/model.js';
import { routeCase, type RouteDecision, type RoutingTaxonomy } from '../../../src/classification/route.js';
import { stem } from '../../../src/classification/tokens.js';

const TAXONOMY: RoutingTaxonomy = {
  municipalities: [
    { code: 'CAPITAL', areas: [{ code: 'SITRA', name_ar: 'سترة', name_en: 'Sitra' }] },
    { code: 'MUHARRAQ', areas: [{ code: 'BUSAITEEN', name_ar: 'البسيتين', name_en: 'Busaiteen' }] },
  ],
  categories: [
    { code: 'POWER_OUTAGE', owner: 'EWA' },
    { code: 'WATER_SUPPLY', owner: 'EWA' },
    { code: 'ROAD_DAMAGE', owner: 'WORKS' },
    { code: 'SEWAGE', owner: 'WORKS' },
    { code: 'WASTE_COLLECTION', owner: 'MUNICIPALITY' },
    { code: 'STRAY_ANIMALS', owner: 'MUNICIPALITY' },
  ],
};
const CATEGORIES = TAXONOMY.categories.map((c) => c.code);

/**
 * A model written by hand so each test knows its probabilities exactly: words only, and a text of
 * one known word gets, per category, the probability written here.
 */
function handModel(words: Record<string, number[]>): Model {
  const vocabulary = Object.keys(words).map((w) => `w:${stem(w)}`);
  return {
    format: MODEL_FORMAT,
    algorithm: 'softmax-regression',
    trainedAt: '2026-11-20T00:00:00.000Z',
    exampleCount: 0,
    categories: CATEGORIES,
    categoryCounts: CATEGORIES.map(() => 0),
    featureOptions: { unigramWeight: 1, bigramWeight: 0, conceptWeight: 0, ngramWeight: 0, ngramMin: 3, ngramMax: 4 },
    temperature: 1,
    vocabulary,
    idf: vocabulary.map(() => 1),
    weights: Object.values(words).flatMap((probabilities) => probabilities.map(Math.log)),
    bias: CATEGORIES.map(() => 0),
  };
}
//                           POWER  WATER  ROAD   SEWAGE WASTE  STRAY
const MODEL = handModel({
  outage: [0.9, 0.04, 0.02, 0.02, 0.01, 0.01],
  flooded: [0.025, 0.025, 0.45, 0.45, 0.025, 0.025],
  rubbish: [0.02, 0.02, 0.02, 0.02, 0.9, 0.02],
  smell: [0.1, 0.1, 0.2, 0.2, 0.2, 0.2],
  bother: [0.13, 0.13, 0.13, 0.13, 0.24, 0.24],
});
const SETTINGS = { threshold: 0.6 };

function route(text: string, extra: { category?: string; area?: string } = {}, settings: Parameters<typeof routeCase>[3] = SETTINGS): RouteDecision {
  return routeCase(MODEL, TAXONOMY, { text, ...extra }, settings);
}

describe('classification: routing a case', () => {
  describe('when the citizen chose a category', () => {
    it('when it is a national category, then the rule sends it to the owner, without the classifier', () => {
      expect(route('rubbish everywhere', { category: 'POWER_OUTAGE' })).to.deep.include({ method: 'rule', category: 'POWER_OUTAGE', agency: 'EWA', confidence: 1, candidates: [] });
    });

    it('when it is a municipal category with an area, then the rule sends it to that municipality', () => {
      expect(route('rubbish', { category: 'WASTE_COLLECTION', area: 'SITRA' })).to.deep.include({ method: 'rule', agency: 'CAPITAL', area: 'SITRA', areaSource: 'given' });
    });

    it('when it is a municipal category without an area but the text names one, then the rule uses that area', () => {
      expect(route('rubbish near the Busaiteen roundabout', { category: 'WASTE_COLLECTION' })).to.deep.include({ method: 'rule', agency: 'MUHARRAQ', area: 'BUSAITEEN', areaSource: 'text' });
    });

    it('when it is a municipal category and no area can be found, then the case goes to triage', () => {
      expect(route('rubbish', { category: 'WASTE_COLLECTION' })).to.deep.include({ method: 'triage', agency: null, category: 'WASTE_COLLECTION', reason: 'municipal_category_without_area' });
    });

    it('when the category is not in the taxonomy, then the case goes to triage', () => {
      expect(route('outage', { category: 'NO_SUCH_CATEGORY' })).to.deep.include({ method: 'triage', agency: null, reason: 'unknown_category' });
    });
  });

  describe('when there is no category', () => {
    it('when the top category is above the threshold, then the classifier routes it with candidates and terms', () => {
      const decision = route('outage since noon');
      expect(decision).to.deep.include({ method: 'classifier', category: 'POWER_OUTAGE', agency: 'EWA', terms: ['outage'] });
      expect(decision.method === 'classifier' && decision.confidence).to.be.closeTo(0.94, 1e-3); // EWA: 0.9 + 0.04
      expect(decision.method === 'classifier' && decision.categoryConfidence).to.be.closeTo(0.9, 1e-3);
      expect(decision.candidates.map((c) => [c.category, c.agency])).to.deep.equal([['POWER_OUTAGE', 'EWA'], ['WATER_SUPPLY', 'EWA'], ['ROAD_DAMAGE', 'WORKS']]);
    });

    it('when the agency is below the threshold, then the case goes to triage with the suggestions', () => {
      const decision = route('outage', {}, { threshold: 0.99 });
      expect(decision).to.deep.include({ method: 'triage', agency: null, category: null, reason: 'low_confidence', terms: ['outage'] });
      expect(decision.candidates).to.have.length(3);
      expect(decision.candidates[0]).to.deep.include({ category: 'POWER_OUTAGE', agency: 'EWA' });
    });

    it('when the text says nothing the model knows, then the case goes to triage', () => {
      expect(route('hello')).to.deep.include({ method: 'triage', reason: 'low_confidence', terms: [] });
    });

    it('when two categories of one agency share the probability, then the agency is confident and the top one of them is taken', () => {
      const decision = route('flooded');
      expect(decision).to.deep.include({ method: 'classifier', agency: 'WORKS' });
      expect(['ROAD_DAMAGE', 'SEWAGE']).to.include(decision.category);
      expect(decision.confidence).to.be.closeTo(0.9, 1e-3);
    });

    it('when the threshold is asked of the top category alone, then the same split case goes to triage', () => {
      expect(route('flooded', {}, { threshold: 0.6, confidenceBasis: 'category' })).to.deep.include({ method: 'triage', reason: 'low_confidence' });
    });

    it('when the top category is municipal and there is no area, then the case goes to triage for want of an area', () => {
      expect(route('rubbish')).to.deep.include({ method: 'triage', agency: null, reason: 'municipal_category_without_area', area: null });
    });

    it('when the top category is municipal and the area is given, then it goes to that municipality', () => {
      expect(route('rubbish', { area: 'BUSAITEEN' })).to.deep.include({ method: 'classifier', category: 'WASTE_COLLECTION', agency: 'MUHARRAQ', areaSource: 'given' });
    });

    it('when the top category is municipal and the text names the area, then it goes to that municipality', () => {
      expect(route('rubbish in Sitra')).to.deep.include({ method: 'classifier', category: 'WASTE_COLLECTION', agency: 'CAPITAL', area: 'SITRA', areaSource: 'text' });
    });

    it('when the citizen gave an area and the text names another, then the given area counts', () => {
      const decision = route('rubbish in Sitra', { area: 'BUSAITEEN' });
      expect(decision).to.deep.include({ agency: 'MUHARRAQ', area: 'BUSAITEEN', areaSource: 'given' });
      expect(decision.place).to.deep.include({ area: 'SITRA' });
    });

    it('when municipal categories without an area leave no agency confident, then it never routes to a national one by default', () => {
      // WORKS 0.4, EWA 0.2, municipal 0.4 (no area): below 0.6 either way.
      expect(route('smell')).to.deep.include({ method: 'triage', agency: null });
    });

    it('when a margin is asked and the agency leads the next one by enough, then it routes and records the margin', () => {
      const decision = route('outage', {}, { threshold: 0, margin: 0.5 });
      expect(decision).to.deep.include({ method: 'classifier', agency: 'EWA' });
      expect(decision.method === 'classifier' && decision.margin).to.be.closeTo(0.94 - 0.04, 1e-3); // EWA 0.94, WORKS 0.04
    });

    it('when a margin is asked and two agencies are close, then the case goes to triage although the threshold is met', () => {
      // WORKS 0.4, municipality of Sitra 0.4, EWA 0.2: the threshold 0.35 alone would route to one of them.
      expect(route('smell', { area: 'SITRA' }, { threshold: 0.35 })).to.deep.include({ method: 'classifier' });
      const decision = route('smell', { area: 'SITRA' }, { threshold: 0.35, margin: 0.1 });
      expect(decision).to.deep.include({ method: 'triage', reason: 'low_confidence' });
      expect(decision.method === 'triage' && decision.margin).to.be.closeTo(0, 1e-3);
    });

    it('when a margin is asked and there is no area, then the municipal categories count as the runner-up', () => {
      // WORKS 0.4 against 0.4 municipal with no municipality known: not a lead at all.
      const decision = route('smell', {}, { threshold: 0, margin: 0.1 });
      expect(decision).to.deep.include({ method: 'triage', agency: null });
      expect(decision.method === 'triage' && decision.margin).to.be.closeTo(0, 1e-3);
    });

    it('when a margin is asked and a municipal category leads without an area, then triage names the missing area', () => {
      expect(route('rubbish', {}, { threshold: 0, margin: 0.5 })).to.deep.include({ method: 'triage', reason: 'municipal_category_without_area' });
    });

    it('when an agency leads only on the sum of weak categories, then a category floor sends the case to triage', () => {
      // Municipality of Sitra 0.48 against EWA and WORKS 0.26 each: a lead of 0.22, but no category above 0.24.
      expect(route('bother', { area: 'SITRA' }, { threshold: 0, margin: 0.2 })).to.deep.include({ method: 'classifier', agency: 'CAPITAL' });
      expect(route('bother', { area: 'SITRA' }, { threshold: 0, margin: 0.2, minCategory: 0.25 })).to.deep.include({ method: 'triage', agency: null, reason: 'low_confidence' });
      // Without an area, the floor also stops triage from asking for an area that would not have helped.
      expect(route('bother', {}, { threshold: 0, margin: 0.2 })).to.deep.include({ reason: 'municipal_category_without_area' });
      expect(route('bother', {}, { threshold: 0, margin: 0.2, minCategory: 0.25 })).to.deep.include({ method: 'triage', reason: 'low_confidence' });
      // A category that clears the floor routes as before.
      expect(route('rubbish', { area: 'SITRA' }, { threshold: 0, margin: 0.2, minCategory: 0.25 })).to.deep.include({ method: 'classifier', category: 'WASTE_COLLECTION', agency: 'CAPITAL' });
    });

    it('when no margin is asked, then decisions carry none', () => {
      expect(route('outage since noon')).not.to.have.property('margin');
    });

    it('when a keyword rule names a category, then it can carry the case over the threshold and shows in the terms', () => {
      const decision = route('smell from the drain', {}, { threshold: 0.6, rules: [{ category: 'SEWAGE', keywords: ['drain'] }] });
      expect(decision).to.deep.include({ method: 'classifier', category: 'SEWAGE', agency: 'WORKS' });
      expect(decision.terms).to.include('drain');
    });
  });
});
