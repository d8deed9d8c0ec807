/**
 * Arabic-aware text normalisation (pure): the first step of classification and place recognition.
 * Citizens write the same word many ways (hamza on or off the alef, ة or ه at the end, ى or ي,
 * diacritics or none, Arabic-Indic digits, "كثيييير"), and Gulf writers add letters that standard
 * Arabic lacks (چ گ ڤ). Every rule here folds such variants to one form so that the classifier and the
 * place matcher see one word, not five (issue #5, "Arabic-aware text processing").
 *
 * The output is lower-case, with single spaces between runs of letters and digits: punctuation of
 * both scripts becomes a space, apostrophes vanish ("don't" → "dont"). Latin text (English, Arabizi
 * such as "7ofar wayed") passes through lower-cased, digits kept inside words.
 */

/** Harakat, tanween, shadda, sukun, dagger alef and Quranic annotation marks. */
const DIACRITICS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED]/g;
const TATWEEL = /\u0640/g;

/**
 * One letter for another. Alef with hamza or madda → bare alef; hamza on waw / yaa → the carrier;
 * alef maqsura → yaa; taa marbuta → haa; Persian/Urdu look-alikes → Arabic letters; Gulf letters
 * → the standard letter they stand for: چ is the Gulf "ch" written for ك (چلب = كلب), گ the Gulf
 * "g" written for ق (گلالي = قلالي), ڤ and پ foreign v and p.
 */
const LETTER_MAP: Readonly<Record<string, string>> = {
  'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا', 'ٲ': 'ا', 'ٳ': 'ا',
  'ؤ': 'و', 'ئ': 'ي', 'ى': 'ي', 'ی': 'ي', 'ې': 'ي',
  'ة': 'ه', 'ۀ': 'ه', 'ە': 'ه', 'ھ': 'ه',
  'ک': 'ك', 'چ': 'ك', 'گ': 'ق', 'ڤ': 'ف', 'پ': 'ب', 'ژ': 'ز',
};
const LETTERS = new RegExp(`[${Object.keys(LETTER_MAP).join('')}]`, 'g');

/** Arabic-Indic ٠-٩ (U+0660) and Persian ۰-۹ (U+06F0) digits → ASCII. */
const DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;
function asciiDigit(d: string): string {
  const code = d.charCodeAt(0);
  return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
}

/** Apostrophes join ("don't", "9a'ira"); everything else that is not a letter or digit splits. */
const APOSTROPHES = /['\u2019\u2018`\u02BC]/g;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;
/** No Arabic word has one letter three times running: "كثيييير" is "كثير", "ههههه" is "ه". */
const ARABIC_ELONGATION = /([\u0621-\u064A])\1{2,}/g;
/** In Latin text keep two ("goood" → "good", "pleeease" → "pleease"), since doubles are real spelling. */
const LATIN_ELONGATION = /([a-z])\1{2,}/g;

export interface NormaliseOptions {
  /** Fold ة to ه (default true). Off only for the stemmer, whose suffix rules know ة. */
  foldTaaMarbuta?: boolean;
}

export function normaliseText(text: string, options: NormaliseOptions = {}): string {
  const foldTaa = options.foldTaaMarbuta ?? true;
  return text
    .normalize('NFC')
    .replace(DIACRITICS, '')
    .replace(TATWEEL, '')
    .replace(LETTERS, (c) => (c === 'ة' && !foldTaa ? c : (LETTER_MAP[c] ?? c)))
    .replace(DIGITS, asciiDigit)
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .replace(NOT_WORD, ' ')
    .replace(ARABIC_ELONGATION, '$1')
    .replace(LATIN_ELONGATION, '$1$1')
    .trim();
}

/** Normalised tokens: runs of letters and digits. */
export function tokenise(text: string, options: NormaliseOptions = {}): string[] {
  const normalised = normaliseText(text, options);
  return normalised === '' ? [] : normalised.split(' ');
}

const ARABIC_LETTER = /[\u0621-\u064A]/;
export function isArabic(token: string): boolean {
  return ARABIC_LETTER.test(token);
}
