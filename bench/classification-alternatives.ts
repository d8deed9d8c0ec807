/**
 * Alternatives to the deployed routing, compared by cross-validation inside the training part only
 * (issue #5, round 7). The held-out part is never read here: this script decides whether an
 * alternative is worth a held-out look at all.
 *
 *   npm run bench:classification-alternatives [history.jsonl] [taxonomy.json]   # about 6 minutes on 2 cores
 *
 * Every variant routes with the area given, by a margin over the runner-up agency and with the
 * category floor of the service (CLASSIFIER_MIN_CATEGORY 0.25), and is shown at several margins, so
 * that variants are compared at equal misrouting rather than at one setting. The variants:
 * - deployed: one softmax model over categories (the service's training settings), probabilities
 *   summed per agency (route.ts);
 * - agency head: a second softmax model trained on the owner of each example's category (a
 *   municipal category counts as "the municipality", then the area's), routed on its own margin;
 * - mean of the two: the agency probabilities of both models averaged;
 * - both agree: routed only when both models name the same agency, each by the margin;
 * - title twice: the deployed model with the title written twice, in training and classifying;
 * - bagged: five models on bootstrap samples of the examples, probabilities averaged.
 */
import { MUNICIPALITY } from '../src/classification/rule.js';
import { categorySeedsOf, placeAliasesOf, seedExamples } from '../src/classification/profiles.js';
import { TRAINING } from '../src/classification/classifier.service.js';
import { classify, train, type LabelledText, type Model } from '../src/classification/model.js';
import { placeWords } from '../src/classification/places.js';
import { fnv1a, isHeldOut } from '../src/classification/split.js';
import { loadHistory, loadTaxonomy, PROFILE, type HistoryLine } from './support/history.js';

const history = loadHistory();
const taxonomy = loadTaxonomy();
const training = history.filter((l) => !isHeldOut(l.ref));
const ownerOf = new Map(taxonomy.categories.map((c) => [c.code, c.owner]));
const municipalityOf = new Map(taxonomy.municipalities.flatMap((m) => m.areas.map((a) => [a.code, m.code] as const)));
const MIN_CATEGORY = 0.25;
const MARGINS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4];
const ASSIGNMENTS = ['#cv', '#cv2'];
const BAGS = 5;
const options = {
  now: new Date('2026-11-20T00:00:00Z'),
  ...TRAINING,
  features: { ...TRAINING.features, placeWords: placeWords(taxonomy.municipalities.flatMap((m) => m.areas), placeAliasesOf(PROFILE)) },
};
const SEEDS = seedExamples(categorySeedsOf(PROFILE), taxonomy.categories);
const textOf = (l: HistoryLine, titleTimes = 1): string => `${Array<string>(titleTimes).fill(l.title).join('\n')}\n${l.description}`;

/** Category (or owner) → probability. */
type Distribution = Map<string, number>;
const distribution = (model: Model, text: string): Distribution => new Map(classify(model, text).candidates.map((c) => [c.category, c.probability]));
const average = (ds: Distribution[]): Distribution => {
  const out = new Map<string, number>();
  for (const d of ds) for (const [k, p] of d) out.set(k, (out.get(k) ?? 0) + p / ds.length);
  return out;
};

interface Prediction {
  line: HistoryLine;
  categories: Distribution;
  owners: Distribution;
  titleTwice: Distribution;
  bagged: Distribution;
}

/** A deterministic generator for the bootstrap samples (the run repeats exactly). */
function generator(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
}

const predictions: Prediction[] = [];
const random = generator(12_345);
const started = performance.now();
for (const assignment of ASSIGNMENTS) {
  for (let fold = 0; fold < 5; fold++) {
    const inFold = (l: HistoryLine): boolean => fnv1a(`${l.ref}${assignment}`) % 5 === fold;
    const rest = training.filter((l) => !inFold(l));
    const examples: LabelledText[] = [...rest.map((l) => ({ text: textOf(l), category: l.category })), ...SEEDS];
    const model = train(examples, options);
    const ownerModel = train(examples.map((e) => ({ text: e.text, category: ownerOf.get(e.category)! })), options);
    const titleModel = train([...rest.map((l) => ({ text: textOf(l, 2), category: l.category })), ...SEEDS], options);
    const bags = Array.from({ length: BAGS }, () => train(Array.from({ length: examples.length }, () => examples[Math.floor(random() * examples.length)]!), options));
    for (const line of training.filter(inFold)) {
      predictions.push({
        line,
        categories: distribution(model, textOf(line)),
        owners: distribution(ownerModel, textOf(line)),
        titleTwice: distribution(titleModel, textOf(line, 2)),
        bagged: average(bags.map((m) => distribution(m, textOf(line)))),
      });
    }
    process.stderr.write('.');
  }
}
process.stderr.write('\n');

const agencyOf = (owner: string, area: string): string => (owner === MUNICIPALITY ? municipalityOf.get(area)! : owner);
/** Agency → probability, from category probabilities (or owner probabilities: an owner is its own category). */
function byAgency(d: Distribution, area: string): Distribution {
  const out = new Map<string, number>();
  for (const [k, p] of d) {
    const agency = agencyOf(ownerOf.get(k) ?? k, area);
    out.set(agency, (out.get(agency) ?? 0) + p);
  }
  return out;
}
function leader(d: Distribution): { agency: string; margin: number } {
  const sorted = [...d].sort((a, b) => b[1] - a[1]);
  return { agency: sorted[0]![0], margin: sorted[0]![1] - (sorted[1]?.[1] ?? 0) };
}
/** The category floor: the agency's most probable category must reach MIN_CATEGORY. */
function floorHolds(categories: Distribution, agency: string, area: string): boolean {
  let best = 0;
  for (const [c, p] of categories) if (agencyOf(ownerOf.get(c)!, area) === agency) best = Math.max(best, p);
  return best >= MIN_CATEGORY;
}
type Variant = (p: Prediction, margin: number) => string | null;
const byMargin = (categories: (p: Prediction) => Distribution, agencies: (p: Prediction) => Distribution): Variant => (p, margin) => {
  const top = leader(agencies(p));
  return top.margin >= margin && floorHolds(categories(p), top.agency, p.line.area) ? top.agency : null;
};
const VARIANTS: [string, Variant][] = [
  ['deployed (categories summed per agency)', byMargin((p) => p.categories, (p) => byAgency(p.categories, p.line.area))],
  ['agency head', byMargin((p) => p.categories, (p) => byAgency(p.owners, p.line.area))],
  ['mean of the two', byMargin((p) => p.categories, (p) => average([byAgency(p.categories, p.line.area), byAgency(p.owners, p.line.area)]))],
  ['both agree', (p, margin) => {
    const a = leader(byAgency(p.categories, p.line.area));
    const b = leader(byAgency(p.owners, p.line.area));
    return a.agency === b.agency && Math.min(a.margin, b.margin) >= margin && floorHolds(p.categories, a.agency, p.line.area) ? a.agency : null;
  }],
  ['title twice', byMargin((p) => p.titleTwice, (p) => byAgency(p.titleTwice, p.line.area))],
  [`bagged (${BAGS} bootstrap models)`, byMargin((p) => p.bagged, (p) => byAgency(p.bagged, p.line.area))],
];

const pct = (x: number): string => `${(100 * x).toFixed(1)}`;
const n = predictions.length;
console.log(`${training.length} training cases, ${ASSIGNMENTS.length} fold assignments pooled: ${n} predictions; area given; category floor ${MIN_CATEGORY}; ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(`\nagency correct / misrouted (% of all cases) by margin:\n`);
console.log(`| variant | ${MARGINS.join(' | ')} |`);
console.log(`|---|${MARGINS.map(() => '---').join('|')}|`);
for (const [name, route] of VARIANTS) {
  const cells = MARGINS.map((m) => {
    let right = 0;
    let wrong = 0;
    for (const p of predictions) {
      const agency = route(p, m);
      if (agency === null) continue;
      if (agency === p.line.agency) right++;
      else wrong++;
    }
    return `${pct(right / n)} / ${pct(wrong / n)}`;
  });
  console.log(`| ${name} | ${cells.join(' | ')} |`);
}
const topRight = (agencies: (p: Prediction) => Distribution): string => pct(predictions.filter((p) => leader(agencies(p)).agency === p.line.agency).length / n);
console.log(`\nagency of the top answer, no margin: deployed ${topRight((p) => byAgency(p.categories, p.line.area))} %, agency head ${topRight((p) => byAgency(p.owners, p.line.area))} %`);
