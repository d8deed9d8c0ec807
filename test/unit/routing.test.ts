import { expect } from 'chai';
import { routeByRule } from '../../src/classification/rule.js';

describe('routing rule of the taxonomy', () => {
  const municipal = { code: 'WASTE_COLLECTION', owner: 'MUNICIPALITY' };
  const national = { code: 'POWER_OUTAGE', owner: 'EWA' };
  const sitra = { code: 'SITRA', municipality: 'CAPITAL' };
  const table = [
    { when: 'a national category with an area', facts: { category: national, area: sitra }, agency: 'EWA', method: 'rule', reason: 'category_owner' },
    { when: 'a national category without an area', facts: { category: national }, agency: 'EWA', method: 'rule', reason: 'category_owner' },
    { when: 'a municipal category with an area', facts: { category: municipal, area: sitra }, agency: 'CAPITAL', method: 'rule', reason: 'area_municipality' },
    { when: 'a municipal category without an area', facts: { category: municipal }, agency: null, method: 'triage', reason: 'municipal_category_without_area' },
    { when: 'no category but an area', facts: { area: sitra }, agency: null, method: 'triage', reason: 'no_category' },
    { when: 'nothing', facts: {}, agency: null, method: 'triage', reason: 'no_category' },
  ] as const;
  for (const row of table) {
    it(`when ${row.when}, then it goes to ${row.agency ?? 'triage'}`, () => {
      const decision = routeByRule(row.facts);
      expect([decision.agency, decision.method, decision.reason]).to.deep.equal([row.agency, row.method, row.reason]);
      expect(decision.confidence).to.equal(row.agency ? 1 : null);
    });
  }
});
