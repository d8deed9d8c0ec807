/**
 * Classification data of a deployment profile, read from its folder (profiles/<code>/seeds.json and
 * places.json; profiles/README.md says what they hold): the seed phrases per category, and the
 * other names of its areas, for place recognition and for keeping place names out of text features.
 * A profile without the files gets none. The checks are pure and list every problem.
 */
import Joi from 'joi';
import { loadProfileFolder } from '../config/index.js';
import type { PlaceAlias } from './places.js';

/** Seed phrases per category code. */
export type CategorySeeds = Readonly<Record<string, readonly string[]>>;

/**
 * The seed phrases of the categories a taxonomy has, as labelled examples (pure). Codes the
 * taxonomy does not have are left out, so a deployment that renames or drops a category gets no
 * examples for a category it cannot route to.
 */
export function seedExamples(seeds: CategorySeeds, categories: readonly { code: string }[]): { text: string; category: string }[] {
  return categories.flatMap((c) => (seeds[c.code] ?? []).map((text) => ({ text, category: c.code })));
}

const phrase = Joi.string().trim().min(1).max(500);
const seedsSchema = Joi.object().pattern(Joi.string(), Joi.array().items(phrase).unique().required());
const placesSchema = Joi.array().items(
  Joi.object({ area: Joi.string().required(), names: Joi.array().items(phrase).min(1).required(), commonWord: Joi.boolean().strict() }),
);

const messages = (error: Joi.ValidationError | undefined): string[] => (error ? error.details.map((d) => d.message) : []);

/** What is wrong with a seeds.json, given the category codes of the profile's directory (empty: nothing). */
export function checkSeeds(raw: unknown, categoryCodes: readonly string[]): string[] {
  const problems = messages(seedsSchema.validate(raw, { abortEarly: false, convert: false }).error);
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const code of Object.keys(raw)) if (!categoryCodes.includes(code)) problems.push(`seed phrases for unknown category ${code}`);
  }
  return problems;
}

/** What is wrong with a places.json, given the area codes of the profile's directory (empty: nothing). */
export function checkPlaces(raw: unknown, areaCodes: readonly string[]): string[] {
  const problems = messages(placesSchema.validate(raw, { abortEarly: false, convert: false }).error);
  if (Array.isArray(raw)) {
    raw.forEach((entry: unknown, i) => {
      const area = (entry as { area?: unknown } | null)?.area;
      if (typeof area === 'string' && !areaCodes.includes(area)) problems.push(`[${i}] names unknown area ${area}`);
    });
  }
  return problems;
}

const seedsByProfile = new Map<string, CategorySeeds>();
const placesByProfile = new Map<string, readonly PlaceAlias[]>();

/** The profile's seed phrases (seeds.json), read once; the whole profile is checked at start-up (src/profile-check.ts). */
export function categorySeedsOf(profile: string): CategorySeeds {
  let found = seedsByProfile.get(profile);
  if (!found) seedsByProfile.set(profile, (found = Object.freeze(loadProfileFolder(profile).seeds as CategorySeeds)));
  return found;
}

/** The other names of the profile's areas (places.json), read once. One array per profile: places.ts caches by it. */
export function placeAliasesOf(profile: string): readonly PlaceAlias[] {
  let found = placesByProfile.get(profile);
  if (!found) placesByProfile.set(profile, (found = Object.freeze(loadProfileFolder(profile).places as PlaceAlias[])));
  return found;
}
