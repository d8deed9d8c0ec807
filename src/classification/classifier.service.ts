/**
 * Text classification with I/O: training from the database (imported history plus staff's routing
 * corrections, from hooks.correctedCases), storing versioned models, the model in use (the newest
 * version, the same for every instance), keyword rules, and the classifier's decision for a new case
 * (routeByText; routing.service.ts puts the taxonomy rule first).
 *
 * Each training run measures itself first: a model trained on the history outside the held-out
 * slice (FNV-1a of `ref` mod 5 = 0, the same slice as bench/classification.ts) is scored on that
 * slice; then the model put in use is trained on everything. The evaluation is stored with it.
 */
import { getDirectory, type DirectoryView } from '../directory/index.js';
import { BadRequestError, ServiceUnavailableError, ValidationError } from '../shared/errors.js';
import type { Hooks } from '../shared/hooks.js';
import { ReadCache } from '../shared/read-cache.js';
import { ClassifierVersionModel, HistoryCaseModel, KeywordRuleModel } from './classifier.model.js';
import type { KeywordRule } from './keywords.js';
import { classify, train, type LabelledText, type Model } from './model.js';
import { placeWords, type PlaceAlias } from './places.js';
import { categorySeedsOf, placeAliasesOf, seedExamples } from './profiles.js';
import { isHeldOut } from './split.js';
import { routeCase, type RouteDecision, type RoutingTaxonomy } from './route.js';

/** The text the classifier reads: title and description, as in training and at intake. */
export const textOf = (c: { title?: string | null; description: string }): string => `${c.title ?? ''}\n${c.description}`;

/** When the classifier may route: the agency's probability, its lead over the runner-up, the category's own probability. */
export interface RoutingBar {
  threshold: number;
  margin: number;
  /** Optional for models evaluated before it existed (0: no floor). */
  minCategory?: number;
}

/** The routing bar a deployment configured (CLASSIFIER_THRESHOLD, CLASSIFIER_MARGIN, CLASSIFIER_MIN_CATEGORY). */
export function routingBarOf(config: { classifierThreshold: number; classifierMargin: number; classifierMinCategory: number }): RoutingBar {
  return { threshold: config.classifierThreshold, margin: config.classifierMargin, minCategory: config.classifierMinCategory };
}

/**
 * Chosen by cross-validation on the training part of the demo history (bench/classification.ts):
 * sublinear counts (round 4); the seed phrases added to the examples (round 5), with L2 5e-5 for the
 * longer lists of round 6.
 * Models stored before keep their own options. bench/classification-alternatives.ts trains with it.
 */
export const TRAINING = { l2: 5e-5, features: { sublinear: true } };

export interface Evaluation {
  heldOut: number;
  trainedOn: number;
  threshold: number;
  margin: number;
  /** Absent in evaluations stored before the category floor existed. */
  minCategory?: number;
  categoryAccuracy: number;
  agencyCorrect: number;
  misrouted: number;
  triaged: number;
  /** Pairs of (actual, predicted top category) that differ, most frequent first. */
  confusion: { actual: string; predicted: string; count: number }[];
}

export interface ModelInfo {
  version: number;
  trainedAt: string;
  /** Seed phrases: the profile's examples per category (profiles/<code>/seeds.json), 0 for models stored before. */
  examples: { history: number; corrections: number; seeds: number };
  evaluation: Evaluation | null;
  trainedBy: string;
  trainMs: number | null;
}

interface Example extends LabelledText {
  ref: string;
  area: string | null;
  agency: string;
  source: 'history' | 'correction';
}

// ---- taxonomy for routing: derived from the directory's view, kept beside it ----

/**
 * The directory gives one view object until it changes (an administrator's edit clears it at once),
 * so the taxonomy derived from it lives exactly as long: route.ts keeps what it derives from it in a
 * WeakMap in turn. Given an instant (routing a new case), only the categories offered then: a
 * retired category, or one outside its window, is never the category a case is routed with.
 */
const taxonomies = new WeakMap<DirectoryView, RoutingTaxonomy>();

async function taxonomyFor(profile: string, at?: Date): Promise<RoutingTaxonomy> {
  const d = await getDirectory(profile, at);
  if (!d) throw new ServiceUnavailableError('DIRECTORY_NOT_SEEDED', 'The directory has not been loaded.');
  let taxonomy = taxonomies.get(d);
  if (!taxonomy) {
    taxonomy = {
      municipalities: d.municipalities.map((m) => ({ code: m.code, areas: m.areas.map((a) => ({ code: a.code, name_ar: a.name_ar, name_en: a.name_en })) })),
      categories: d.categories.map((c) => ({ code: c.code, owner: c.owner })),
    };
    taxonomies.set(d, taxonomy);
  }
  return taxonomy;
}

// ---- training ----

/** Labelled examples: imported history, and the cases staff corrected (hooks.correctedCases). */
async function examplesFor(profile: string, corrections: Hooks['correctedCases']): Promise<Example[]> {
  const history = await HistoryCaseModel.find({ profile }).sort({ ref: 1 }).lean();
  const corrected = await corrections(profile);
  return [
    ...history.map((h) => ({ ref: h.ref, text: textOf(h), category: h.category, area: h.area ?? null, agency: h.agency, source: 'history' as const })),
    ...corrected.map((c) => ({ ref: c.reference, text: c.text, category: c.category, area: c.area ?? null, agency: c.agency, source: 'correction' as const })),
  ];
}

function evaluate(model: Model, taxonomy: RoutingTaxonomy, heldOut: Example[], bar: RoutingBar, aliases: readonly PlaceAlias[]): Omit<Evaluation, 'heldOut' | 'trainedOn' | 'threshold' | 'margin'> {
  let categoryRight = 0;
  let correct = 0;
  let wrong = 0;
  let triaged = 0;
  const pairs = new Map<string, number>();
  for (const e of heldOut) {
    const top = classify(model, e.text).candidates[0]?.category ?? '';
    if (top === e.category) categoryRight++;
    else pairs.set(`${e.category}>${top}`, (pairs.get(`${e.category}>${top}`) ?? 0) + 1);
    const d = routeCase(model, taxonomy, { text: e.text, area: e.area }, { ...bar, aliases });
    if (d.method === 'triage') triaged++;
    else if (d.agency === e.agency) correct++;
    else wrong++;
  }
  const n = Math.max(1, heldOut.length);
  const share = (k: number): number => Math.round((k / n) * 10_000) / 10_000;
  return {
    categoryAccuracy: share(categoryRight),
    agencyCorrect: share(correct),
    misrouted: share(wrong),
    triaged: share(triaged),
    confusion: [...pairs]
      .map(([k, count]) => ({ actual: k.split('>')[0]!, predicted: k.split('>')[1]!, count }))
      .sort((a, b) => b.count - a.count || a.actual.localeCompare(b.actual))
      .slice(0, 20),
  };
}

/** Trains, evaluates and stores a new model version; returns what was stored. */
export async function trainAndStore(profile: string, now: Date, bar: RoutingBar, trainedBy: string, corrections: Hooks['correctedCases']): Promise<ModelInfo> {
  const examples = await examplesFor(profile, corrections);
  if (examples.length < 20 || new Set(examples.map((e) => e.category)).size < 2) {
    throw new BadRequestError('NOT_ENOUGH_HISTORY', 'Too little labelled history to train on: import history first (npm run cli -- history:import FILE).');
  }
  const started = Date.now();
  const taxonomy = await taxonomyFor(profile);
  const aliases = placeAliasesOf(profile);
  // Place names say where, not what: they are kept out of the features (place recognition uses them).
  const options = { now, ...TRAINING, features: { ...TRAINING.features, placeWords: placeWords(taxonomy.municipalities.flatMap((m) => m.areas), aliases) } };
  // The seeds join the training examples, never the held-out slice the evaluation scores.
  const seeds = seedExamples(categorySeedsOf(profile), taxonomy.categories);
  const heldOut = examples.filter((e) => e.source === 'history' && isHeldOut(e.ref));
  let evaluation: Evaluation | null = null;
  if (heldOut.length > 0) {
    const rest = examples.filter((e) => !(e.source === 'history' && isHeldOut(e.ref)));
    const trial = train([...rest, ...seeds], options);
    evaluation = { heldOut: heldOut.length, trainedOn: rest.length, threshold: bar.threshold, margin: bar.margin, minCategory: bar.minCategory ?? 0, ...evaluate(trial, taxonomy, heldOut, bar, aliases) };
  }
  const model = train([...examples, ...seeds], options);
  const trainMs = Date.now() - started;
  const latest = await ClassifierVersionModel.findOne({ profile }).sort({ version: -1 }).select({ version: 1 }).lean();
  const version = (latest?.version ?? 0) + 1;
  const history = examples.filter((e) => e.source === 'history').length;
  await ClassifierVersionModel.create({
    profile,
    version,
    modelJson: JSON.stringify(model),
    trainedAt: now,
    examples: { history, corrections: examples.length - history, seeds: seeds.length },
    evaluation,
    trainedBy,
    trainMs,
  });
  invalidateModelCache();
  return { version, trainedAt: now.toISOString(), examples: { history, corrections: examples.length - history, seeds: seeds.length }, evaluation, trainedBy, trainMs };
}

// ---- the model in use ----

const active = new ReadCache<{ version: number; model: Model | null }>(30_000);

export function invalidateModelCache(): void {
  active.clear();
}

/** The newest model of the profile (null before any training); re-checked every 30 s per instance. */
export async function modelInUse(profile: string): Promise<{ version: number; model: Model } | null> {
  const fresh = active.fresh(profile);
  if (fresh) return fresh.model ? { version: fresh.version, model: fresh.model } : null;
  const latest = await ClassifierVersionModel.findOne({ profile }).sort({ version: -1 }).select({ version: 1 }).lean();
  if (!latest) {
    active.set(profile, { version: 0, model: null });
    return null;
  }
  const kept = active.kept(profile);
  if (kept?.model && kept.version === latest.version) {
    active.set(profile, kept); // unchanged: checked again now
    return { version: kept.version, model: kept.model };
  }
  const doc = (await ClassifierVersionModel.findOne({ profile, version: latest.version }).lean())!;
  const model = JSON.parse(doc.modelJson) as Model;
  active.set(profile, { version: doc.version, model });
  return { version: doc.version, model };
}

export async function modelInfo(profile: string): Promise<ModelInfo | null> {
  const doc = await ClassifierVersionModel.findOne({ profile }).sort({ version: -1 }).select({ modelJson: 0 }).lean();
  if (!doc) return null;
  return {
    version: doc.version,
    trainedAt: doc.trainedAt.toISOString(),
    examples: { history: doc.examples.history ?? 0, corrections: doc.examples.corrections ?? 0, seeds: doc.examples.seeds ?? 0 },
    evaluation: (doc.evaluation as Evaluation | undefined) ?? null,
    trainedBy: doc.trainedBy,
    trainMs: doc.trainMs ?? null,
  };
}

// ---- keyword rules ----

const rulesCache = new ReadCache<KeywordRule[]>(30_000);

export function keywordRules(profile: string): Promise<KeywordRule[]> {
  return rulesCache.get(profile, async () => {
    const docs = await KeywordRuleModel.find({ profile }).sort({ category: 1 }).lean();
    return docs.map((d) => ({ category: d.category, keywords: [...d.keywords] }));
  });
}

/** Replaces the keywords of a category (an empty list removes its rule). */
export async function setKeywordRule(profile: string, category: string, keywords: string[], by: { userId: string; name: string }, now: Date): Promise<KeywordRule | null> {
  const d = await getDirectory(profile);
  if (!d?.categories.some((c) => c.code === category)) throw new ValidationError([{ field: 'category', code: 'UNKNOWN_CODE', message: `No category with the code ${category}.` }]);
  const clean = [...new Set(keywords.map((k) => k.trim()).filter(Boolean))];
  rulesCache.clear();
  if (clean.length === 0) {
    await KeywordRuleModel.deleteOne({ profile, category });
    return null;
  }
  await KeywordRuleModel.updateOne({ profile, category }, { $set: { keywords: clean, updatedBy: by, updatedAt: now } }, { upsert: true });
  return { category, keywords: clean };
}

// ---- routing a new case ----

export interface IntakeRouting {
  decision: RouteDecision;
  modelVersion: number;
}

/**
 * The classifier's decision for a case filed without a category, or with a municipal category and
 * no area (a place named in the text may give it). Null when no model has been trained yet.
 */
export async function routeByText(profile: string, request: { text: string; category?: string | null; area?: string | null }, bar: RoutingBar, at?: Date): Promise<IntakeRouting | null> {
  const inUse = await modelInUse(profile);
  if (!inUse) return null;
  const [taxonomy, rules] = await Promise.all([taxonomyFor(profile, at), keywordRules(profile)]);
  const decision = routeCase(inUse.model, taxonomy, request, { ...bar, aliases: placeAliasesOf(profile), rules });
  return { decision, modelVersion: inUse.version };
}
