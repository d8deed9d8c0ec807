/**
 * The deterministic routing rule of the taxonomy (pure): with a category and an area, the agency is
 * the category's owner, or the municipality holding the area when the owner is MUNICIPALITY. A
 * municipal category without an area, or no category at all, goes to triage.
 * The text classifier (route.ts) adds the "classifier" method on top of this rule; routeNewCase
 * (routing.service.ts) decides between them for a new case.
 */
export type RoutingMethod = 'rule' | 'triage' | 'classifier' | 'manual';

export interface RoutingDecision {
  agency: string | null;
  method: RoutingMethod;
  /** 1 for the rule; the classifier's probability later; null in triage. */
  confidence: number | null;
  reason: 'category_owner' | 'area_municipality' | 'no_category' | 'municipal_category_without_area';
}

export interface RoutingFacts {
  category?: { code: string; owner: string } | null;
  area?: { code: string; municipality: string } | null;
}

export const MUNICIPALITY = 'MUNICIPALITY';

export function routeByRule(facts: RoutingFacts): RoutingDecision {
  const { category, area } = facts;
  if (!category) return { agency: null, method: 'triage', confidence: null, reason: 'no_category' };
  if (category.owner !== MUNICIPALITY) return { agency: category.owner, method: 'rule', confidence: 1, reason: 'category_owner' };
  if (!area) return { agency: null, method: 'triage', confidence: null, reason: 'municipal_category_without_area' };
  return { agency: area.municipality, method: 'rule', confidence: 1, reason: 'area_municipality' };
}
