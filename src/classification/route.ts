/**
 * The routing decision (pure): the taxonomy rule when the citizen chose a category, the classifier
 * when not, and the triage queue whenever the agency is not known well enough: never silently to a
 * wrong agency (issue #5, "Routing").
 *
 * The area is the citizen's, or else one named in the text (places.ts) when recognised confidently.
 * Without a category, the classifier's probabilities are summed per agency: a category owned by
 * MUNICIPALITY counts for the municipality of the area, or for no agency when there is no area.
 * The case is routed when the most probable agency reaches `threshold`, with the most probable
 * category of that agency: several categories of one agency (the four of the Ministry of Works)
 * may each be uncertain while the agency is not. `confidenceBasis: 'category'` asks the top category
 * alone to reach the threshold instead (kept to compare the two in bench/classification.ts).
 */
import { type KeywordRule } from './keywords.js';
import { classify, type Model } from './model.js';
import { findArea, type PlaceAlias, type PlaceArea, type PlaceMatch } from './places.js';
import { MUNICIPALITY, routeByRule } from './rule.js';

export interface RoutingTaxonomy {
  municipalities: { code: string; areas: PlaceArea[] }[];
  categories: { code: string; owner: string }[];
}

export interface RouteRequest {
  text: string;
  /** Chosen by the citizen (or agent); routing by rule when present. */
  category?: string | null;
  area?: string | null;
}

export interface RouteSettings {
  /** Probability the agency must reach for the classifier to route (per deployment). */
  threshold: number;
  /** Confidence a place named in the text needs to stand for the area (default 0.75). */
  areaThreshold?: number;
  confidenceBasis?: 'agency' | 'category';
  /**
   * Optional margin rule: also route only when the agency's probability exceeds the runner-up's by
   * at least this much. The runner-up is the next agency, or the municipal categories whose
   * municipality is unknown (no area), whichever is more probable. With `threshold: 0` the margin
   * alone decides; chosen that way by cross-validation in bench/classification.ts.
   */
  margin?: number;
  /**
   * Optional: the category the case is routed with must itself reach this probability. An agency
   * that owns many categories (a municipality owns six of the demo's twenty) can lead on the sum of
   * weak guesses when a text says little ("we have a problem, please help"); such a case goes to
   * triage instead of being routed with a category nobody chose.
   */
  minCategory?: number;
  aliases?: readonly PlaceAlias[];
  rules?: readonly KeywordRule[];
  keywordBoost?: number;
}

export interface RoutedCandidate {
  category: string;
  probability: number;
  /** null: a municipal category while the area is unknown, or a category the taxonomy lacks. */
  agency: string | null;
}

export type TriageReason = 'low_confidence' | 'municipal_category_without_area' | 'unknown_category';

interface DecisionBase {
  area: string | null;
  areaSource: 'given' | 'text' | null;
  /** A place the text named, also when it was not trusted enough to be the area. */
  place: PlaceMatch | null;
  /** The three most probable categories (none for the rule). */
  candidates: RoutedCandidate[];
  terms: string[];
}

export type RouteDecision =
  | (DecisionBase & { method: 'rule'; category: string; agency: string; confidence: 1 })
  | (DecisionBase & { method: 'classifier'; category: string; agency: string; confidence: number; categoryConfidence: number; margin?: number })
  | (DecisionBase & { method: 'triage'; category: string | null; agency: null; confidence: number | null; reason: TriageReason; margin?: number });

interface Lookups {
  areas: PlaceArea[];
  municipalityOf: Map<string, string>;
  ownerOf: Map<string, string>;
}

/** Derived once per taxonomy object (which also lets places.ts keep its index for the area list). */
const lookups = new WeakMap<RoutingTaxonomy, Lookups>();
function lookupsFor(taxonomy: RoutingTaxonomy): Lookups {
  let found = lookups.get(taxonomy);
  if (!found) {
    found = {
      areas: taxonomy.municipalities.flatMap((m) => m.areas),
      municipalityOf: new Map(taxonomy.municipalities.flatMap((m) => m.areas.map((a) => [a.code, m.code] as const))),
      ownerOf: new Map(taxonomy.categories.map((c) => [c.code, c.owner])),
    };
    lookups.set(taxonomy, found);
  }
  return found;
}

type Located = Pick<DecisionBase, 'area' | 'areaSource' | 'place'>;

/** The area: the one given (when known), or else a place the text names confidently enough. */
function locate(request: RouteRequest, settings: RouteSettings, { areas, municipalityOf }: Lookups): Located {
  const place = findArea(request.text, areas, settings.aliases ?? []);
  const givenArea = request.area && municipalityOf.has(request.area) ? request.area : null;
  const textArea = !givenArea && place && place.confidence >= (settings.areaThreshold ?? 0.75) ? place.area : null;
  const area = givenArea ?? textArea;
  return { area, areaSource: givenArea ? ('given' as const) : textArea ? ('text' as const) : null, place };
}

/** A category the citizen chose: the taxonomy rule routes it, or triage says why it cannot. */
function routeChosenCategory(base: Located, category: string, { municipalityOf, ownerOf }: Lookups): RouteDecision {
  const { area } = base;
  const owner = ownerOf.get(category);
  if (!owner) return { ...base, method: 'triage', category: null, agency: null, confidence: null, reason: 'unknown_category', candidates: [], terms: [] };
  const rule = routeByRule({ category: { code: category, owner }, area: area ? { code: area, municipality: municipalityOf.get(area)! } : null });
  if (rule.agency === null) {
    return { ...base, method: 'triage', category, agency: null, confidence: null, reason: 'municipal_category_without_area', candidates: [], terms: [] };
  }
  return { ...base, method: 'rule', category, agency: rule.agency, confidence: 1, candidates: [], terms: [] };
}

/** The classifier's probabilities summed per agency, and the agency it leads with (by `confidenceBasis`). */
function leadingAgency(ranked: readonly RoutedCandidate[], settings: RouteSettings): { byAgency: Map<string, number>; best: { agency: string; confidence: number } | null } {
  const byAgency = new Map<string, number>();
  for (const c of ranked) if (c.agency) byAgency.set(c.agency, (byAgency.get(c.agency) ?? 0) + c.probability);
  let best: { agency: string; confidence: number } | null = null;
  if ((settings.confidenceBasis ?? 'agency') === 'agency') {
    for (const [agency, confidence] of byAgency) if (!best || confidence > best.confidence) best = { agency, confidence };
  } else {
    const top = ranked[0];
    if (top?.agency) best = { agency: top.agency, confidence: top.probability };
  }
  return { byAgency, best };
}

/**
 * Whether the missing area is what stops the case: the top category is municipal, and with an area
 * the municipal categories would have reached the threshold together (or the top alone).
 */
function missingAreaStops(ranked: readonly RoutedCandidate[], byAgency: Map<string, number>, area: string | null, settings: RouteSettings, ownerOf: Map<string, string>): boolean {
  const top = ranked[0] ?? null;
  const minCategory = settings.minCategory ?? 0;
  const municipal = ranked.filter((c) => ownerOf.get(c.category) === MUNICIPALITY).reduce((sum, c) => sum + c.probability, 0);
  const enough = (settings.confidenceBasis ?? 'agency') === 'agency' ? municipal : (top?.probability ?? 0);
  return top !== null && !area && ownerOf.get(top.category) === MUNICIPALITY && top.probability >= minCategory && enough >= settings.threshold &&
    (settings.margin === undefined || municipal - Math.max(0, ...byAgency.values()) >= settings.margin);
}

/** No category chosen: the classifier routes when its leading agency is sure enough, else triage. */
function routeByClassifier(model: Model, request: RouteRequest, settings: RouteSettings, base: Located, { municipalityOf, ownerOf }: Lookups): RouteDecision {
  const { area } = base;
  const result = classify(model, request.text, { rules: settings.rules, keywordBoost: settings.keywordBoost });
  const agencyOf = (category: string): string | null => {
    const owner = ownerOf.get(category);
    if (!owner) return null;
    if (owner !== MUNICIPALITY) return owner;
    return area ? municipalityOf.get(area)! : null;
  };
  const ranked = result.candidates.map((c) => ({ ...c, agency: agencyOf(c.category) }));
  // Suggestions name only categories the taxonomy offers (a retired one the model still knows is left out).
  const candidates = ranked.filter((c) => ownerOf.has(c.category)).slice(0, 3);
  const terms = result.terms;
  const { byAgency, best } = leadingAgency(ranked, settings);

  // Probability of municipal categories that no agency can take (no area): a rival, not nobody.
  const unassigned = ranked.filter((c) => !c.agency).reduce((sum, c) => sum + c.probability, 0);
  const runnerUp = (agency: string | null): number => {
    let second = unassigned;
    for (const [other, confidence] of byAgency) if (other !== agency) second = Math.max(second, confidence);
    return second;
  };
  const margin = best ? best.confidence - runnerUp(best.agency) : null;
  const withMargin = settings.margin !== undefined && margin !== null ? { margin } : {};
  const chosen = best ? ranked.find((c) => c.agency === best.agency)! : null;
  if (best && chosen && best.confidence >= settings.threshold && (settings.margin === undefined || margin! >= settings.margin) && chosen.probability >= (settings.minCategory ?? 0)) {
    return { ...base, method: 'classifier', category: chosen.category, agency: best.agency, confidence: best.confidence, categoryConfidence: chosen.probability, ...withMargin, candidates, terms };
  }
  const reason = missingAreaStops(ranked, byAgency, area, settings, ownerOf) ? 'municipal_category_without_area' : 'low_confidence';
  const confidence = best?.confidence ?? ranked[0]?.probability ?? null;
  return { ...base, method: 'triage', category: null, agency: null, confidence, reason, ...withMargin, candidates, terms };
}

/** Routes one case: by the taxonomy rule when a category was chosen, by the classifier when not. */
export function routeCase(model: Model, taxonomy: RoutingTaxonomy, request: RouteRequest, settings: RouteSettings): RouteDecision {
  const found = lookupsFor(taxonomy);
  const base = locate(request, settings, found);
  return request.category ? routeChosenCategory(base, request.category, found) : routeByClassifier(model, request, settings, base, found);
}
