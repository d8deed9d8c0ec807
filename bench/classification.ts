/**
 * Text classification benchmark (issue #5): trains on a fixed split of the labelled history and
 * measures, on the held-out part the model never saw, category and agency accuracy, triage and
 * misrouting rates for several thresholds, with the citizen's area and with it removed (so place
 * recognition from the text is exercised), plus the time to train and to classify one case.
 *
 *   npx tsx bench/classification.ts [history.jsonl] [taxonomy.json]
 *
 * The split: a line is held out when the FNV-1a hash of its `ref` is 0 modulo 5 (about 20 %),
 * stable under reordering and appending. Settings are chosen by 5-fold cross-validation inside the
 * training part only (two assignments of the cases to folds, pooled, so that a choice rests on 960
 * predictions rather than 480): for each model setting and each routing rule (a threshold on the agency's
 * probability, or a margin over the runner-up agency) the lowest value whose cross-validated
 * misrouting stays within 2.5 % (under the 3 % target) with and without the area, and since round 6
 * a margin of at least 0.2 (see MARGIN_FLOOR); then the setting
 * and rule that route most cases to the right agency. The held-out part is looked at once, for the
 * report (the production setting of round 4, margin 0.3, is shown beside it as "before"; with the
 * thesaurus of this checkout, since concepts.ts is not an option). Seed phrases, when a setting has
 * them, only ever join the training examples.
 */
import { MUNICIPALITY } from '../src/classification/rule.js';
import { categorySeedsOf, placeAliasesOf, seedExamples } from '../src/classification/profiles.js';
import { fnv1a, isHeldOut } from '../src/classification/split.js';
import { classify, train, type Model, type TrainOptions } from '../src/classification/model.js';
import { findArea, placeWords } from '../src/classification/places.js';
import { routeCase, type RouteDecision } from '../src/classification/route.js';
import { loadHistory, loadTaxonomy, PROFILE, type HistoryLine } from './support/history.js';

const history = loadHistory();
const taxonomy = loadTaxonomy();
const NOW = new Date('2026-11-20T00:00:00Z');
const MISROUTE_BUDGET = 0.025;
// Since round 6 the margin rule may not go below 0.2. Some round-6 seed phrases were written after
// reading texts that cross-validation misrouted (training part only), so cross-validated misrouting
// is optimistic for them; 0.2 is the lowest margin within budget for the phrases written from the
// confusion counts alone. Decided before the held-out part was run.
const MARGIN_FLOOR = 0.2;
// The rule the service deploys (CLASSIFIER_MARGIN, with CLASSIFIER_THRESHOLD 0) is the only one the bench
// chooses; the threshold rule is measured beside it. Round 6's first run let the threshold rule win
// with a cross-validated 2.5 % misrouting that was 6.7 % held out (bench/RESULTS.md, round 6).
const CHOSEN_RULE: RoutingRule = 'margin';
// Since round 6 the category a case is routed with must reach this itself (CLASSIFIER_MIN_CATEGORY's
// default): a vague text is not routed to the agency that owns most categories. Every row uses it but
// the held-out "before" row, which is round 4 as deployed.
const MIN_CATEGORY = 0.25;
const THRESHOLDS = [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9];
const MARGINS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7];
type RoutingRule = 'threshold' | 'margin';
const RULES: RoutingRule[] = ['threshold', 'margin'];
const valuesOf = (rule: RoutingRule): number[] => (rule === 'threshold' ? THRESHOLDS : MARGINS);

const textOf = (l: HistoryLine): string => `${l.title}\n${l.description}`;
const heldOut = history.filter((l) => isHeldOut(l.ref));
const training = history.filter((l) => !isHeldOut(l.ref));
// Since round 5 a setting may add the seed phrases of profiles/bh/seeds.json to the training examples.
type Setting = Omit<TrainOptions, 'now'> & { seeds?: boolean };
const SEED_EXAMPLES = seedExamples(categorySeedsOf(PROFILE), taxonomy.categories);
const trainModel = (lines: HistoryLine[], { seeds, ...options }: Setting): Model =>
  train([...lines.map((l) => ({ text: textOf(l), category: l.category })), ...(seeds ? SEED_EXAMPLES : [])], { now: NOW, ...options });

function decide(model: Model, line: HistoryLine, value: number, withArea: boolean, rule: RoutingRule = 'threshold', basis: 'agency' | 'category' = 'agency', minCategory = MIN_CATEGORY): RouteDecision {
  const settings = rule === 'threshold' ? { threshold: value } : { threshold: 0, margin: value };
  return routeCase(model, taxonomy, { text: textOf(line), area: withArea ? line.area : null }, { ...settings, minCategory, aliases: placeAliasesOf(PROFILE), confidenceBasis: basis });
}

interface Rates {
  agencyCorrect: number;
  misrouted: number;
  triaged: number;
  categoryCorrect: number;
}
function rates(lines: HistoryLine[], decisions: RouteDecision[]): Rates {
  let agencyCorrect = 0;
  let misrouted = 0;
  let categoryCorrect = 0;
  decisions.forEach((d, i) => {
    if (d.method === 'triage') return;
    if (d.agency === lines[i]!.agency) agencyCorrect++;
    else misrouted++;
    if (d.category === lines[i]!.category) categoryCorrect++;
  });
  const n = lines.length;
  return { agencyCorrect: agencyCorrect / n, misrouted: misrouted / n, triaged: 1 - (agencyCorrect + misrouted) / n, categoryCorrect: categoryCorrect / n };
}
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

// 1. Model settings and threshold by cross-validation inside the training part: for each setting,
// the lowest threshold whose misrouting stays within budget with and without the area; the setting
// that then routes most cases to the right agency wins (ties: the better category accuracy).
const FOLDS = 5;
// Two assignments of the training cases to folds, pooled (since round 4): one case is 0.1 point.
const ASSIGNMENTS = ['#cv', '#cv2'];
const foldOf = (l: HistoryLine, assignment: string): number => fnv1a(`${l.ref}${assignment}`) % FOLDS;
// Earlier runs (bench/RESULTS.md, "Text classification") compared words only, n-gram weights, pairs,
// place names, the penalty and sublinear counts. The thesaurus of concepts.ts is a module constant, so
// every row here uses the checkout's. The grid keeps the production setting of round 4 ("before":
// L2 2e-4, place names out, sublinear counts, margin 0.3) and adds the seed phrases of
// profiles/bh/seeds.json as they stand (round 6 lists) at three penalties. Round 5 (its lists, L2 1e-4,
// margin 0.2) is not rerun here: its figures are in bench/RESULTS.md.
const PLACE_WORDS = placeWords(taxonomy.municipalities.flatMap((m) => m.areas), placeAliasesOf(PROFILE));
const FEATURES = { ngramWeight: 0.1, placeWords: PLACE_WORDS, sublinear: true };
const BEFORE: Setting = { l2: 2e-4, features: FEATURES };
const BEFORE_RULE = { rule: 'margin' as RoutingRule, value: 0.3 };
const GRID: { name: string; options: Setting }[] = [
  { name: 'words + pairs + n-grams 0.1 + concepts, place names out, sublinear counts, l2 2e-4 (round 4)', options: BEFORE },
  { name: 'same + seed phrases (round 6 lists), l2 2e-4', options: { l2: 2e-4, features: FEATURES, seeds: true } },
  { name: 'same + seed phrases (round 6 lists), l2 1e-4 (round 5 penalty)', options: { l2: 1e-4, features: FEATURES, seeds: true } },
  { name: 'same + seed phrases (round 6 lists), l2 5e-5', options: { l2: 5e-5, features: FEATURES, seeds: true } },
];

interface CvResult {
  name: string;
  options: Setting;
  accuracy: number;
  /** Per rule: the value chosen and the [area given, area from text] rates at each value. */
  rules: Map<RoutingRule, { value: number; byValue: Map<number, [Rates, Rates]> }>;
}

function crossValidate(name: string, options: Setting): CvResult {
  // Each training case once per assignment, with the model of the folds that left it out.
  const lines: HistoryLine[] = [];
  const modelOf: Model[] = [];
  let correct = 0;
  for (const assignment of ASSIGNMENTS) {
    for (let fold = 0; fold < FOLDS; fold++) {
      const model = trainModel(training.filter((l) => foldOf(l, assignment) !== fold), options);
      for (const line of training.filter((l) => foldOf(l, assignment) === fold)) {
        lines.push(line);
        modelOf.push(model);
        if (classify(model, textOf(line)).candidates[0]?.category === line.category) correct++;
      }
    }
  }
  const rules = new Map<RoutingRule, { value: number; byValue: Map<number, [Rates, Rates]> }>();
  for (const rule of RULES) {
    const byValue = new Map<number, [Rates, Rates]>();
    const values = valuesOf(rule);
    let value = values[values.length - 1]!;
    for (const v of [...values].reverse()) {
      const scenario = (withArea: boolean): Rates => rates(lines, lines.map((l, i) => decide(modelOf[i]!, l, v, withArea, rule)));
      const pair: [Rates, Rates] = [scenario(true), scenario(false)];
      byValue.set(v, pair);
      if (pair[0].misrouted <= MISROUTE_BUDGET && pair[1].misrouted <= MISROUTE_BUDGET && (rule !== 'margin' || v >= MARGIN_FLOOR)) value = v;
    }
    rules.set(rule, { value, byValue });
  }
  return { name, options, accuracy: correct / lines.length, rules };
}

console.log(`history: ${history.length} lines; training ${training.length}, held out ${heldOut.length} (FNV-1a(ref) mod 5 = 0)`);
console.log(`\n## Cross-validation inside the training part (${FOLDS} folds, assignments ${ASSIGNMENTS.join(' and ')} pooled)`);
console.log(`| features and settings; routing rule | category accuracy | value of the rule (misrouting ≤ ${pct(MISROUTE_BUDGET)}) | agency correct / misrouted / triaged, area given | same, area from text | time |`);
console.log('|---|---|---|---|---|---|');
let chosen: { cv: CvResult; rule: RoutingRule; value: number; score: number } | null = null;
let before: CvResult | null = null;
for (const candidate of GRID) {
  const started = performance.now();
  const result = crossValidate(candidate.name, candidate.options);
  before ??= result;
  for (const rule of RULES) {
    const { value, byValue } = result.rules.get(rule)!;
    const [a, b] = byValue.get(value)!;
    console.log(`| ${candidate.name}; ${rule} | ${pct(result.accuracy)} | ${value} | ${pct(a.agencyCorrect)} / ${pct(a.misrouted)} / ${pct(a.triaged)} | ${pct(b.agencyCorrect)} / ${pct(b.misrouted)} / ${pct(b.triaged)} | ${((performance.now() - started) / 1000).toFixed(0)} s |`);
    if (rule !== CHOSEN_RULE) continue;
    if (!chosen || a.agencyCorrect > chosen.score || (a.agencyCorrect === chosen.score && result.accuracy > chosen.cv.accuracy)) chosen = { cv: result, rule, value, score: a.agencyCorrect };
  }
}
const { rule, value } = chosen!;
console.log(`chosen: ${chosen!.cv.name}, ${rule} ${value}; before: ${BEFORE_RULE.rule} ${BEFORE_RULE.value} (round 4)`);
for (const r of RULES) {
  console.log(`\ncross-validated routing of the chosen setting by ${r} (agency correct / misrouted / triaged):`);
  console.log(`| ${r} | area given | area from text |`);
  console.log('|---|---|---|');
  for (const v of valuesOf(r)) {
    const [a, b] = chosen!.cv.rules.get(r)!.byValue.get(v)!;
    console.log(`| ${v} | ${pct(a.agencyCorrect)} / ${pct(a.misrouted)} / ${pct(a.triaged)} | ${pct(b.agencyCorrect)} / ${pct(b.misrouted)} / ${pct(b.triaged)} |`);
  }
}

// 3. The final models on the whole training part, measured once on the held-out part: the one
// chosen now, and the production one (its settings and margin), for the before/after table.
let started = performance.now();
const model = trainModel(training, chosen!.cv.options);
const trainMs = performance.now() - started;
const beforeModel = trainModel(training, before!.options);
console.log(`\n## Held-out part (${heldOut.length} cases)`);
console.log(`train on ${training.length}: ${(trainMs / 1000).toFixed(2)} s; model: ${model.vocabulary.length} features × ${model.categories.length} categories, ${(JSON.stringify(model).length / 1e6).toFixed(2)} MB as JSON`);
const ownerOf = new Map(taxonomy.categories.map((c) => [c.code, c.owner]));
const muniOf = new Map(taxonomy.municipalities.flatMap((m) => m.areas.map((a) => [a.code, m.code] as const)));
for (const [name, m] of [['before', beforeModel], ['after', model]] as const) {
  const topOf = heldOut.map((l) => classify(m, textOf(l)).candidates[0]!.category);
  const categoryAccuracy = topOf.filter((c, i) => c === heldOut[i]!.category).length / heldOut.length;
  const topAgencyAccuracy = topOf.filter((c, i) => (ownerOf.get(c) === MUNICIPALITY ? muniOf.get(heldOut[i]!.area) : ownerOf.get(c)) === heldOut[i]!.agency).length / heldOut.length;
  const byLang = ['ar', 'en', 'mixed'].map((lang) => {
    const idx = heldOut.map((l, i) => (l.lang === lang ? i : -1)).filter((i) => i >= 0);
    return `${lang} ${pct(idx.filter((i) => topOf[i] === heldOut[i]!.category).length / idx.length)} of ${idx.length}`;
  });
  console.log(`${name}: category accuracy (top candidate) ${pct(categoryAccuracy)} (${byLang.join(', ')}); agency of the top candidate (area given, no threshold) ${pct(topAgencyAccuracy)}`);
}

console.log('\n| model | rule | value | area | agency correct | misrouted | triaged | category correct (routed) |');
console.log('|---|---|---|---|---|---|---|---|');
const outcomes = new Map<string, Rates>();
const heldOutRow = (name: string, m: Model, r: RoutingRule, v: number, basis: 'agency' | 'category', mark: string): void => {
  for (const withArea of [true, false]) {
    const res = rates(heldOut, heldOut.map((l) => decide(m, l, v, withArea, r, basis, name === 'before' ? 0 : MIN_CATEGORY)));
    outcomes.set(`${name}|${r}|${v}|${basis}|${withArea}`, res);
    console.log(`| ${name} | ${r}${basis === 'category' ? ' (top category alone)' : ''} | ${v}${mark} | ${withArea ? 'given' : 'from text'} | ${pct(res.agencyCorrect)} | ${pct(res.misrouted)} | ${pct(res.triaged)} | ${pct(res.categoryCorrect)} |`);
  }
};
heldOutRow('before', beforeModel, BEFORE_RULE.rule, BEFORE_RULE.value, 'agency', ' **(round 4)**');
for (const r of RULES) for (const v of valuesOf(r)) heldOutRow('after', model, r, v, 'agency', r === rule && v === value ? ' **(chosen)**' : '');
heldOutRow('after', model, 'threshold', 0.5, 'category', '');

// Place recognition on the held-out texts, against the area the line carries.
let right = 0;
let wrong = 0;
let trusted = 0;
for (const line of heldOut) {
  const place = findArea(textOf(line), taxonomy.municipalities.flatMap((m) => m.areas), placeAliasesOf(PROFILE));
  if (!place || place.confidence < 0.75) continue;
  trusted++;
  if (place.area === line.area) right++;
  else wrong++;
}
console.log(`\nplace recognition (confidence ≥ 0.75): area found in ${pct(trusted / heldOut.length)} of texts; right ${right}, wrong ${wrong}`);

// 4. Time to classify and route one case, one at a time on this thread (one core).
function percentiles(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! };
}
const REPEAT = 50;
for (const [name, run] of [
  ['classify', (l: HistoryLine) => classify(model, textOf(l))],
  ['routeCase (no area: classify + place recognition)', (l: HistoryLine) => decide(model, l, value, false, rule)],
] as const) {
  for (const line of heldOut) run(line); // warm-up
  const samples: number[] = [];
  for (let r = 0; r < REPEAT; r++) {
    for (const line of heldOut) {
      started = performance.now();
      run(line);
      samples.push(performance.now() - started);
    }
  }
  const p = percentiles(samples);
  console.log(`${name}: p50 ${p.p50.toFixed(3)} ms, p99 ${p.p99.toFixed(3)} ms, max ${p.max.toFixed(2)} ms over ${samples.length} calls`);
}
const chosenWith = outcomes.get(`after|${rule}|${value}|agency|true`)!;
const chosenWithout = outcomes.get(`after|${rule}|${value}|agency|false`)!;
console.log(`\nsummary at the chosen ${rule} ${value}: with area ${pct(chosenWith.agencyCorrect)} correct, ${pct(chosenWith.misrouted)} misrouted, ${pct(chosenWith.triaged)} triaged; ` +
  `without area ${pct(chosenWithout.agencyCorrect)} correct, ${pct(chosenWithout.misrouted)} misrouted, ${pct(chosenWithout.triaged)} triaged (targets ≥ 90 %, ≤ 3 %)`);
