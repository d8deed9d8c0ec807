/**
 * A deployment profile as a data file (src/directory/profiles/<code>.json, the shape of
 * data/demo/bh-taxonomy.json). Loading checks it whole, so a bad file fails before any write.
 */
import fs from 'node:fs';
import path from 'node:path';
import Joi from 'joi';

interface NamedData {
  code: string;
  name_ar: string;
  name_en: string;
}

export interface ProfileData {
  profile: string;
  country: string;
  timezone: string;
  /** Code of the working calendar the deployment's agencies follow unless given their own (src/sla). */
  calendar: string;
  weekend: string[];
  /** The country's bounding box: a case's location must fall inside it. */
  bounds: { minLat: number; maxLat: number; minLng: number; maxLng: number };
  name_ar?: string;
  name_en?: string;
  municipalities: (NamedData & { areas: NamedData[] })[];
  agencies: NamedData[];
  /** Groups in plain words, for the citizen choosing a category. */
  categoryGroups: NamedData[];
  categories: (NamedData & { owner: string; group: string })[];
}

const PROFILES_DIR = path.join(__dirname, 'profiles');
const code = Joi.string().pattern(/^[A-Z][A-Z0-9_]{0,63}$/).required();
const named = { code, name_ar: Joi.string().trim().required(), name_en: Joi.string().trim().required() };
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const profileDataSchema = Joi.object({
  profile: Joi.string().pattern(/^[a-z][a-z0-9-]{0,31}$/).required(),
  country: Joi.string().pattern(/^[A-Z]{2}$/).required(),
  timezone: Joi.string().required(),
  calendar: Joi.string().pattern(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/).required(),
  weekend: Joi.array().items(Joi.string().valid(...DAYS)).unique().required(),
  bounds: Joi.object({
    minLat: Joi.number().min(-90).max(90).required(),
    maxLat: Joi.number().min(-90).max(90).required(),
    minLng: Joi.number().min(-180).max(180).required(),
    maxLng: Joi.number().min(-180).max(180).required(),
  }).required(),
  name_ar: Joi.string(),
  name_en: Joi.string(),
  municipalities: Joi.array().items(Joi.object({ ...named, areas: Joi.array().items(Joi.object(named)).min(1).required() })).required(),
  agencies: Joi.array().items(Joi.object(named)).required(),
  categoryGroups: Joi.array().items(Joi.object(named)).required(),
  categories: Joi.array().items(Joi.object({ ...named, owner: code, group: code })).required(),
}).unknown(true);

export function listProfileCodes(): string[] {
  return fs
    .readdirSync(PROFILES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function readProfileData(profileCode: string): ProfileData {
  if (!listProfileCodes().includes(profileCode)) {
    throw new Error(`Unknown deployment profile "${profileCode}". Known profiles: ${listProfileCodes().join(', ')}.`);
  }
  return parseProfileData(JSON.parse(fs.readFileSync(path.join(PROFILES_DIR, `${profileCode}.json`), 'utf8')));
}

/** Validates shape and cross-references: unique codes, category owners that exist. */
export function parseProfileData(raw: unknown): ProfileData {
  const result = profileDataSchema.validate(raw, { abortEarly: false });
  if (result.error) throw new Error(`Invalid profile data: ${result.error.details.map((d) => d.message).join('; ')}`);
  const data = result.value as ProfileData;
  const agencyCodes = [...data.municipalities.map((m) => m.code), ...data.agencies.map((a) => a.code)];
  const areaCodes = data.municipalities.flatMap((m) => m.areas.map((a) => a.code));
  const problems: string[] = [];
  for (const [what, codes] of [['agency', agencyCodes], ['area', areaCodes], ['category', data.categories.map((c) => c.code)]] as const) {
    const seen = new Set<string>();
    for (const c of codes) {
      if (seen.has(c)) problems.push(`duplicate ${what} code ${c}`);
      seen.add(c);
    }
  }
  for (const c of data.categories) {
    if (c.owner !== 'MUNICIPALITY' && !data.agencies.some((a) => a.code === c.owner)) {
      problems.push(`category ${c.code} is owned by unknown agency ${c.owner}`);
    }
  }
  for (const c of data.categories) {
    if (!data.categoryGroups.some((g) => g.code === c.group)) problems.push(`category ${c.code} is in unknown group ${c.group}`);
  }
  if (problems.length) throw new Error(`Invalid profile data: ${problems.join('; ')}`);
  return data;
}
