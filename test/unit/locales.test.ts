import { expect } from 'chai';
import { loadTranslations } from '../../src/shared/i18n.js';

type Tree = { [key: string]: string | Tree };
function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`)));
}

describe('translations', () => {
  it('when Arabic and English are loaded, then every key exists in both (the two are equal citizens)', () => {
    const ar = keys(loadTranslations('ar')).sort();
    const en = keys(loadTranslations('en')).sort();
    expect(ar.filter((k) => !en.includes(k)), 'in Arabic only').to.deep.equal([]);
    expect(en.filter((k) => !ar.includes(k)), 'in English only').to.deep.equal([]);
  });

  it('when an Arabic string is given, then it is written in Arabic script', () => {
    // Strings with no letters at all (a dash for "none") need no script.
    const notArabic = Object.entries(flat(loadTranslations('ar'))).filter(
      ([k, v]) => /\p{L}/u.test(v) && !/[\u0600-\u06FF]/.test(v) && !['app.languageSwitch', 'app.languageSwitchLabel'].includes(k),
    );
    expect(notArabic).to.deep.equal([]);
  });
});

function flat(tree: Tree, prefix = ''): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v]] : Object.entries(flat(v, `${prefix}${k}.`)))));
}
