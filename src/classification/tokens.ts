/**
 * From normalised tokens to the units the classifier counts: dialect folding, stop words, light
 * stemming and character n-grams (pure). Stop words are stopwords-iso's Arabic and English lists, put
 * through the same normaliser, less the topical words of lexicon.ts, plus its dialect list. Stemmers:
 * the Snowball Arabic and English (Porter 2) stemmers of @orama/stemmers.
 */
import { stemmer as snowballArabic } from '@orama/stemmers/arabic';
import { stemmer as snowballEnglish } from '@orama/stemmers/english';
import stopwordsIso from 'stopwords-iso/stopwords-iso.json';
import { DIALECT_STOP_WORDS, DIALECT_WORDS, KEEP_WORDS } from './lexicon.js';
import { isArabic, normaliseText } from './normalise.js';

let stopWords: Set<string> | undefined;

/** Built on first use (nothing happens on import). */
function stopWordSet(): Set<string> {
  if (stopWords) return stopWords;
  const keep = new Set(KEEP_WORDS);
  const set = new Set<string>();
  for (const word of [...stopwordsIso.ar, ...stopwordsIso.en, ...DIALECT_STOP_WORDS]) {
    for (const form of normaliseText(word).split(' ')) if (form && !keep.has(form)) set.add(form);
  }
  stopWords = set;
  return set;
}

/** Also behind the conjunctions و and ف ("ونحن", "فهو"), which Arabic writes joined to the word. */
export function isStopWord(token: string): boolean {
  if (token.length < 2 || /^\d+$/.test(token)) return true;
  const set = stopWordSet();
  return set.has(token) || (token.length > 2 && (token[0] === 'و' || token[0] === 'ف') && set.has(token.slice(1)));
}

/** Dialect word → standard word, also behind the article or a one-letter proclitic ("الليتات"). */
export function foldDialect(token: string): string {
  const direct = DIALECT_WORDS[token];
  if (direct) return direct;
  for (const prefix of ['ال', 'وال', 'بال', 'و', 'ب']) {
    if (token.startsWith(prefix)) {
      const folded = DIALECT_WORDS[token.slice(prefix.length)];
      if (folded) return prefix + folded;
    }
  }
  return token;
}

const ARTICLE_PREFIXES = ['وال', 'بال', 'كال', 'فال', 'لل', 'ال'];

/**
 * Arabic light stem: the article and its proclitics off first (Snowball's Arabic stemmer takes a
 * prefix or a suffix, not both, so "المدرسه" and "مدرسه" would stem apart), a final ه read as ة
 * (citizens write either; Snowball strips both, as noun ending or pronoun), then Snowball.
 */
export function stemArabic(token: string): string {
  let word = token;
  for (const prefix of ARTICLE_PREFIXES) {
    if (word.startsWith(prefix) && word.length - prefix.length >= 2) {
      word = word.slice(prefix.length);
      break;
    }
  }
  if (word.length >= 4 && word.endsWith('ه')) word = `${word.slice(0, -1)}ة`;
  const stem = snowballArabic(word).replace(/ة/g, 'ه');
  return stem.length >= 2 ? stem : word.replace(/ة/g, 'ه');
}

/** Stem of one normalised token: Arabic or English Snowball; Arabizi with digits ("7ofar") as it is. */
export function stem(token: string): string {
  if (isArabic(token)) return stemArabic(token);
  if (/^[a-z]+$/.test(token)) return snowballEnglish(token);
  return token;
}

/** Character n-grams of a word with boundary markers: "<" + word + ">", each length in [min, max]. */
export function charNgrams(word: string, min = 3, max = 4): string[] {
  const marked = `<${word}>`;
  const grams: string[] = [];
  for (let n = min; n <= max; n++) {
    for (let i = 0; i + n <= marked.length; i++) grams.push(marked.slice(i, i + n));
  }
  return grams;
}
