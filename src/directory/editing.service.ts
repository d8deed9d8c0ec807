/**
 * Administrators edit the directory (issue #16, "A directory administrators can edit"): add,
 * rename, retire and restore agencies, municipalities, areas and categories, move an area to another
 * municipality, change a category's owner, group and validity window. Each edit is checked whole
 * (editing.rules.ts) against the directory as stored, written with one guarded update (an entry
 * changed meanwhile by someone else is 409 DIRECTORY_EDIT_CONFLICT, nothing written), recorded in the
 * change history with who and when, and the directory cache of this instance is cleared at once
 * (other instances see it within the cache's 30 seconds).
 *
 * Cases keep the codes they were filed with: an open case keeps its agency when a category changes
 * owner or an area moves; new cases follow the directory as it now is. A code is never changed or
 * reused; a retired one stays readable by name (getDirectory's `notOffered`).
 */
import type { TFunction } from 'i18next';
import mongoose from 'mongoose';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import { isDuplicateKeyError } from '../shared/db/connect.js';
import { DirectoryChangeModel, type DirectoryEntity } from './directory-change.model.js';
import { AgencyModel, AreaModel, CategoryModel, ProfileModel } from './directory.model.js';
import { invalidateDirectoryCache } from './directory.service.js';
import { agencyProblems, areaProblems, categoryProblems, codeTaken, fieldChanges, type DirectoryFacts, type Problem } from './editing.rules.js';

export interface Editor {
  userId: string;
  name: string;
  role: string;
}

/** Who edits, when, in which profile, and the translator the refusals are worded with. */
export interface EditContext {
  profile: string;
  actor: Editor;
  now: Date;
  t: TFunction;
}

export interface Names {
  name_ar: string;
  name_en: string;
}

export interface EntryView extends Names {
  code: string;
  kind?: 'municipality' | 'national';
  municipality?: string;
  owner?: string;
  group?: string;
  validFrom?: string | null;
  validUntil?: string | null;
  retired: boolean;
  retiredAt: string | null;
}

type Stored = Names & { code: string; active: boolean; retiredAt?: Date | null; updatedAt?: Date | null; [k: string]: unknown };

async function factsOf(profile: string): Promise<DirectoryFacts> {
  const [profileDoc, agencies, areas, categories] = await Promise.all([
    ProfileModel.findOne({ code: profile }).lean(),
    AgencyModel.find({ profile }).lean(),
    AreaModel.find({ profile }).lean(),
    CategoryModel.find({ profile }).lean(),
  ]);
  return {
    agencies: agencies.map((a) => ({ code: a.code, kind: a.kind, active: a.active })),
    areas: areas.map((a) => ({ code: a.code, municipality: a.municipality, active: a.active })),
    categories: categories.map((c) => ({ code: c.code, owner: c.owner, group: c.group, active: c.active, validFrom: c.validFrom ?? null, validUntil: c.validUntil ?? null })),
    groups: (profileDoc?.categoryGroups ?? []).map((g) => g.code!),
  };
}

function refuseIf(problems: Problem[], t: TFunction): void {
  if (!problems.length) return;
  throw new ValidationError(problems.map((p) => ({ field: p.field, code: p.code, message: t(`directory.problems.${p.code}`, p.params ?? {}) })));
}

function notFound(entity: DirectoryEntity, code: string): NotFoundError {
  return new NotFoundError('DIRECTORY_ENTRY_NOT_FOUND', `No ${entity} with the code ${code}.`);
}

function taken(code: string): ConflictError {
  return new ConflictError('DIRECTORY_CODE_TAKEN', `The code ${code} is already used (codes are never reused, even once retired).`, { code });
}

/** The entry as the admin API shows it. */
export function entryView(entity: DirectoryEntity, d: Stored): EntryView {
  const date = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : null);
  return {
    code: d.code,
    name_ar: d.name_ar,
    name_en: d.name_en,
    ...(entity === 'agency' || entity === 'municipality' ? { kind: d.kind as EntryView['kind'] } : {}),
    ...(entity === 'area' ? { municipality: d.municipality as string } : {}),
    ...(entity === 'category' ? { owner: d.owner as string, group: d.group as string, validFrom: date(d.validFrom), validUntil: date(d.validUntil) } : {}),
    retired: !d.active,
    retiredAt: date(d.retiredAt),
  };
}

async function record(ctx: EditContext, entity: DirectoryEntity, code: string, before: Record<string, unknown> | null, after: Record<string, unknown>): Promise<void> {
  const changes = fieldChanges(before, after);
  if (!changes.length) return;
  await DirectoryChangeModel.create({ profile: ctx.profile, at: ctx.now, actor: ctx.actor, entity, code, action: before ? 'updated' : 'created', changes });
}

/** The retirement fields a `retired` flag sets (a restored entry loses its retiredAt). */
function retirement(before: Stored, retired: boolean | undefined, now: Date): Record<string, unknown> {
  if (retired === undefined || retired === !before.active) return {};
  return retired ? { active: false, retiredAt: now } : { active: true, retiredAt: null };
}

type Updater = (filter: Record<string, unknown>, update: Record<string, unknown>) => Promise<{ matchedCount: number }>;

const updaters: Record<'agency' | 'area' | 'category', Updater> = {
  agency: (f, u) => AgencyModel.updateOne(f, u, { timestamps: false }),
  area: (f, u) => AreaModel.updateOne(f, u, { timestamps: false }),
  category: (f, u) => CategoryModel.updateOne(f, u, { timestamps: false }),
};

/**
 * Writes the changed fields of a checked edit in one update guarded by the entry as it was read
 * (its `updatedAt` and the old values of the changed fields; null values are removed), records the
 * change, clears the directory cache.
 */
async function applyEdit(ctx: EditContext, entity: DirectoryEntity, before: Stored, changed: Record<string, unknown>): Promise<Stored> {
  const collection = entity === 'municipality' ? 'agency' : entity;
  const set: Record<string, unknown> = {};
  const unset: Record<string, ''> = {};
  for (const [k, v] of Object.entries(changed)) {
    if (v === null) unset[k] = '';
    else set[k] = v;
  }
  const fields = Object.keys(changed).filter((k) => fieldChanges({ [k]: before[k] }, { [k]: changed[k] }).length);
  if (!fields.length) return before;
  // Compare-and-set: the entry as it was read (its updatedAt, and each field this edit changes).
  // (`$exists` marked trusted: sanitizeFilter would otherwise turn it into an equality, shared/db/operators.ts.)
  const unchanged = Object.fromEntries(fields.map((k) => [k, before[k] === undefined || before[k] === null ? (mongoose.trusted({ $exists: false }) as unknown) : before[k]]));
  const result = await updaters[collection](
    { profile: ctx.profile, code: before.code, updatedAt: before.updatedAt, ...unchanged },
    { $set: { ...set, updatedAt: ctx.now }, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
  );
  if (result.matchedCount === 0) throw new ConflictError('DIRECTORY_EDIT_CONFLICT', 'This entry was changed meanwhile: load it again and repeat the change.');
  invalidateDirectoryCache();
  await record(ctx, entity, before.code, before, changed);
  return { ...before, ...changed, updatedAt: ctx.now };
}

async function insertEntry(ctx: EditContext, entity: DirectoryEntity, doc: Record<string, unknown> & { code: string }): Promise<Stored> {
  const full = { profile: ctx.profile, ...doc, active: true, createdAt: ctx.now, updatedAt: ctx.now };
  try {
    if (entity === 'agency' || entity === 'municipality') await AgencyModel.create([full], { timestamps: false });
    else if (entity === 'area') await AreaModel.create([full], { timestamps: false });
    else await CategoryModel.create([full], { timestamps: false });
  } catch (err) {
    if (isDuplicateKeyError(err)) throw taken(doc.code);
    throw err;
  }
  invalidateDirectoryCache();
  await record(ctx, entity, doc.code, null, doc);
  return full as unknown as Stored;
}

// ---- agencies and municipalities ----

export async function createAgency(ctx: EditContext, kind: 'municipality' | 'national', input: Names & { code: string }): Promise<EntryView> {
  const facts = await factsOf(ctx.profile);
  if (codeTaken(input.code, facts.agencies)) throw taken(input.code);
  const entity = kind === 'municipality' ? 'municipality' : 'agency';
  return entryView(entity, await insertEntry(ctx, entity, { code: input.code, kind, name_ar: input.name_ar, name_en: input.name_en }));
}

export interface AgencyPatch extends Partial<Names> {
  retired?: boolean;
}

/** Renames, retires or restores an agency or a municipality (`kind` given: only one of that kind). */
export async function updateAgency(ctx: EditContext, code: string, patch: AgencyPatch, kind?: 'municipality' | 'national'): Promise<EntryView> {
  const before = (await AgencyModel.findOne({ profile: ctx.profile, code }).lean()) as Stored | null;
  if (!before || (kind && before.kind !== kind)) throw notFound(kind === 'municipality' ? 'municipality' : 'agency', code);
  const entity = before.kind === 'municipality' ? 'municipality' : 'agency';
  const changed: Record<string, unknown> = { ...names(patch), ...retirement(before, patch.retired, ctx.now) };
  const facts = await factsOf(ctx.profile);
  refuseIf(agencyProblems({ code, kind: before.kind as 'municipality' | 'national', active: (changed.active as boolean | undefined) ?? before.active }, facts), ctx.t);
  return entryView(entity, await applyEdit(ctx, entity, before, changed));
}

function names(patch: Partial<Names>): Partial<Names> {
  return { ...(patch.name_ar !== undefined ? { name_ar: patch.name_ar } : {}), ...(patch.name_en !== undefined ? { name_en: patch.name_en } : {}) };
}

// ---- areas ----

export async function createArea(ctx: EditContext, input: Names & { code: string; municipality: string }): Promise<EntryView> {
  const facts = await factsOf(ctx.profile);
  if (codeTaken(input.code, facts.areas)) throw taken(input.code);
  refuseIf(areaProblems({ code: input.code, municipality: input.municipality, active: true }, facts), ctx.t);
  return entryView('area', await insertEntry(ctx, 'area', { code: input.code, municipality: input.municipality, name_ar: input.name_ar, name_en: input.name_en }));
}

export interface AreaPatch extends AgencyPatch {
  municipality?: string;
}

/** Renames an area, moves it to another municipality, retires or restores it. */
export async function updateArea(ctx: EditContext, code: string, patch: AreaPatch): Promise<EntryView> {
  const before = (await AreaModel.findOne({ profile: ctx.profile, code }).lean()) as Stored | null;
  if (!before) throw notFound('area', code);
  const changed: Record<string, unknown> = { ...names(patch), ...(patch.municipality !== undefined ? { municipality: patch.municipality } : {}), ...retirement(before, patch.retired, ctx.now) };
  const after = { code, municipality: (changed.municipality as string | undefined) ?? (before.municipality as string), active: (changed.active as boolean | undefined) ?? before.active };
  refuseIf(areaProblems(after, await factsOf(ctx.profile)), ctx.t);
  return entryView('area', await applyEdit(ctx, 'area', before, changed));
}

// ---- categories ----

export interface CategoryInput extends Names {
  code: string;
  owner: string;
  group: string;
  validFrom?: Date | null;
  validUntil?: Date | null;
}

export async function createCategory(ctx: EditContext, input: CategoryInput): Promise<EntryView> {
  const facts = await factsOf(ctx.profile);
  if (codeTaken(input.code, facts.categories)) throw taken(input.code);
  refuseIf(categoryProblems({ ...input, active: true }, facts), ctx.t);
  const doc = { code: input.code, owner: input.owner, group: input.group, name_ar: input.name_ar, name_en: input.name_en, ...(input.validFrom ? { validFrom: input.validFrom } : {}), ...(input.validUntil ? { validUntil: input.validUntil } : {}) };
  return entryView('category', await insertEntry(ctx, 'category', doc));
}

export type CategoryPatch = Partial<Omit<CategoryInput, 'code'>> & { retired?: boolean };

/** Renames a category, changes its owner, group or window (null clears an end), retires or restores it. */
export async function updateCategory(ctx: EditContext, code: string, patch: CategoryPatch): Promise<EntryView> {
  const before = (await CategoryModel.findOne({ profile: ctx.profile, code }).lean()) as Stored | null;
  if (!before) throw notFound('category', code);
  const links = Object.fromEntries((['owner', 'group', 'validFrom', 'validUntil'] as const).filter((k) => patch[k] !== undefined).map((k) => [k, patch[k]]));
  const changed: Record<string, unknown> = { ...names(patch), ...links, ...retirement(before, patch.retired, ctx.now) };
  const merged = { ...before, ...changed } as Stored;
  const after = { code, owner: merged.owner as string, group: merged.group as string, active: merged.active, validFrom: (merged.validFrom as Date | null) ?? null, validUntil: (merged.validUntil as Date | null) ?? null };
  refuseIf(categoryProblems(after, await factsOf(ctx.profile)), ctx.t);
  return entryView('category', await applyEdit(ctx, 'category', before, changed));
}

// ---- reading ----

/** Every entry of the profile, retired ones included, for the admin API and page. */
export async function listEntries(profile: string): Promise<{ agencies: EntryView[]; areas: EntryView[]; categories: EntryView[]; groups: (Names & { code: string })[] }> {
  const sort = { code: 1 } as const; // codes are unique in a profile: the (profile, code) index gives the order
  const [profileDoc, agencies, areas, categories] = await Promise.all([
    ProfileModel.findOne({ code: profile }).lean(),
    AgencyModel.find({ profile }).sort(sort).lean(),
    AreaModel.find({ profile }).sort(sort).lean(),
    CategoryModel.find({ profile }).sort(sort).lean(),
  ]);
  return {
    agencies: agencies.map((a) => entryView(a.kind === 'municipality' ? 'municipality' : 'agency', a as unknown as Stored)),
    areas: areas.map((a) => entryView('area', a as unknown as Stored)),
    categories: categories.map((c) => entryView('category', c as unknown as Stored)),
    groups: (profileDoc?.categoryGroups ?? []).map((g) => ({ code: g.code!, name_ar: g.name_ar!, name_en: g.name_en! })),
  };
}

export interface ChangeView {
  id: string;
  at: string;
  actor: Editor;
  entity: DirectoryEntity;
  code: string;
  action: 'created' | 'updated';
  changes: { field: string; from: unknown; to: unknown }[];
}

/** The change history, newest first (optionally of one entity kind or code). */
export async function listChanges(profile: string, query: { entity?: DirectoryEntity; code?: string; limit: number }): Promise<ChangeView[]> {
  const filter = { profile, ...(query.entity ? { entity: query.entity } : {}), ...(query.code ? { code: query.code } : {}) };
  const docs = await DirectoryChangeModel.find(filter).sort({ at: -1, _id: -1 }).limit(query.limit).lean();
  return docs.map((d) => ({
    id: d._id.toHexString(),
    at: d.at.toISOString(),
    actor: { userId: d.actor.userId, name: d.actor.name, role: d.actor.role },
    entity: d.entity,
    code: d.code,
    action: d.action,
    changes: d.changes.map((c) => ({ field: c.field, from: (c.from as unknown) ?? null, to: (c.to as unknown) ?? null })),
  }));
}
