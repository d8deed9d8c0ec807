import { expect } from 'chai';
import { contentWords, textFeatures, DEFAULT_FEATURE_OPTIONS } from '../../../src/classification/features.js';
import { normaliseText, tokenise } from '../../../src/classification/normalise.js';
import { charNgrams, foldDialect, isStopWord, stem } from '../../../src/classification/tokens.js';

describe('classification: Arabic-aware normalisation', () => {
  const table: { rule: string; input: string; output: string }[] = [
    { rule: 'diacritics (tashkeel) are removed', input: 'الْكَهْرَبَاءُ مَقْطُوعَةٌ', output: 'الكهرباء مقطوعه' },
    { rule: 'shadda and tanween are removed', input: 'مُشكلةٌ جدّاً', output: 'مشكله جدا' },
    { rule: 'tatweel is removed', input: 'الشـــارع طويــل', output: 'الشارع طويل' },
    { rule: 'alef with hamza above becomes alef', input: 'أمام', output: 'امام' },
    { rule: 'alef with hamza below becomes alef', input: 'إنارة', output: 'اناره' },
    { rule: 'alef with madda becomes alef', input: 'آخر', output: 'اخر' },
    { rule: 'alef wasla becomes alef', input: 'ٱلماء', output: 'الماء' },
    { rule: 'hamza on waw becomes waw', input: 'مسؤول', output: 'مسوول' },
    { rule: 'hamza on yaa becomes yaa', input: 'الطوارئ', output: 'الطواري' },
    { rule: 'alef maqsura becomes yaa', input: 'مستشفى على', output: 'مستشفي علي' },
    { rule: 'taa marbuta becomes haa', input: 'مدرسة', output: 'مدرسه' },
    { rule: 'Arabic-Indic digits become ASCII', input: 'دوار ١٧', output: 'دوار 17' },
    { rule: 'Persian digits become ASCII', input: 'بلوك ۹۱۳', output: 'بلوك 913' },
    { rule: 'Arabic punctuation becomes a space', input: 'الماء،الكهرباء؛ لماذا؟', output: 'الماء الكهرباء لماذا' },
    { rule: 'Latin punctuation becomes a space', input: 'water!!! (no) - really...', output: 'water no really' },
    { rule: 'an elongated Arabic letter becomes one', input: 'كثيييير جداااا', output: 'كثير جدا' },
    { rule: 'a real double Arabic letter stays', input: 'ممر', output: 'ممر' },
    { rule: 'Latin is lower-cased', input: 'Hamad TOWN', output: 'hamad town' },
    { rule: 'elongated Latin keeps a double', input: 'pleeeease goooood', output: 'pleease good' },
    { rule: 'an apostrophe joins', input: "don't 9a'ira", output: 'dont 9aira' },
    { rule: 'Gulf چ becomes ك', input: 'چلب', output: 'كلب' },
    { rule: 'Gulf گ becomes ق', input: 'گلالي', output: 'قلالي' },
    { rule: 'ڤ becomes ف and پ becomes ب', input: 'ڤيلا پاص', output: 'فيلا باص' },
    { rule: 'Persian yeh and keheh become Arabic letters', input: 'کبیر', output: 'كبير' },
    { rule: 'Arabizi keeps its digits inside words', input: 'el shari3 kilh 7ofar', output: 'el shari3 kilh 7ofar' },
    { rule: 'mixed scripts are tokenised as they come', input: 'el water bill عالي 60BD', output: 'el water bill عالي 60bd' },
  ];
  for (const row of table) {
    it(`when ${row.rule}, then "${row.input}" reads "${row.output}"`, () => {
      expect(normaliseText(row.input)).to.equal(row.output);
    });
  }

  it('when taa marbuta folding is turned off, then ة stays and everything else still folds', () => {
    expect(normaliseText('الإنارةُ', { foldTaaMarbuta: false })).to.equal('الانارة');
  });

  it('when the text is empty or only punctuation, then there are no tokens', () => {
    expect(tokenise('')).to.deep.equal([]);
    expect(tokenise(' ،؟!... ')).to.deep.equal([]);
  });
});

describe('classification: tokens, stop words, stems and n-grams', () => {
  it('when a word is a stop word of stopwords-iso, the dialect list or Arabizi, then it is one', () => {
    for (const word of ['في', 'الذي', 'ونحن', 'the', 'and', 'اللي', 'الحين', 'el', 'fi', '12']) expect(isStopWord(word), word).to.equal(true);
  });

  it('when a topical word is on the stopwords-iso English list, then it is kept', () => {
    for (const word of ['bill', 'fire', 'website', 'off', 'water', 'كهرباء']) expect(isStopWord(word), word).to.equal(false);
  });

  it('when a dialect word has a standard form, then it folds, also behind the article', () => {
    expect(foldDialect('وايد')).to.equal('كثير');
    expect(foldDialect('الليتات')).to.equal('الاضواء');
    expect(foldDialect('مدرسه')).to.equal('مدرسه');
  });

  it('when Arabic words differ by article, clitic or ة/ه, then they share a stem', () => {
    expect(stem('المدرسه')).to.equal(stem('مدرسه'));
    expect(stem('بالشارع')).to.equal(stem('الشارع'));
    expect(stem('الكهرباء')).to.equal(stem('والكهرباء'));
    expect(stem('مقطوعه')).to.equal('مقطوع');
  });

  it('when English words are inflected, then the Snowball stemmer joins them', () => {
    expect(stem('flooding')).to.equal(stem('flooded'));
    expect(stem('potholes')).to.equal(stem('pothole'));
    expect(stem('lights')).to.equal('light');
  });

  it('when a token mixes letters and digits (Arabizi), then it is kept as it is', () => {
    expect(stem('7ofar')).to.equal('7ofar');
  });

  it('when n-grams are taken, then they carry word boundary markers and every length asked', () => {
    expect(charNgrams('حفر', 3, 4)).to.deep.equal(['<حف', 'حفر', 'فر>', '<حفر', 'حفر>']);
    expect(charNgrams('ab', 3, 3)).to.deep.equal(['<ab', 'ab>']);
  });

  it('when a text becomes words, then stop words go and each word keeps how it was written', () => {
    const words = contentWords('انقطعت الكهرباءُ عن البيت، منذ الظهر!');
    expect(words.map((w) => w.display)).to.deep.equal(['انقطعت', 'الكهرباء', 'البيت', 'الظهر']);
    expect(words[1]!.stem).to.equal(stem('كهرباء'));
  });

  it('when a text becomes features, then words, pairs, n-grams and concepts are all there, each traced to its word', () => {
    const { weights, origin, words } = textFeatures('power cut', DEFAULT_FEATURE_OPTIONS);
    expect(weights.get('w:power')).to.equal(1);
    expect(weights.get('b:power cut')).to.equal(DEFAULT_FEATURE_OPTIONS.bigramWeight);
    expect(weights.get('k:electricity')).to.equal(DEFAULT_FEATURE_OPTIONS.conceptWeight);
    expect(weights.has('c:<po')).to.equal(true);
    expect(words[origin.get('k:electricity')!]!.display).to.equal('power');
  });

  it('when a problem is named in Gulf dialect, Arabizi or English, then the thesaurus gives the same concepts', () => {
    const concepts = (text: string): string[] => [...textFeatures(text).weights.keys()].filter((f) => f.startsWith('k:')).sort();
    for (const text of ['الضو مقطوع من الصبح', 'power outage since the morning', 'el kahraba maqtoo3a']) {
      expect(concepts(text), text).to.include.members(['k:cut', 'k:electricity']);
    }
    expect(concepts('البلاعة طافحة')).to.deep.equal(['k:sewage']);
    expect(concepts('الثيل يابس في الحديقة')).to.deep.equal(['k:greenery']);
    expect(concepts('chlab sayba')).to.deep.equal(['k:animals']);
    // "=park" names the word only: parking is traffic, a park is greenery; words sharing a stem
    // with a concept word ("سيارات" / "بيارات") do not borrow each other's concept.
    expect(concepts('parking')).to.deep.equal(['k:traffic']);
    expect(concepts('park')).to.deep.equal(['k:greenery']);
    expect(concepts('سيارات')).to.deep.equal(['k:vehicle']);
    // A word whose stem has two letters ("هو" of "هويه") is matched as a word, also behind the article.
    expect(concepts('الهويه')).to.deep.equal(['k:online']);
    expect(concepts('هويه')).to.deep.equal(['k:online']);
    // "صحي" is the adjective of sewage and of food inspection as much as of health: no concept.
    expect(concepts('الصرف الصحي')).to.deep.equal(['k:sewage']);
  });

  it('when a misspelt Arabic word is featurised, then it still shares n-grams with the right spelling', () => {
    const right = textFeatures('مجموعة').weights;
    const wrong = textFeatures('مجموة').weights;
    const shared = [...wrong.keys()].filter((f) => f.startsWith('c:') && right.has(f));
    expect(shared.length).to.be.greaterThan(2);
  });
});
