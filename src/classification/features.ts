/**
 * A text as weighted features for the classifier (pure): stemmed words ("w:"), pairs of neighbouring
 * stemmed words ("b:"), the concepts of concepts.ts the words name ("k:"), and character n-grams of
 * each word's stem ("c:") so that a misspelt or oddly inflected word still shares most of its n-grams
 * with the usual spelling. Each feature remembers the word of the citizen's text it came from, so an
 * explanation can show words, not n-grams.
 */
import { CONCEPTS } from './concepts.js';
import { tokenise } from './normalise.js';
import { charNgrams, foldDialect, isStopWord, stem } from './tokens.js';

export interface FeatureOptions {
  /** Weight of a stemmed word. */
  unigramWeight: number;
  /** Weight of a pair of neighbouring (non-stop) stemmed words; 0 turns pairs off. */
  bigramWeight: number;
  /** Weight of a concept of concepts.ts named by a word ("k:water"); 0 turns concepts off. */
  conceptWeight: number;
  /** Weight of one character n-gram; 0 turns n-grams off. */
  ngramWeight: number;
  ngramMin: number;
  ngramMax: number;
  /**
   * Normalised words of place names (places.ts `placeWords`) that are not features, also behind the
   * article or a clitic ("بسترة", "والمحرق"). Optional: models stored before it had none.
   */
  placeWords?: readonly string[];
  /**
   * A feature seen n times weighs 1 + ln n times its weight instead of n times (sublinear term
   * frequency). Optional: models stored before it had none (plain counts).
   */
  sublinear?: boolean;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  unigramWeight: 1,
  bigramWeight: 0.5,
  conceptWeight: 1,
  ngramWeight: 0.1,
  ngramMin: 3,
  ngramMax: 4,
};

export interface Word {
  /** The word as the citizen wrote it, less punctuation, diacritics and tatweel. */
  display: string;
  /** Normalised and dialect-folded. */
  token: string;
  stem: string;
}

export interface TextFeatures {
  /** Feature → summed weight. */
  weights: Map<string, number>;
  /** Feature → index into `words` of (the first) word it came from. */
  origin: Map<string, number>;
  words: Word[];
}

/** Non-stop words of a text, in order. */
export function contentWords(text: string): Word[] {
  const words: Word[] = [];
  for (const chunk of text.split(/\s+/)) {
    const tokens = tokenise(chunk);
    for (const raw of tokens) {
      const token = foldDialect(raw);
      if (isStopWord(token)) continue;
      const display = tokens.length === 1 ? displayForm(chunk) || raw : raw;
      words.push({ display, token, stem: stem(token) });
    }
  }
  return words;
}

/** Letters and digits as written (hamza, ة, case kept); marks, tatweel and punctuation dropped. */
function displayForm(chunk: string): string {
  return chunk
    .normalize('NFC')
    .replace(/[\u0610-\u061A\u064B-\u065F\u0670\u0640]/g, '')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

/** Proclitics a place name may carry in running Arabic text: "في سترة" is also written "بسترة". */
const PLACE_PREFIXES = ['', 'و', 'ب', 'ف', 'ل', 'وال', 'بال', 'ال', 'لل'];
const placeSets = new WeakMap<readonly string[], Set<string>>();

function isPlaceWord(token: string, placeWords: readonly string[]): boolean {
  let set = placeSets.get(placeWords);
  if (!set) placeSets.set(placeWords, (set = new Set(placeWords)));
  for (const prefix of PLACE_PREFIXES) if (token.startsWith(prefix) && set.has(token.slice(prefix.length))) return true;
  return false;
}

export function textFeatures(text: string, options: FeatureOptions = DEFAULT_FEATURE_OPTIONS): TextFeatures {
  const words = contentWords(text);
  const { placeWords } = options;
  // Place words stay in `words` (keyword rules and explanations see the whole text) but give no
  // feature, and the words on either side of one count as neighbours.
  const counted = placeWords && placeWords.length > 0 ? words.flatMap((w, i) => (isPlaceWord(w.token, placeWords) ? [] : [i])) : words.map((_, i) => i);
  const weights = new Map<string, number>();
  const origin = new Map<string, number>();
  const counts = options.sublinear ? new Map<string, number>() : null;
  const add = (feature: string, weight: number, wordIndex: number): void => {
    weights.set(feature, (weights.get(feature) ?? 0) + weight);
    counts?.set(feature, (counts.get(feature) ?? 0) + 1);
    if (!origin.has(feature)) origin.set(feature, wordIndex);
  };
  counted.forEach((i, k) => {
    const word = words[i]!;
    add(`w:${word.stem}`, options.unigramWeight, i);
    if (options.conceptWeight > 0) for (const concept of conceptsOf(word)) add(`k:${concept}`, options.conceptWeight, i);
    if (options.bigramWeight > 0 && k > 0) add(`b:${words[counted[k - 1]!]!.stem} ${word.stem}`, options.bigramWeight, i);
    if (options.ngramWeight > 0) {
      for (const gram of charNgrams(word.stem, options.ngramMin, options.ngramMax)) add(`c:${gram}`, options.ngramWeight, i);
    }
  });
  if (counts) {
    // Each occurrence of a feature adds the same weight w: n of them give w·(1 + ln n), not w·n.
    for (const [feature, n] of counts) if (n > 1) weights.set(feature, (weights.get(feature)! / n) * (1 + Math.log(n)));
  }
  return { weights, origin, words };
}

let conceptIndex: Map<string, string[]> | undefined;

/** Concept words by stem and by token, built on first use. */
function conceptsOf(word: Word): string[] {
  if (!conceptIndex) {
    const index = new Map<string, string[]>();
    const put = (key: string, concept: string): void => {
      const list = index.get(key) ?? [];
      if (!list.includes(concept)) list.push(concept);
      index.set(key, list);
    };
    for (const [concept, names] of Object.entries(CONCEPTS)) {
      for (const name of names) {
        // "=park": that word only, not every word of its stem ("parking"). A stem of one or two
        // letters ("هو" of "هويه") stands for too many words to name a concept.
        const exact = name.startsWith('=');
        for (const w of contentWords(exact ? name.slice(1) : name)) {
          put(`t:${w.token}`, concept);
          if (!exact && w.stem.length >= 3) put(`s:${w.stem}`, concept);
        }
      }
    }
    conceptIndex = index;
  }
  const byToken = conceptIndex.get(`t:${word.token}`) ?? conceptIndex.get(`t:${withoutArticle(word.token)}`) ?? [];
  const byStem = conceptIndex.get(`s:${word.stem}`) ?? [];
  return byStem.length === 0 ? byToken : [...new Set([...byToken, ...byStem])];
}

/** "الصحيه" → "صحيه": the article and its proclitics off, so a word indexed by token alone still matches. */
function withoutArticle(token: string): string {
  for (const prefix of ['وال', 'بال', 'فال', 'كال', 'لل', 'ال']) {
    if (token.startsWith(prefix) && token.length - prefix.length >= 2) return token.slice(prefix.length);
  }
  return token;
}
