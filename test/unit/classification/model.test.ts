import { expect } from 'chai';
import { textFeatures, DEFAULT_FEATURE_OPTIONS } from '../../../src/classification/features.js';
import { classify, MODEL_FORMAT, train, type LabelledText } from '../../../src/classification/model.js';

/** A small hand-written history (not from any data file): four categories, Arabic and English. */
export const EXAMPLES: LabelledText[] = [
  { category: 'POWER_OUTAGE', text: 'انقطاع الكهرباء عن الحي منذ الصباح' },
  { category: 'POWER_OUTAGE', text: 'الكهرباء مقطوعة عن بيتنا من ساعتين' },
  { category: 'POWER_OUTAGE', text: 'تتكرر انقطاعات التيار الكهربائي كل ليلة' },
  { category: 'POWER_OUTAGE', text: 'Power cut in our street since noon, no electricity at all' },
  { category: 'POWER_OUTAGE', text: 'Electricity outage again, the whole block is dark' },
  { category: 'ROAD_DAMAGE', text: 'حفرة كبيرة في الشارع الرئيسي تتلف السيارات' },
  { category: 'ROAD_DAMAGE', text: 'الطريق مليء بالحفر والتشققات بعد الأمطار' },
  { category: 'ROAD_DAMAGE', text: 'الأسفلت متكسر عند مدخل القرية' },
  { category: 'ROAD_DAMAGE', text: 'Deep potholes on the main road damaged my tyre' },
  { category: 'ROAD_DAMAGE', text: 'The road surface is cracked and broken near the school' },
  { category: 'STRAY_ANIMALS', text: 'كلاب ضالة تطارد الأطفال قرب الحديقة' },
  { category: 'STRAY_ANIMALS', text: 'قطيع من الكلاب السائبة في الحي كل ليلة' },
  { category: 'STRAY_ANIMALS', text: 'قطط كثيرة حول حاويات القمامة وتهاجم المارة' },
  { category: 'STRAY_ANIMALS', text: 'A pack of stray dogs chases people near the mosque' },
  { category: 'STRAY_ANIMALS', text: 'Stray dogs are barking all night and attacked a child' },
  { category: 'E_SERVICES', text: 'الموقع الإلكتروني لا يفتح وتظهر رسالة خطأ' },
  { category: 'E_SERVICES', text: 'التطبيق يرفض كلمة السر عند تسجيل الدخول' },
  { category: 'E_SERVICES', text: 'بوابة الدفع الإلكتروني معطلة منذ يومين' },
  { category: 'E_SERVICES', text: 'The website shows an error page when I try to log in' },
  { category: 'E_SERVICES', text: 'The mobile app crashes after I enter my password' },
];

const NOW = new Date('2026-11-20T08:00:00Z');

describe('classification: the category classifier', () => {
  const model = train(EXAMPLES, { now: NOW });

  it('when trained, then the model is plain JSON with its shape, size and training time', () => {
    const copy = JSON.parse(JSON.stringify(model)) as typeof model;
    expect(copy).to.deep.equal(model);
    expect(model.format).to.equal(MODEL_FORMAT);
    expect(model.trainedAt).to.equal(NOW.toISOString());
    expect(model.exampleCount).to.equal(EXAMPLES.length);
    expect(model.categories).to.deep.equal(['E_SERVICES', 'POWER_OUTAGE', 'ROAD_DAMAGE', 'STRAY_ANIMALS']);
    expect(model.categoryCounts).to.deep.equal([5, 5, 5, 5]);
    expect(model.weights).to.have.length(model.vocabulary.length * model.categories.length);
  });

  const cases = [
    { text: 'الكهرباء مقطوعة في منطقتنا منذ الفجر', category: 'POWER_OUTAGE', term: 'الكهرباء' },
    { text: 'no electricity in the building since morning', category: 'POWER_OUTAGE', term: 'electricity' },
    { text: 'حفره عميقه في الطريق امام البيت', category: 'ROAD_DAMAGE', term: 'حفره' },
    { text: 'big potholes on our road', category: 'ROAD_DAMAGE', term: 'potholes' },
    { text: 'كلاب سائبة كثيرة قرب المدرسة', category: 'STRAY_ANIMALS', term: 'كلاب' },
    { text: 'I cannot log in to the website', category: 'E_SERVICES', term: 'website' },
  ];
  for (const row of cases) {
    it(`when the text is "${row.text}", then it is ${row.category}, explained by "${row.term}"`, () => {
      const result = classify(model, row.text);
      expect(result.candidates[0]!.category).to.equal(row.category);
      expect(result.terms).to.include(row.term);
    });
  }

  it('when classified, then every category is a candidate, most probable first, summing to 1', () => {
    const { candidates } = classify(model, 'انقطاع الكهرباء');
    expect(candidates.map((c) => c.category).sort()).to.deep.equal(model.categories);
    const probabilities = candidates.map((c) => c.probability);
    expect([...probabilities].sort((a, b) => b - a)).to.deep.equal(probabilities);
    expect(probabilities.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-9);
  });

  it('when the text says nothing the model knows, then the answer is unsure and names no term', () => {
    const result = classify(model, 'السلام عليكم');
    expect(result.candidates[0]!.probability).to.be.lessThan(0.5);
    expect(result.terms).to.deep.equal([]);
  });

  it('when the same model and text are classified twice, then the answer is the same', () => {
    expect(classify(model, 'stray dogs')).to.deep.equal(classify(model, 'stray dogs'));
  });

  it('when trained twice on the same examples, then the models are the same', () => {
    expect(train(EXAMPLES, { now: NOW })).to.deep.equal(model);
  });

  it('when there is no history, then only keyword rules can name a category', () => {
    const empty = train([], { now: NOW });
    expect(classify(empty, 'anything').candidates).to.deep.equal([]);
    const ruled = classify(empty, 'a drone over the houses', { rules: [{ category: 'DRONES', keywords: ['drone'] }] });
    expect(ruled.candidates).to.deep.equal([{ category: 'DRONES', probability: 1 }]);
    expect(ruled.terms).to.deep.equal(['drone']);
  });
});

describe('classification: keyword rules', () => {
  const model = train(EXAMPLES, { now: NOW });

  it('when a keyword of a new category (no history) matches, then that category comes first and the keyword is the term', () => {
    const rules = [{ category: 'BEACH_CLEANLINESS', keywords: ['الشاطئ', 'beach'] }];
    const result = classify(model, 'الشاطئ مليء بالأوساخ', { rules });
    expect(result.candidates[0]!.category).to.equal('BEACH_CLEANLINESS');
    expect(result.terms[0]).to.equal('الشاطئ');
    expect(result.keywordMatches).to.deep.equal([{ category: 'BEACH_CLEANLINESS', keywords: ['الشاطئ'] }]);
    expect(result.candidates.reduce((a, c) => a + c.probability, 0)).to.be.closeTo(1, 1e-9);
  });

  it('when no keyword matches, then a rule category is not offered at all', () => {
    const result = classify(model, 'انقطاع الكهرباء', { rules: [{ category: 'BEACH_CLEANLINESS', keywords: ['beach'] }] });
    expect(result.candidates.map((c) => c.category)).not.to.include('BEACH_CLEANLINESS');
    expect(result.keywordMatches).to.deep.equal([]);
  });

  it('when a keyword of a known category matches, then it raises that category and shows in the terms', () => {
    const text = 'the lamp post is leaning';
    const before = classify(model, text).candidates.find((c) => c.category === 'ROAD_DAMAGE')!.probability;
    const after = classify(model, text, { rules: [{ category: 'ROAD_DAMAGE', keywords: ['lamp post'] }] });
    expect(after.candidates[0]!.category).to.equal('ROAD_DAMAGE');
    expect(after.candidates[0]!.probability).to.be.greaterThan(before);
    expect(after.terms).to.include('lamp post');
  });

  it('when a keyword phrase is written in another form (article, hamza, inflection), then it still matches', () => {
    const rules = [{ category: 'WATER_LEAK', keywords: ['تسرب المياه', 'water leak'] }];
    expect(classify(model, 'يوجد تسرب للمياه', { rules }).keywordMatches[0]!.keywords).to.deep.equal(['تسرب المياه']);
    expect(classify(model, 'تسرب الغاز من المطبخ', { rules }).keywordMatches).to.deep.equal([]);
    expect(classify(model, 'تسرب المياة من العداد', { rules }).keywordMatches[0]!.keywords).to.deep.equal(['تسرب المياه']);
    expect(classify(model, 'Water leaking everywhere', { rules }).keywordMatches[0]!.keywords).to.deep.equal(['water leak']);
  });
});

describe('classification: place words are not features', () => {
  const options = { ...DEFAULT_FEATURE_OPTIONS, placeWords: ['ستره', 'sitra'] };

  it('when the text names a place, also behind a clitic, then it gives no feature but stays among the words', () => {
    const features = textFeatures('انقطاع الكهرباء بستره وفي ستره', options);
    expect([...features.weights.keys()].filter((f) => f.includes('ستر'))).to.deep.equal([]);
    expect(features.words.map((w) => w.token)).to.include('ستره');
    expect([...textFeatures('power cut in Sitra', options).weights.keys()].some((f) => f.includes('sitra'))).to.equal(false);
  });

  it('when a place word sits between two words, then those two count as neighbours', () => {
    const features = textFeatures('flooding Sitra road', { ...options, ngramWeight: 0, conceptWeight: 0 });
    expect([...features.weights.keys()].filter((f) => f.startsWith('b:'))).to.deep.equal(['b:flood road']);
  });

  it('when a model is trained with place words, then it keeps them (as plain JSON) and classify leaves them out too', () => {
    const model = train(EXAMPLES, { now: NOW, features: { placeWords: ['ستره', 'sitra'] } });
    expect(model.featureOptions.placeWords).to.deep.equal(['ستره', 'sitra']);
    expect(JSON.parse(JSON.stringify(model))).to.deep.equal(model);
    expect(classify(model, 'Sitra').terms).to.deep.equal([]);
    expect(classify(model, 'power cut in Sitra').candidates[0]!.category).to.equal('POWER_OUTAGE');
  });

  it('when a model stored before place words existed is used, then it classifies as before', () => {
    const model = train(EXAMPLES, { now: NOW });
    const { placeWords: _none, ...older } = model.featureOptions;
    expect(classify({ ...model, featureOptions: older }, 'stray dogs')).to.deep.equal(classify(model, 'stray dogs'));
  });
});

describe('classification: sublinear term frequency', () => {
  const plain = { ...DEFAULT_FEATURE_OPTIONS, ngramWeight: 0, bigramWeight: 0 };
  const sublinear = { ...plain, sublinear: true };

  it('when a word is repeated n times, then it weighs 1 + ln n times its weight, and a word seen once is unchanged', () => {
    const text = 'dogs dogs dogs dogs near the mosque';
    expect(textFeatures(text, plain).weights.get('w:dog')).to.equal(4);
    expect(textFeatures(text, sublinear).weights.get('w:dog')).to.be.closeTo(1 + Math.log(4), 1e-12);
    expect(textFeatures(text, sublinear).weights.get('w:mosqu')).to.equal(1);
  });

  it('when the feature has a weight of its own (a concept, an n-gram), then the same rule applies to that weight', () => {
    const options = { ...sublinear, conceptWeight: 0.5, ngramWeight: 0.1 };
    const features = textFeatures('dogs dogs', options);
    expect(features.weights.get('k:animals')).to.be.closeTo(0.5 * (1 + Math.log(2)), 1e-12);
    expect(features.weights.get('c:<do')).to.be.closeTo(0.1 * (1 + Math.log(2)), 1e-12);
  });

  it('when a model is trained with it, then it keeps the option and classify counts the same way', () => {
    const model = train(EXAMPLES, { now: NOW, features: { sublinear: true } });
    expect(model.featureOptions.sublinear).to.equal(true);
    expect(JSON.parse(JSON.stringify(model))).to.deep.equal(model);
    expect(classify(model, 'stray dogs stray dogs stray dogs').candidates[0]!.category).to.equal('STRAY_ANIMALS');
  });

  it('when a model stored before the option existed is used, then it counts as before', () => {
    const model = train(EXAMPLES, { now: NOW });
    expect(model.featureOptions).not.to.have.property('sublinear');
    expect(textFeatures('dogs dogs', model.featureOptions).weights.get('w:dog')).to.equal(2);
  });
});
