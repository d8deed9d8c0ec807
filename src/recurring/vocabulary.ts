/**
 * The words a look-alike search may use and show a stranger (pure): the problem vocabulary of a
 * category, which is data about categories and never about people: the deployment profile's seed
 * phrases per category (profiles/<code>/seeds.json) and the classifier's bilingual
 * thesaurus (classification/concepts.ts). Both were written from general knowledge of how problems
 * are described, not from any citizen's text. The trained model's vocabulary is not used: it is
 * learnt from the history, so it holds names, numbers and rare words of real cases.
 *
 * The search compares two texts on the features of this vocabulary only, and shows only shared
 * words of it. So a person's name, a phone or house number or a rare word in another citizen's
 * description is never named back to the searcher who typed it, nor does typing it move a score or
 * bring a case into the answer (a list of names cannot be tried one by one against the answers).
 */
import { categorySeedsOf, CONCEPTS, contentWords, textFeatures } from '../classification/index.js';
import type { TextVector } from './similarity.js';

export interface ProblemVocabulary {
  /** Stems of the vocabulary's words. */
  stems: ReadonlySet<string>;
  /** The thesaurus concepts the category's seed phrases name. */
  concepts: ReadonlySet<string>;
}

const cache = new Map<string, ProblemVocabulary>();

/**
 * The vocabulary of one category of the profile: the stems of its seed phrases, and of every word of
 * the thesaurus concepts those phrases name (so that a dialect or English wording of the same
 * problem counts too). A search compares cases of one category, so the words of the others are left
 * out: "القصاب" is a food-safety word and also a family name, and a sewage search must not use it.
 * A stem without letters (a number) never counts. A category without seed phrases (a deployment's
 * own taxonomy) has the whole thesaurus.
 */
export function problemVocabulary(profile: string, category: string): ProblemVocabulary {
  const key = `${profile}\u0000${category}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const stems = new Set<string>();
  const add = (text: string): void => {
    for (const w of contentWords(text)) if (w.stem.length >= 2 && /\p{L}/u.test(w.stem)) stems.add(w.stem);
  };
  const seeds = categorySeedsOf(profile)[category] ?? [];
  const concepts = new Set<string>(seeds.length ? [] : Object.keys(CONCEPTS));
  for (const phrase of seeds) {
    add(phrase);
    for (const feature of textFeatures(phrase).weights.keys()) if (feature.startsWith('k:')) concepts.add(feature.slice(2));
  }
  for (const concept of concepts) for (const name of CONCEPTS[concept] ?? []) add(name.startsWith('=') ? name.slice(1) : name);
  const vocabulary = { stems, concepts };
  cache.set(key, vocabulary);
  return vocabulary;
}

/** The words of a text whose stems are in the vocabulary, in order; names, numbers and rare words left out. */
export function problemWordsOf(text: string, vocabulary: ProblemVocabulary): string {
  return contentWords(text)
    .filter((w) => vocabulary.stems.has(w.stem))
    .map((w) => w.token)
    .join(' ');
}

/**
 * A vector cut down to the vocabulary's features, unit length again: its words, pairs of its words
 * and its concepts. Character n-grams go, as a stored vector does not say which word each came from.
 */
export function withinVocabulary(v: TextVector, vocabulary: ProblemVocabulary): TextVector {
  const keep = (f: string): boolean => {
    if (f.startsWith('w:')) return vocabulary.stems.has(f.slice(2));
    if (f.startsWith('k:')) return vocabulary.concepts.has(f.slice(2));
    if (f.startsWith('b:')) return f.slice(2).split(' ').every((s) => vocabulary.stems.has(s));
    return false;
  };
  const f: string[] = [];
  const w: number[] = [];
  v.f.forEach((feature, k) => {
    if (keep(feature)) {
      f.push(feature);
      w.push(v.w[k]!);
    }
  });
  const norm = Math.sqrt(w.reduce((s, x) => s + x * x, 0)) || 1;
  return { f, w: w.map((x) => x / norm) };
}
