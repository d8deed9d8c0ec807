/**
 * Place recognition (pure): which of the deployment's areas a text names, for cases filed without an
 * area ("قرب دوار البسيتين", "near Hamad Town roundabout 17"). Names come from the taxonomy's areas
 * (name_ar, name_en) plus an alias table, both passed in; both sides go through the normaliser, so
 * spelling variants of hamza, ة/ه, ى/ي, case and punctuation match by themselves.
 *
 * Arabic names match with or without the article and behind a clitic (و ف ب ك ل: "بالبسيتين",
 * "للحوره"); Latin ones with or without a leading "al"/"el". Overlapping matches keep the longest.
 * Confidence: 1 for a name; a name that is also an everyday word (alias `commonWord`) 0.8 after a
 * place word ("في", "قرب", "near"...) and 0.4 otherwise. When another area is named with the same
 * standing the longer name is reported and the confidence halved (the text may be about a road
 * between them), with the others in `alsoNamed`. Routing decides what is enough.
 */
import { isArabic, tokenise } from './normalise.js';

export interface PlaceArea {
  code: string;
  name_ar: string;
  name_en: string;
}

export interface PlaceAlias {
  area: string;
  names: string[];
  /** The names are also everyday words: they need a place word before them to be trusted. */
  commonWord?: boolean;
}

export interface PlaceMatch {
  area: string;
  /** The words of the text that named it, as written. */
  matched: string;
  confidence: number;
  /** Other areas also named, when the text named more than one. */
  alsoNamed?: string[];
}

interface Entry {
  area: string;
  /** Normalised tokens of the name after the first. */
  rest: string[];
  commonWord: boolean;
}

interface Found {
  area: string;
  start: number;
  end: number;
  length: number;
  confidence: number;
}

/** Words after which a common-word name is read as a place. */
const PLACE_WORDS = new Set(
  ['في', 'فى', 'منطقه', 'قريه', 'قرب', 'عند', 'دوار', 'شارع', 'طريق', 'سوق', 'ساحل', 'حي', 'مجمع', 'جزيره', 'من', 'الى', 'بين', 'مدخل', 'اهالي',
    'in', 'at', 'near', 'around', 'from', 'to', 'area', 'village', 'road', 'roundabout', 'street', 'fi', 'fel', 'fil', 'qareeb', 'jnb'],
);
const ARABIC_CLITICS = ['و', 'ف', 'ب', 'ك', 'وب', 'فب', 'وك'];
const ARABIC_CLITICS_NO_ARTICLE = [...ARABIC_CLITICS, 'ل', 'ول', 'فل'];

/** The ways a name's first word can be written in running text. */
function firstWordForms(word: string, commonWord: boolean): string[] {
  if (!isArabic(word)) {
    const forms = [word];
    if (!commonWord) forms.push(`al${word}`, `el${word}`);
    return forms;
  }
  if (!word.startsWith('ال')) return [word, ...ARABIC_CLITICS_NO_ARTICLE.map((c) => c + word)];
  const core = word.slice(2);
  const forms = [word, ...ARABIC_CLITICS.map((c) => c + word), `لل${core}`, `ولل${core}`, `فلل${core}`];
  if (!commonWord && core.length >= 3) forms.push(core);
  return forms;
}

const matchers = new WeakMap<readonly PlaceArea[], WeakMap<readonly PlaceAlias[], Map<string, Entry[]>>>();

/** Index of first-word forms; built once per (areas, aliases) pair of arrays. */
function matcherFor(areas: readonly PlaceArea[], aliases: readonly PlaceAlias[]): Map<string, Entry[]> {
  let byAliases = matchers.get(areas);
  if (!byAliases) matchers.set(areas, (byAliases = new WeakMap()));
  const cached = byAliases.get(aliases);
  if (cached) return cached;

  const common = new Set(aliases.filter((a) => a.commonWord).flatMap((a) => a.names.map((n) => tokenise(n).join(' '))));
  const known = new Set(areas.map((a) => a.code));
  const index = new Map<string, Entry[]>();
  const add = (area: string, name: string): void => {
    let tokens = tokenise(name);
    if (tokens.length > 1 && (tokens[0] === 'al' || tokens[0] === 'el')) tokens = tokens.slice(1);
    if (tokens.length === 0) return;
    const commonWord = common.has(tokens.join(' '));
    for (const form of firstWordForms(tokens[0]!, commonWord)) {
      const formCommon = commonWord || (tokens.length === 1 && common.has(form));
      const list = index.get(form) ?? [];
      if (!list.some((e) => e.area === area && e.rest.join(' ') === tokens.slice(1).join(' '))) {
        list.push({ area, rest: tokens.slice(1), commonWord: formCommon });
      }
      index.set(form, list);
    }
  };
  for (const area of areas) for (const name of [area.name_ar, area.name_en]) add(area.code, name);
  for (const alias of aliases) if (known.has(alias.area)) for (const name of alias.names) add(alias.area, name);
  byAliases.set(aliases, index);
  return index;
}

export function findArea(text: string, areas: readonly PlaceArea[], aliases: readonly PlaceAlias[] = []): PlaceMatch | null {
  const index = matcherFor(areas, aliases);
  const words: { token: string; display: string }[] = [];
  for (const chunk of text.split(/\s+/)) {
    for (const token of tokenise(chunk)) words.push({ token, display: chunk.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '') });
  }

  const found: Found[] = [];
  words.forEach((word, i) => {
    for (const entry of index.get(word.token) ?? []) {
      if (!entry.rest.every((t, k) => words[i + 1 + k]?.token === t)) continue;
      const end = i + 1 + entry.rest.length;
      const length = words.slice(i, end).reduce((n, w) => n + w.token.length, 0);
      const cued = i > 0 && PLACE_WORDS.has(words[i - 1]!.token);
      // "بالحد" (in Al Hidd) is a cue; "بحيرة" (a lake) is a word of its own that merely starts with ب.
      const confidence = entry.commonWord ? (cued || /^(ب|فب|وب)ال/.test(word.token) ? 0.8 : 0.4) : 1;
      found.push({ area: entry.area, start: i, end, length, confidence });
    }
  });

  // Longest match wins where matches overlap ("Umm Al Hassam" over "Hassam", if both were names).
  const kept = found.filter((f) => !found.some((g) => g !== f && g.start < f.end && f.start < g.end && g.length > f.length));
  if (kept.length === 0) return null;
  kept.sort((a, b) => b.confidence - a.confidence || b.length - a.length || a.start - b.start);
  const best = kept[0]!;
  const others = [...new Set(kept.filter((f) => f.area !== best.area).map((f) => f.area))];
  const rival = kept.find((f) => f.area !== best.area && f.confidence === best.confidence);
  const matched = [...new Set(words.slice(best.start, best.end).map((w) => w.display))].join(' ');
  return {
    area: best.area,
    matched,
    confidence: rival ? best.confidence / 2 : best.confidence,
    ...(others.length > 0 ? { alsoNamed: others } : {}),
  };
}

/** Words of place names that say what kind of place, not which one: they stay features. */
const GENERIC_PLACE_WORDS = new Set(['town', 'city', 'al', 'el', 'district', 'old', 'new', 'مدينه', 'القديمه', 'ضاحيه', 'north', 'south', 'east', 'west', 'um', 'umm', 'ام']);

/**
 * The normalised words of the areas' names and of the aliases that are not everyday words (with and
 * without the article), sorted: for `FeatureOptions.placeWords`, so that the classifier does not
 * learn the place a case came from as a sign of its category. With 24 cases per category a place
 * named in two of them looks like evidence; leaving the names out routed 1.9 points more cases
 * at the same misrouting in cross-validation (bench/RESULTS.md, "Text classification").
 */
export function placeWords(areas: readonly PlaceArea[], aliases: readonly PlaceAlias[] = []): string[] {
  const words = new Set<string>();
  const known = new Set(areas.map((a) => a.code));
  const names = [...areas.flatMap((a) => [a.name_ar, a.name_en]), ...aliases.filter((a) => !a.commonWord && known.has(a.area)).flatMap((a) => a.names)];
  for (const name of names) {
    for (const token of tokenise(name)) {
      if (token.length < 2 || GENERIC_PLACE_WORDS.has(token)) continue;
      words.add(token);
      if (token.startsWith('ال') && token.length > 3) words.add(token.slice(2));
    }
  }
  return [...words].sort();
}
