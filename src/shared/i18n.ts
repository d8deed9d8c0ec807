/**
 * Arabic and English, loaded synchronously from src/locales. Language comes from `?lang=`, the
 * `lang` cookie (set by the language switch), then `Accept-Language`; Arabic is the default.
 */
import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { LanguageDetector, handle } from 'i18next-http-middleware';
import type { RequestHandler } from 'express';
import ar from '../locales/ar.json';
import en from '../locales/en.json';

export const LANGUAGES = ['ar', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'ar';
export const LANGUAGE_COOKIE = 'lang';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function createI18n(): I18n {
  const instance = i18next.createInstance();
  void instance.use(LanguageDetector).init({
    initAsync: false,
    resources: { ar: { translation: ar }, en: { translation: en } },
    supportedLngs: [...LANGUAGES],
    nonExplicitSupportedLngs: true,
    load: 'languageOnly',
    fallbackLng: DEFAULT_LANGUAGE,
    interpolation: { escapeValue: false }, // EJS escapes on output
    detection: {
      order: ['querystring', 'cookie', 'header'],
      lookupQuerystring: 'lang',
      lookupCookie: LANGUAGE_COOKIE,
      caches: false,
    },
  });
  return instance;
}

let shared: I18n | undefined;

/** One instance for code outside a request (emails in the recipient's language), made on first use. */
export function sharedI18n(): I18n {
  shared ??= createI18n();
  return shared;
}

export function fixedT(lang: Language): TFunction {
  return sharedI18n().getFixedT(lang);
}

export function i18nMiddleware(instance: I18n): RequestHandler {
  return handle(instance);
}

/** The language of a request, normalised to one we serve. */
export function requestLanguage(req: { language?: string }): Language {
  const base = (req.language ?? '').slice(0, 2);
  return isLanguage(base) ? base : DEFAULT_LANGUAGE;
}

export function directionOf(lang: Language): 'rtl' | 'ltr' {
  return lang === 'ar' ? 'rtl' : 'ltr';
}

export type { TFunction };
