/**
 * How alike two complaints are (pure). A text becomes a sparse vector of the classifier's features
 * (src/classification/features.ts): stemmed words, pairs of neighbouring words (which tell "overflow
 * in the street" from "smell from the pumping station"), concepts of the bilingual thesaurus (so
 * dialect and English wordings meet), and character n-grams (spelling variants), without place
 * names (the place is compared apart). Similarity is the cosine of two vectors.
 *
 * Vectors are computed once, when a case is filed, and stored in a compact form (top features by
 * weight), so the incremental detection and the nightly rebuild compare exactly the same numbers.
 */
import { textFeatures, type FeatureOptions } from '../classification/index.js';

export interface TextVector {
  /** Feature names, sorted. */
  f: string[];
  /** Weights, unit length overall. */
  w: number[];
}

export const SIMILARITY_FEATURES: FeatureOptions = {
  unigramWeight: 1,
  bigramWeight: 0.5,
  conceptWeight: 1,
  ngramWeight: 0.15,
  ngramMin: 3,
  ngramMax: 4,
};

/** At most this many features are kept per case: enough for 5,000 characters, small to store. */
const MAX_FEATURES = 300;

/** The stored vector of a text; `placeWords` (classification `placeWords`) are left out. */
export function vectorOf(text: string, placeWords: readonly string[] = []): TextVector {
  const { weights } = textFeatures(text, { ...SIMILARITY_FEATURES, placeWords });
  const top = [...weights].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_FEATURES);
  const norm = Math.sqrt(top.reduce((s, [, v]) => s + v * v, 0)) || 1;
  top.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { f: top.map(([k]) => k), w: top.map(([, v]) => Math.round((v / norm) * 1e4) / 1e4) };
}

/** Cosine of two stored vectors (both unit length): a merge of two sorted lists. */
export function cosine(a: TextVector, b: TextVector): number {
  let i = 0;
  let j = 0;
  let dot = 0;
  while (i < a.f.length && j < b.f.length) {
    const x = a.f[i]!;
    const y = b.f[j]!;
    if (x === y) dot += a.w[i++]! * b.w[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return Math.round(Math.min(1, dot) * 1e4) / 1e4;
}

/** The shared stemmed words of two vectors, heaviest first: part of the explanation of a grouping. */
export function sharedWords(a: TextVector, b: TextVector, max = 8): string[] {
  const weightB = new Map(b.f.map((f, k) => [f, b.w[k]!]));
  return a.f
    .map((f, k) => ({ f, score: a.w[k]! * (weightB.get(f) ?? 0) }))
    .filter((x) => x.score > 0 && x.f.startsWith('w:'))
    .sort((x, y) => y.score - x.score)
    .slice(0, max)
    .map((x) => x.f.slice(2));
}

/** A vector as one string for storage: one document field instead of hundreds of array elements. */
export function packVector(v: TextVector): string {
  return JSON.stringify([v.f, v.w]);
}

/** The vector of `packVector`. */
export function unpackVector(packed: string): TextVector {
  const [f, w] = JSON.parse(packed) as [string[], number[]];
  return { f, w };
}
