import { expect } from 'chai';
import { findArea, placeWords, type PlaceAlias, type PlaceArea } from '../../../src/classification/places.js';

/** A few areas in the taxonomy's shape, with names as the Bahrain profile spells them. */
const AREAS: PlaceArea[] = [
  { code: 'BUSAITEEN', name_ar: 'البسيتين', name_en: 'Busaiteen' },
  { code: 'HAMAD_TOWN', name_ar: 'مدينة حمد', name_en: 'Hamad Town' },
  { code: 'ISA_TOWN', name_ar: 'مدينة عيسى', name_en: 'Isa Town' },
  { code: 'UMM_AL_HASSAM', name_ar: 'أم الحصم', name_en: 'Umm Al Hassam' },
  { code: 'HOORA', name_ar: 'الحورة', name_en: 'Hoora' },
  { code: 'HIDD', name_ar: 'الحد', name_en: 'Hidd' },
  { code: 'GALALI', name_ar: 'قلالي', name_en: 'Galali' },
  { code: 'SITRA', name_ar: 'سترة', name_en: 'Sitra' },
];
const ALIASES: PlaceAlias[] = [
  { area: 'BUSAITEEN', names: ['Busaitin', 'Al Busaiteen'] },
  { area: 'HAMAD_TOWN', names: ['Madinat Hamad'] },
  { area: 'UMM_AL_HASSAM', names: ['Um Al Hassam', 'Umm Alhassam'] },
  { area: 'HIDD', names: ['الحد'], commonWord: true },
  { area: 'NOT_AN_AREA', names: ['Atlantis'] },
];

describe('classification: place recognition', () => {
  const found = [
    { when: 'an Arabic name with the article', text: 'قرب دوار البسيتين', area: 'BUSAITEEN', matched: 'البسيتين' },
    { when: 'an Arabic name without the article', text: 'الشارع في بسيتين مكسور', area: 'BUSAITEEN', matched: 'بسيتين' },
    { when: 'an Arabic name behind a clitic', text: 'الكلاب بالبسيتين كثيرة', area: 'BUSAITEEN', matched: 'بالبسيتين' },
    { when: 'لل + a name with the article', text: 'الطريق المؤدي للحورة', area: 'HOORA', matched: 'للحورة' },
    { when: 'a taa marbuta written as haa', text: 'في مدينه حمد الدوار 17', area: 'HAMAD_TOWN', matched: 'مدينه حمد' },
    { when: 'a hamza left off', text: 'شارع ام الحصم', area: 'UMM_AL_HASSAM', matched: 'ام الحصم' },
    { when: 'an English name', text: 'near Hamad Town roundabout 17', area: 'HAMAD_TOWN', matched: 'Hamad Town' },
    { when: 'an English name in another case and punctuation', text: 'HAMAD TOWN, roundabout 17.', area: 'HAMAD_TOWN', matched: 'HAMAD TOWN' },
    { when: 'an English alias', text: 'potholes in Madinat Hamad', area: 'HAMAD_TOWN', matched: 'Madinat Hamad' },
    { when: 'an English spelling variant', text: 'dogs in Busaitin again', area: 'BUSAITEEN', matched: 'Busaitin' },
    { when: 'a hyphenated "Al-"', text: 'sewage in Al-Busaiteen', area: 'BUSAITEEN', matched: 'Al-Busaiteen' },
    { when: 'an alias written differently again', text: 'umm al-hassam junction', area: 'UMM_AL_HASSAM', matched: 'umm al-hassam' },
    { when: 'Arabizi', text: 'el manhole fi Hidd overflowing', area: 'HIDD', matched: 'Hidd' },
    { when: 'a Gulf letter (گ for ق)', text: 'الشارع في گلالي', area: 'GALALI', matched: 'گلالي' },
  ];
  for (const row of found) {
    it(`when the text has ${row.when}, then the area is ${row.area} with full confidence`, () => {
      expect(findArea(row.text, AREAS, ALIASES)).to.deep.equal({ area: row.area, matched: row.matched, confidence: 1 });
    });
  }

  it('when no area is named, then there is none', () => {
    expect(findArea('الكهرباء مقطوعة منذ الصباح', AREAS, ALIASES)).to.equal(null);
    expect(findArea('', AREAS, ALIASES)).to.equal(null);
  });

  it('when only part of a two-word name appears, then it is not a match', () => {
    expect(findArea('my town has no lights', AREAS, ALIASES)).to.equal(null);
    expect(findArea('مدينة جديدة', AREAS, ALIASES)).to.equal(null);
  });

  it('when a name is also an everyday word, then it is trusted only after a place word', () => {
    expect(findArea('نرجو الحد من السرعة', AREAS, ALIASES)).to.deep.include({ area: 'HIDD', confidence: 0.4 });
    expect(findArea('الاشارة في الحد معطلة', AREAS, ALIASES)).to.deep.include({ area: 'HIDD', confidence: 0.8 });
    expect(findArea('الاشارة بالحد معطلة', AREAS, ALIASES)).to.deep.include({ area: 'HIDD', confidence: 0.8 });
    // A word that only starts with ب is not "in <place>": a common-word name without its article stays weak.
    expect(findArea('ماء بحد الرصيف', AREAS, [{ area: 'HIDD', names: ['حد'], commonWord: true }])).to.deep.include({ area: 'HIDD', confidence: 0.4 });
  });

  it('when names overlap, then the longest wins', () => {
    const areas: PlaceArea[] = [...AREAS, { code: 'HASSAM_PARK', name_ar: 'الحصم', name_en: 'Hassam' }];
    expect(findArea('شارع أم الحصم', areas, ALIASES)).to.deep.equal({ area: 'UMM_AL_HASSAM', matched: 'أم الحصم', confidence: 1 });
  });

  it('when two different areas are named, then the longer name is reported with half the confidence and the other is listed', () => {
    expect(findArea('الطريق من سترة إلى مدينة عيسى', AREAS, ALIASES)).to.deep.equal({ area: 'ISA_TOWN', matched: 'مدينة عيسى', confidence: 0.5, alsoNamed: ['SITRA'] });
  });

  it('when a confident name and a doubtful everyday word are both found, then the confident one stands', () => {
    expect(findArea('نرجو الحد من السرعة في سترة', AREAS, ALIASES)).to.deep.equal({ area: 'SITRA', matched: 'سترة', confidence: 1, alsoNamed: ['HIDD'] });
  });

  it('when an alias names an area the taxonomy lacks, then it is ignored', () => {
    expect(findArea('flooding in Atlantis', AREAS, ALIASES)).to.equal(null);
  });

  it('when the same area is named twice, then it is still one confident match', () => {
    expect(findArea('Hoora: the lights in الحورة are off', AREAS, ALIASES)).to.deep.equal({ area: 'HOORA', matched: 'الحورة', confidence: 1 });
  });
});

describe('classification: place words left out of the classifier', () => {
  const words = placeWords(AREAS, ALIASES);

  it('when built, then it holds the normalised words of names and aliases, with and without the article, sorted', () => {
    expect(words).to.include.members(['البسيتين', 'بسيتين', 'busaiteen', 'busaitin', 'ستره', 'sitra', 'حمد', 'hamad', 'عيسي', 'الحوره', 'حوره', 'alhassam', 'madinat']);
    expect(words).to.deep.equal([...new Set(words)].sort());
  });

  it('when a name has words that only say what kind of place it is, then those words stay out', () => {
    expect(words).not.to.include.members(['مدينه', 'town', 'al', 'umm', 'um', 'ام']);
  });

  it('when an alias names an area the taxonomy lacks, then its words stay out', () => {
    expect(words).not.to.include('atlantis');
  });
});
