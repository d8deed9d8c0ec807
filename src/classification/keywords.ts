/**
 * Keyword rules per category, as data administrators edit (issue #5): a new category can be
 * recognised before any history exists, and a matched keyword is named in the explanation. A keyword
 * is a word or phrase; it matches when its stemmed words occur in a row among the text's content
 * words, so "تسرب المياه" also matches "تسربت مياه" and "water leaks" matches "water leaking".
 */
import { contentWords, type Word } from './features.js';
import { normaliseText } from './normalise.js';
import { stem } from './tokens.js';

export interface KeywordRule {
  category: string;
  keywords: string[];
}

export interface KeywordMatch {
  category: string;
  /** The keywords as the administrator wrote them. */
  keywords: string[];
}

const stemCache = new Map<string, string[]>();

/** Stems of a keyword; a keyword made only of stop words still matches on its own words. */
function keywordStems(keyword: string): string[] {
  const cached = stemCache.get(keyword);
  if (cached) return cached;
  if (stemCache.size > 10_000) stemCache.clear();
  const stems = computeStems(keyword);
  stemCache.set(keyword, stems);
  return stems;
}

function computeStems(keyword: string): string[] {
  const stems = contentWords(keyword).map((w) => w.stem);
  if (stems.length > 0) return stems;
  const normalised = normaliseText(keyword);
  return normalised === '' ? [] : normalised.split(' ').map(stem);
}

function occursIn(stems: string[], words: Word[]): boolean {
  if (stems.length === 0) return false;
  for (let i = 0; i + stems.length <= words.length; i++) {
    if (stems.every((s, k) => words[i + k]!.stem === s)) return true;
  }
  return false;
}

export function matchKeywords(rules: readonly KeywordRule[], words: Word[]): KeywordMatch[] {
  const matches: KeywordMatch[] = [];
  for (const rule of rules) {
    const keywords = rule.keywords.filter((k) => occursIn(keywordStems(k), words));
    if (keywords.length > 0) matches.push({ category: rule.category, keywords });
  }
  return matches;
}
