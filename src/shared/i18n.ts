/**
 * Arabic and English, loaded synchronously from src/locales. Language comes from `?lang=`, the
 * language cookie (set by the language switch; `__Host-lang` in production), then `Accept-Language`; Arabic is the default.
 */
import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { LanguageDetector, handle } from 'i18next-http-middleware';
import type { RequestHandler } from 'express';
import fs from 'node:fs';
import path from 'node:path';
import { profileIdentity } from '../config/index.js';

export const LANGUAGES = ['ar', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The locale dates are written in: Arabic as written in the profile's country (`ar-<country>`, with
 * the digits profile.json's `digits` sets, or `digits` here), English as en-GB.
 */
export function dateLocale(language: Language, profile: string, digits?: 'latn' | 'arab'): string {
  if (language !== 'ar') return 'en-GB';
  const identity = profileIdentity(profile);
  const nu = digits ?? identity.digits;
  return `ar-${identity.country}${nu ? `-u-nu-${nu}` : ''}`;
}
export const DEFAULT_LANGUAGE: Language = 'ar';
export const LANGUAGE_COOKIE = 'lang';

/**
 * The language cookie's name: `__Host-lang` in production (a browser takes it only with Secure, Path=/
 * and no Domain, so no subdomain can set it), plain `lang` in development over HTTP. Only that name
 * is read: a plain `lang` cookie tossed in by a sibling site is ignored in production.
 */
export function languageCookieName(production: boolean): string {
  return production ? `__Host-${LANGUAGE_COOKIE}` : LANGUAGE_COOKIE;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

const LOCALES_DIR = path.resolve(__dirname, '../locales');

type Tree = { [key: string]: string | Tree };

function deepMerge(into: Tree, from: Tree, file: string, prefix = ''): Tree {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key];
    if (typeof value === 'object' && typeof existing === 'object') deepMerge(existing, value, file, `${prefix}${key}.`);
    else if (existing !== undefined) throw new Error(`${file}: the key ${prefix}${key} is defined twice`);
    else into[key] = value;
  }
  return into;
}

/**
 * A language's strings: `<lang>.json` plus each module's `<lang>.<module>.json`, merged, so that
 * modules keep their own files. A key defined in two files is an error, not a silent override.
 */
export function loadTranslations(lang: Language): Tree {
  const files = fs
    .readdirSync(LOCALES_DIR)
    .filter((f) => f === `${lang}.json` || (f.startsWith(`${lang}.`) && f.endsWith('.json')))
    .sort();
  return files.reduce<Tree>((tree, f) => deepMerge(tree, JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, f), 'utf8')) as Tree, f), {});
}

/** Reads the language cookie by the name the app chose (`app.locals.languageCookie`, see languageCookieName). */
const languageCookieDetector = {
  name: 'languageCookie',
  lookup(req: { cookies?: Record<string, unknown>; app?: { locals?: Record<string, unknown> } }): string | undefined {
    const name = (req.app?.locals?.languageCookie as string | undefined) ?? LANGUAGE_COOKIE;
    const value = req.cookies?.[name];
    return typeof value === 'string' ? value : undefined;
  },
};

export function createI18n(): I18n {
  const instance = i18next.createInstance();
  const detector = new LanguageDetector();
  detector.addDetector(languageCookieDetector);
  void instance.use(detector).init({
    initAsync: false,
    resources: { ar: { translation: loadTranslations('ar') }, en: { translation: loadTranslations('en') } },
    supportedLngs: [...LANGUAGES],
    nonExplicitSupportedLngs: true,
    load: 'languageOnly',
    fallbackLng: DEFAULT_LANGUAGE,
    interpolation: { escapeValue: false }, // EJS escapes on output
    detection: {
      order: ['querystring', 'languageCookie', 'header'],
      lookupQuerystring: 'lang',
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
