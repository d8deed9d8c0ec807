/**
 * Word lists the text pipeline uses, as data: Gulf dialect words folded to the standard word the
 * history mostly uses, dialect and Arabizi stop words, and the English words that stopwords-iso lists
 * as stop words but that carry the topic of a complaint ("bill", "fire", "website", "off"). All forms
 * are written already normalised (normalise.ts: ة → ه, أ → ا, ى → ي), as they are looked up after it.
 */

/** Dialect word → standard word. Small on purpose: only forms common in Gulf writing. */
export const DIALECT_WORDS: Readonly<Record<string, string>> = {
  'وايد': 'كثير', // a lot
  'واجد': 'كثير',
  'الحين': 'الان', // now
  'الحينه': 'الان',
  'ماي': 'ماء', // water
  'زباله': 'قمامه', // rubbish
  'زبايل': 'قمامه',
  'جدام': 'امام', // in front of (ق spoken as g, written ج)
  'دريشه': 'نافذه', // window
  'درايش': 'نوافذ',
  'خربان': 'معطل', // broken
  'خربانه': 'معطل',
  'عطلان': 'معطل',
  'عطلانه': 'معطل',
  'طافي': 'مطفا', // switched off
  'طافيه': 'مطفا',
  'ليتات': 'اضواء', // lights, from English
  'ريحه': 'رايحه', // smell
  'تانكر': 'صهريج', // tanker
};

/** Dialect function words, greetings and politeness formulae: frequent in every category. */
export const DIALECT_STOP_WORDS: readonly string[] = [
  'اللي', 'الي', 'الحين', 'الان', 'شي', 'شلون', 'ليش', 'وين', 'عشان', 'علشان', 'جذي', 'كذي', 'هني', 'هنيه',
  'ترى', 'يعني', 'حق', 'مال', 'مب', 'مو', 'بس', 'يا', 'ريت', 'ياريت', 'ابي', 'نبي', 'يبي', 'يبون', 'نبغي',
  'لين', 'للحين', 'كثير', 'جدا', 'الرجاء', 'نرجو', 'ارجو', 'رجاء', 'يرجي', 'شكرا', 'مشكورين', 'السلام', 'عليكم',
  'مرحبا', 'الخير', 'تحيه', 'تحياتي', 'الله', 'اخوي', 'لو', 'سمحت', 'سمحتوا', 'منذ', 'حتي', 'ايضا', 'فقط',
  // Arabizi (Latin-script Gulf Arabic) function words
  'el', 'il', 'al', 'fi', 'fe', 'fel', 'fil', 'bil', 'w', 'wa', 'ma', 'mo', 'bas', '3ala', '3al', 'min', 'ya',
  'ana', 'hatha', 'hathi', 'plz', 'pls', 'please', 'hi', 'hello', 'dear', 'sir', 'madam', 'ok', 'thanks',
];

/** Listed by stopwords-iso yet topical here; never dropped. */
export const KEEP_WORDS: readonly string[] = [
  'bill', 'bd', 'fire', 'home', 'homepage', 'website', 'web', 'webpage', 'site', 'computer', 'click', 'page',
  'pages', 'system', 'information', 'text', 'keys', 'room', 'rooms', 'open', 'opened', 'opening', 'empty',
  'full', 'high', 'low', 'fix', 'off', 'turn', 'turned', 'work', 'works', 'worked', 'working', 'old', 'new',
  'number', 'line', 'ring', 'test', 'order', 'date', 'value', 'goods', 'buy', 'free', 'move', 'side', 'front',
  'back', 'stop', 'place', 'point', 'wells', 'run', 'smell', 'حار', 'ماء',
];
