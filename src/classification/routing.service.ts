/**
 * Where a new case goes (issue #5, "Routing"): the one entry point intake calls. The taxonomy rule
 * (rule.ts) when it decides; otherwise the text classifier and place recognition (route.ts, through
 * routeByText), once a model has been trained; else the triage queue. Never silently to a wrong agency.
 */
import { routeByText, textOf, type RoutingBar } from './classifier.service.js';
import { routeByRule, type RoutingFacts, type RoutingMethod } from './rule.js';

/** A case being filed: the category and area the citizen chose (checked against the directory), and its text. */
export interface NewCase extends RoutingFacts {
  title?: string | null;
  description: string;
}

/** The routing of a new case as intake stores it; probabilities with three decimals. */
export interface NewCaseRouting {
  agency: string | null;
  category: string | null;
  area: string | null;
  method: RoutingMethod;
  confidence: number | null;
  reason: string;
  candidates: { category: string; agency: string | null; probability: number }[];
  terms: string[];
  modelVersion: number | null;
}

/**
 * The taxonomy rule when it decides; otherwise (no category, or a municipal category without an
 * area) the text classifier under the deployment's `bar` (routingBarOf(config)). Below the bar the
 * case goes to triage with the classifier's suggestions stored for the triaging agent. `at` (the
 * filing's instant) limits the classifier to the categories offered then.
 */
export async function routeNewCase(profile: string, newCase: NewCase, bar: RoutingBar, at?: Date): Promise<NewCaseRouting> {
  const rule = routeByRule({ category: newCase.category, area: newCase.area });
  const base = { category: newCase.category?.code ?? null, area: newCase.area?.code ?? null, candidates: [], terms: [], modelVersion: null };
  if (rule.method !== 'triage') return { ...base, agency: rule.agency, method: rule.method, confidence: rule.confidence, reason: rule.reason };
  const byText = await routeByText(profile, { text: textOf({ title: newCase.title, description: newCase.description }), category: base.category, area: base.area }, bar, at);
  if (!byText) return { ...base, agency: null, method: 'triage', confidence: null, reason: rule.reason };
  const d = byText.decision;
  const found = {
    candidates: d.candidates.map((c) => ({ category: c.category, agency: c.agency, probability: threeDecimals(c.probability) })),
    terms: d.terms,
    modelVersion: byText.modelVersion,
  };
  if (d.method === 'triage') return { ...base, ...found, agency: null, method: 'triage', confidence: d.confidence === null ? null : threeDecimals(d.confidence), reason: d.reason };
  return {
    ...found,
    category: d.category,
    area: d.area ?? base.area,
    agency: d.agency,
    method: d.method,
    confidence: threeDecimals(d.confidence),
    reason: d.method === 'rule' ? 'area_from_text' : d.areaSource === 'text' ? 'classifier_area_from_text' : 'classifier',
  };
}

/** Probabilities are stored and shown with three decimals, routed or not. */
function threeDecimals(x: number): number {
  return Math.round(x * 1000) / 1000;
}
