/**
 * A deployment profile is one folder of data files, `profiles/<code>/` (profiles/README.md): this
 * file reads them. Pure reading and the shape of profile.json only; each module checks its own
 * part (the taxonomy in directory/, calendars and SLA targets in sla/, seed phrases and place names
 * in classification/), and src/profile-check.ts puts every problem of every file in one list.
 */
import fs from 'node:fs';
import path from 'node:path';
import Joi from 'joi';

/** The folder that holds one folder per deployment profile, at the repository's root. */
export const PROFILES_ROOT = path.resolve(__dirname, '../../profiles');

const CODE = /^[a-z][a-z0-9-]{0,31}$/;
const CALENDAR_FILE = /^([A-Z]{2}(?:-[A-Z0-9]{1,3})?)\.json$/;

/** The files of one profile folder as parsed JSON (undefined: missing or not JSON, see `problems`). */
export interface ProfileFolder {
  code: string;
  profile: unknown;
  directory: unknown;
  /** calendars/<CODE>.json by CODE. */
  calendars: Record<string, unknown>;
  /** seeds.json; `{}` when the folder has none. */
  seeds: unknown;
  /** places.json; `[]` when the folder has none. */
  places: unknown;
}

export interface ContactCentre {
  name_ar: string;
  name_en: string;
  /** As dialled inside the country, e.g. 80008001. */
  phone: string;
}

/** profile.json: identity and defaults. `sla` is checked by the sla module (checkSlaTargets). */
export interface ProfileIdentity {
  profile: string;
  country: string;
  timezone: string;
  calendar: string;
  weekend: string[];
  bounds: { minLat: number; maxLat: number; minLng: number; maxLng: number };
  name_ar: string;
  name_en: string;
  jurisdiction?: string;
  digits?: 'latn' | 'arab';
  contactCentre: ContactCentre;
  sla: unknown;
}

/** A profile that cannot be used, with every problem found (each naming its file). */
export class ProfileError extends Error {
  constructor(
    readonly profile: string,
    readonly problems: string[],
  ) {
    super(`Deployment profile "${profile}" has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ProfileError';
  }
}

/** The profile codes: the folders under `root` (a folder without profile.json is a profile with that problem), sorted. */
export function listProfileFolders(root = PROFILES_ROOT): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && CODE.test(d.name))
    .map((d) => d.name)
    .sort();
}

export function unknownProfileMessage(code: string, root = PROFILES_ROOT): string {
  return `Unknown deployment profile "${code}". Known profiles: ${listProfileFolders(root).join(', ') || '(none)'}.`;
}

type Reading = { value: unknown; problem?: string };

function readJson(folder: string, file: string, absent?: unknown): Reading {
  const full = path.join(folder, file);
  if (!fs.existsSync(full)) return absent === undefined ? { value: undefined, problem: `${file}: missing` } : { value: absent };
  try {
    return { value: JSON.parse(fs.readFileSync(full, 'utf8')) as unknown };
  } catch (err) {
    return { value: undefined, problem: `${file}: not valid JSON (${(err as Error).message})` };
  }
}

/**
 * Reads every file of `profiles/<code>/`, collecting what cannot be read (a missing file, bad JSON)
 * as problems that name the file. Throws a ProfileError only for a profile that has no folder.
 */
export function readProfileFolder(code: string, root = PROFILES_ROOT): { folder: ProfileFolder; problems: string[] } {
  if (!listProfileFolders(root).includes(code)) throw new ProfileError(code, [unknownProfileMessage(code, root)]);
  const dir = path.join(root, code);
  const problems: string[] = [];
  const take = (r: Reading): unknown => {
    if (r.problem) problems.push(`${code}/${r.problem}`);
    return r.value;
  };
  const calendars: Record<string, unknown> = {};
  const calendarDir = path.join(dir, 'calendars');
  for (const file of fs.existsSync(calendarDir) ? fs.readdirSync(calendarDir).sort() : []) {
    const m = CALENDAR_FILE.exec(file);
    if (!m) {
      problems.push(`${code}/calendars/${file}: not a calendar file name (CODE.json, e.g. BH.json or AE-SHJ.json)`);
      continue;
    }
    const value = take(readJson(dir, `calendars/${file}`));
    if (value !== undefined) calendars[m[1]!] = value;
  }
  const folder: ProfileFolder = {
    code,
    profile: take(readJson(dir, 'profile.json')),
    directory: take(readJson(dir, 'directory.json')),
    calendars,
    seeds: take(readJson(dir, 'seeds.json', {})),
    places: take(readJson(dir, 'places.json', [])),
  };
  return { folder, problems };
}

const loaded = new Map<string, ProfileFolder>();

/** The files of a profile, read once per process; throws a ProfileError if any cannot be read. */
export function loadProfileFolder(code: string, root = PROFILES_ROOT): ProfileFolder {
  const key = `${root}\0${code}`;
  const cached = loaded.get(key);
  if (cached) return cached;
  const { folder, problems } = readProfileFolder(code, root);
  if (problems.length) throw new ProfileError(code, problems);
  loaded.set(key, folder);
  return folder;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const text = Joi.string().trim().min(1).max(200).required();

const identitySchema = Joi.object({
  profile: Joi.string().pattern(CODE).required(),
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
  name_ar: text,
  name_en: text,
  jurisdiction: Joi.string().trim().min(1).max(200),
  digits: Joi.string().valid('latn', 'arab'),
  contactCentre: Joi.object({ name_ar: text, name_en: text, phone: Joi.string().pattern(/^\+?[0-9]{3,15}$/).required() }).required(),
  sla: Joi.any().required(),
}).unknown(true);

/** What is wrong with a profile.json (empty: nothing); `folderCode`, when given, must be its `profile`. Pure. */
export function checkProfileIdentity(raw: unknown, folderCode?: string): string[] {
  const { error } = identitySchema.validate(raw, { abortEarly: false });
  const problems = error ? error.details.map((d) => d.message) : [];
  const named = (raw ?? {}) as { profile?: unknown };
  if (folderCode !== undefined && typeof named.profile === 'string' && named.profile !== folderCode) {
    problems.push(`"profile" is "${named.profile}" but the folder is ${folderCode}/`);
  }
  return problems;
}

const identities = new Map<string, ProfileIdentity>();

/** The identity and defaults of a profile (profile.json), read and checked once per process. */
export function profileIdentity(code: string, root = PROFILES_ROOT): ProfileIdentity {
  const key = `${root}\0${code}`;
  const cached = identities.get(key);
  if (cached) return cached;
  const raw = loadProfileFolder(code, root).profile;
  const problems = checkProfileIdentity(raw, code);
  if (problems.length) throw new ProfileError(code, problems.map((p) => `${code}/profile.json: ${p}`));
  identities.set(key, raw as ProfileIdentity);
  return raw as ProfileIdentity;
}
