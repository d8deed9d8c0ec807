/**
 * A deployment profile's directory: the identity of profiles/<code>/profile.json (checked by
 * config) with the taxonomy of profiles/<code>/directory.json (checked here). Loading checks it
 * whole, so a bad file fails before any write; `checkTaxonomy` lists every problem for the
 * profile validator (src/profile-check.ts).
 */
import Joi from 'joi';
import { checkProfileIdentity, listProfileFolders, loadProfileFolder, PROFILES_ROOT, type ProfileIdentity } from '../config/index.js';

interface NamedData {
  code: string;
  name_ar: string;
  name_en: string;
}

export interface Taxonomy {
  municipalities: (NamedData & { areas: NamedData[] })[];
  agencies: NamedData[];
  /** Groups in plain words, for the citizen choosing a category. */
  categoryGroups: NamedData[];
  categories: (NamedData & { owner: string; group: string })[];
}

/**
 * The profile as the directory seeds it. `calendar`: the working calendar the deployment's agencies
 * follow unless given their own (src/sla); `bounds`: a case's location must fall inside them.
 */
export type ProfileData = ProfileIdentity & Taxonomy;

const code = Joi.string().pattern(/^[A-Z][A-Z0-9_]{0,63}$/).required();
const named = { code, name_ar: Joi.string().trim().required(), name_en: Joi.string().trim().required() };

const taxonomySchema = Joi.object({
  municipalities: Joi.array().items(Joi.object({ ...named, areas: Joi.array().items(Joi.object(named)).min(1).required() })).required(),
  agencies: Joi.array().items(Joi.object(named)).required(),
  categoryGroups: Joi.array().items(Joi.object(named)).required(),
  categories: Joi.array().items(Joi.object({ ...named, owner: code, group: code })).required(),
}).unknown(true);

export const listProfileCodes = (root = PROFILES_ROOT): string[] => listProfileFolders(root);

/** The directory of a profile folder, checked (throws an Error listing every problem). */
export function readProfileData(profileCode: string, root = PROFILES_ROOT): ProfileData {
  const folder = loadProfileFolder(profileCode, root);
  return parseProfileData({ ...(folder.directory as object), ...(folder.profile as object) });
}

function duplicates(what: string, codes: string[]): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const c of codes) {
    if (seen.has(c)) problems.push(`duplicate ${what} code ${c}`);
    seen.add(c);
  }
  return problems;
}

/** Cross-references joi cannot say: unique codes, owners and groups that exist. */
function crossProblems(data: Taxonomy): string[] {
  const agencyCodes = [...data.municipalities.map((m) => m.code), ...data.agencies.map((a) => a.code)];
  const areaCodes = data.municipalities.flatMap((m) => m.areas.map((a) => a.code));
  const problems = [
    ...duplicates('agency', agencyCodes),
    ...duplicates('area', areaCodes),
    ...duplicates('category', data.categories.map((c) => c.code)),
    ...duplicates('category group', data.categoryGroups.map((g) => g.code)),
  ];
  for (const c of data.categories) {
    if (c.owner !== 'MUNICIPALITY' && !data.agencies.some((a) => a.code === c.owner)) problems.push(`category ${c.code} is owned by unknown agency ${c.owner}`);
    if (!data.categoryGroups.some((g) => g.code === c.group)) problems.push(`category ${c.code} is in unknown group ${c.group}`);
  }
  return problems;
}

/** Every problem of a directory.json (empty: none). Pure. */
export function checkTaxonomy(raw: unknown): string[] {
  const result = taxonomySchema.validate(raw, { abortEarly: false });
  if (result.error) return result.error.details.map((d) => d.message);
  return crossProblems(result.value as Taxonomy);
}

/** The codes a directory.json names, read leniently (for checking the files that refer to them). */
export function taxonomyCodes(raw: unknown): { categories: string[]; areas: string[] } {
  const d = (raw ?? {}) as { municipalities?: unknown; categories?: unknown };
  const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : []);
  const codesOf = (v: unknown): string[] => list(v).flatMap((x) => (typeof x.code === 'string' ? [x.code] : []));
  return { categories: codesOf(d.categories), areas: list(d.municipalities).flatMap((m) => codesOf(m.areas)) };
}

/** Validates identity and taxonomy together (shape, unique codes, owners that exist); throws listing every problem. */
export function parseProfileData(raw: unknown): ProfileData {
  const problems = [...checkProfileIdentity(raw), ...checkTaxonomy(raw)];
  if (problems.length) throw new Error(`Invalid profile data: ${problems.join('; ')}`);
  return raw as ProfileData;
}
