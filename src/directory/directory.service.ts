import { ReadCache } from '../shared/read-cache.js';
import { AgencyModel, AreaModel, CategoryModel, ProfileModel } from './directory.model.js';
import type { ProfileData } from './profile-data.js';

export interface SeedReport {
  profile: string;
  inserted: number;
  existing: number;
}

/**
 * Loads a profile's reference data. Insert-only (`$setOnInsert`): running it twice changes nothing,
 * and it never overwrites what an administrator has since edited (names, `active`).
 */
export async function seedDirectory(data: ProfileData, now: Date): Promise<SeedReport> {
  const profile = data.profile;
  // Mongoose's own timestamps would `$set` updatedAt on every matched document: set them on insert only.
  const upsert = (filter: Record<string, string>, doc: Record<string, unknown>) => ({
    updateOne: { filter, update: { $setOnInsert: { ...filter, ...doc, createdAt: now, updatedAt: now } }, upsert: true, timestamps: false },
  });
  const results = await Promise.all([
    ProfileModel.bulkWrite([
      upsert(
        { code: profile },
        { country: data.country, timezone: data.timezone, calendar: data.calendar, weekend: data.weekend, bounds: data.bounds, categoryGroups: data.categoryGroups, name_ar: data.name_ar ?? profile, name_en: data.name_en ?? profile },
      ),
    ]),
    AgencyModel.bulkWrite([
      ...data.municipalities.map((m) => upsert({ profile, code: m.code }, { kind: 'municipality', name_ar: m.name_ar, name_en: m.name_en, active: true })),
      ...data.agencies.map((a) => upsert({ profile, code: a.code }, { kind: 'national', name_ar: a.name_ar, name_en: a.name_en, active: true })),
    ]),
    AreaModel.bulkWrite(
      data.municipalities.flatMap((m) =>
        m.areas.map((a) => upsert({ profile, code: a.code }, { municipality: m.code, name_ar: a.name_ar, name_en: a.name_en, active: true })),
      ),
    ),
    CategoryModel.bulkWrite(data.categories.map((c) => upsert({ profile, code: c.code }, { owner: c.owner, group: c.group, name_ar: c.name_ar, name_en: c.name_en, active: true }))),
  ]);
  invalidateDirectoryCache();
  const inserted = results.reduce((n, r) => n + r.upsertedCount, 0);
  const total = 1 + data.municipalities.length + data.agencies.length + data.categories.length + data.municipalities.reduce((n, m) => n + m.areas.length, 0);
  return { profile, inserted, existing: total - inserted };
}

export async function isDirectorySeeded(profile: string): Promise<boolean> {
  return (await ProfileModel.countDocuments({ code: profile })) > 0;
}

interface Named {
  code: string;
  name_ar: string;
  name_en: string;
}

/** A category as the directory shows it; the window only when it has one (ISO instants, `validUntil` exclusive). */
export type CategoryView = Named & { owner: string; group: string; validFrom?: string; validUntil?: string };

export interface DirectoryView {
  profile: { code: string; country: string; timezone: string; weekend: string[] };
  municipalities: (Named & { areas: Named[] })[];
  agencies: (Named & { kind: 'municipality' | 'national' })[];
  categoryGroups: Named[];
  categories: CategoryView[];
  /**
   * Codes that old cases may carry but new cases may not use, so that they stay readable by name:
   * retired agencies, areas and categories, and (when asked at an instant) categories outside their window.
   */
  notOffered: {
    agencies: (Named & { kind: 'municipality' | 'national' })[];
    areas: (Named & { municipality: string })[];
    categories: (CategoryView & { retired: boolean })[];
  };
}

const byCode = { code: 1 } as const; // codes are unique in a profile: the (profile, code) index gives the order

interface SnapshotCategory extends Named {
  owner: string;
  group: string;
  active: boolean;
  validFrom: Date | null;
  validUntil: Date | null;
}

/**
 * The directory changes rarely and is read on every filing and page, so each instance keeps a
 * snapshot for 30 seconds. Seeding and the administrators' edits (editing.service.ts) clear it at
 * once; an edit made on another instance shows within that time.
 */
interface Snapshot {
  profile: { code: string; country: string; timezone: string; calendar: string; weekend: string[]; bounds: { minLat: number; maxLat: number; minLng: number; maxLng: number }; categoryGroups: Named[] };
  agencies: (Named & { kind: 'municipality' | 'national'; active: boolean })[];
  areas: (Named & { municipality: string; active: boolean })[];
  categories: SnapshotCategory[];
}

const cache = new ReadCache<Snapshot>(30_000);

export function invalidateDirectoryCache(): void {
  cache.clear();
}

const named = (d: Named): Named => ({ code: d.code, name_ar: d.name_ar, name_en: d.name_en });

async function snapshot(profileCode: string): Promise<Snapshot | null> {
  const cached = cache.fresh(profileCode);
  if (cached) return cached;
  const profile = await ProfileModel.findOne({ code: profileCode }).lean();
  if (!profile) {
    cache.delete(profileCode);
    return null;
  }
  const [agencies, areas, categories] = await Promise.all([
    AgencyModel.find({ profile: profileCode }).sort(byCode).lean(),
    AreaModel.find({ profile: profileCode }).sort(byCode).lean(),
    CategoryModel.find({ profile: profileCode }).sort(byCode).lean(),
  ]);
  const fresh: Snapshot = {
    profile: {
      code: profile.code,
      country: profile.country,
      timezone: profile.timezone,
      calendar: profile.calendar,
      weekend: [...profile.weekend],
      bounds: profile.bounds,
      categoryGroups: profile.categoryGroups.map((g) => ({ code: g.code!, name_ar: g.name_ar!, name_en: g.name_en! })),
    },
    agencies: agencies.map((a) => ({ ...named(a), kind: a.kind, active: a.active })),
    areas: areas.map((a) => ({ ...named(a), municipality: a.municipality, active: a.active })),
    categories: categories.map((c) => ({ ...named(c), owner: c.owner, group: c.group, active: c.active, validFrom: c.validFrom ?? null, validUntil: c.validUntil ?? null })),
  };
  return cache.set(profileCode, fresh);
}

/** Whether a category's window (if any) holds `at`: from `validFrom` (inclusive) until `validUntil` (exclusive). */
export function insideWindow(c: { validFrom?: Date | null; validUntil?: Date | null }, at: Date): boolean {
  return (!c.validFrom || at.getTime() >= c.validFrom.getTime()) && (!c.validUntil || at.getTime() < c.validUntil.getTime());
}

/** Offered for new cases: not retired and, when asked at an instant, inside its window. */
const offered = (c: SnapshotCategory, at: Date | undefined): boolean => c.active && (!at || insideWindow(c, at));

function categoryView(c: SnapshotCategory): CategoryView {
  return { ...named(c), owner: c.owner, group: c.group, ...(c.validFrom ? { validFrom: c.validFrom.toISOString() } : {}), ...(c.validUntil ? { validUntil: c.validUntil.toISOString() } : {}) };
}

function buildView(snap: Snapshot, at: Date | undefined): DirectoryView {
  const agencies = snap.agencies.filter((a) => a.active);
  const areas = snap.areas.filter((a) => a.active);
  return {
    profile: { code: snap.profile.code, country: snap.profile.country, timezone: snap.profile.timezone, weekend: [...snap.profile.weekend] },
    municipalities: agencies
      .filter((a) => a.kind === 'municipality')
      .map((m) => ({ ...named(m), areas: areas.filter((a) => a.municipality === m.code).map(named) })),
    agencies: agencies.map((a) => ({ ...named(a), kind: a.kind })),
    categoryGroups: snap.profile.categoryGroups,
    categories: snap.categories.filter((c) => offered(c, at)).map(categoryView),
    notOffered: {
      agencies: snap.agencies.filter((a) => !a.active).map((a) => ({ ...named(a), kind: a.kind })),
      areas: snap.areas.filter((a) => !a.active).map((a) => ({ ...named(a), municipality: a.municipality })),
      categories: snap.categories.filter((c) => !offered(c, at)).map((c) => ({ ...categoryView(c), retired: !c.active })),
    },
  };
}

/**
 * One view object per snapshot and offer (the same object until the directory changes), so that
 * what other modules derive from it (the classifier's routing taxonomy) can be kept beside it.
 */
const views = new WeakMap<Snapshot, Map<string, DirectoryView>>();

/**
 * The directory of a profile, as the public API shows it: what is offered for new cases (not
 * retired; given an instant, categories inside their window), and what old cases may still name.
 */
export async function getDirectory(profileCode: string, at?: Date): Promise<DirectoryView | null> {
  const snap = await snapshot(profileCode);
  if (!snap) return null;
  const key = at ? snap.categories.filter((c) => offered(c, at)).map((c) => c.code).join(',') : '*';
  let byKey = views.get(snap);
  if (!byKey) views.set(snap, (byKey = new Map<string, DirectoryView>()));
  let view = byKey.get(key);
  if (!view) byKey.set(key, (view = buildView(snap, at)));
  return view;
}

type NameList = 'agencies' | 'areas' | 'categories';

/** A code's names from a directory view, offered or not (a retired code on an old case keeps its name). */
export function directoryEntry(d: DirectoryView, list: NameList, code: string | null | undefined): Named | undefined {
  if (!code) return undefined;
  const offeredList: Named[] = list === 'areas' ? d.municipalities.flatMap((m) => m.areas) : d[list];
  return offeredList.find((x) => x.code === code) ?? (d.notOffered[list] as Named[]).find((x) => x.code === code);
}

export interface CodeLookup {
  profile: { code: string; country: string; timezone: string; bounds: { minLat: number; maxLat: number; minLng: number; maxLng: number } } | null;
  category: { code: string; owner: string; name_ar: string; name_en: string } | null;
  area: { code: string; municipality: string; name_ar: string; name_en: string } | null;
  /** The code exists but is not offered for new cases (retired, or outside its window at `at`). */
  notOffered: { category: boolean; area: boolean };
}

/** The offered category and area behind the given codes (null when unknown, retired, or — given `at` — outside the window). */
export async function lookupCodes(profileCode: string, codes: { category?: string | null; area?: string | null }, at?: Date): Promise<CodeLookup> {
  const snap = await snapshot(profileCode);
  if (!snap) return { profile: null, category: null, area: null, notOffered: { category: false, area: false } };
  const anyCategory = codes.category ? snap.categories.find((c) => c.code === codes.category) : undefined;
  const anyArea = codes.area ? snap.areas.find((a) => a.code === codes.area) : undefined;
  const category = anyCategory && offered(anyCategory, at) ? anyCategory : undefined;
  const area = anyArea?.active ? anyArea : undefined;
  return {
    profile: { code: snap.profile.code, country: snap.profile.country, timezone: snap.profile.timezone, bounds: snap.profile.bounds },
    category: category ? { code: category.code, owner: category.owner, name_ar: category.name_ar, name_en: category.name_en } : null,
    area: area ? { code: area.code, municipality: area.municipality, name_ar: area.name_ar, name_en: area.name_en } : null,
    notOffered: { category: !!anyCategory && !category, area: !!anyArea && !area },
  };
}

/** An agency by code, retired or not (names on old cases); `agencyOffered` says whether new cases may go to it. */
export async function findAgency(profileCode: string, code: string): Promise<{ code: string; name_ar: string; name_en: string } | null> {
  const agency = (await snapshot(profileCode))?.agencies.find((a) => a.code === code);
  return agency ? { code: agency.code, name_ar: agency.name_ar, name_en: agency.name_en } : null;
}

/** Whether an agency exists and is not retired. */
export async function agencyOffered(profileCode: string, code: string): Promise<boolean> {
  return !!(await snapshot(profileCode))?.agencies.some((a) => a.code === code && a.active);
}

/** The calendar code a profile's agencies follow (agencies with their own calendar come with SLA policies). */
export async function profileCalendarCode(profileCode: string): Promise<string | null> {
  return (await snapshot(profileCode))?.profile.calendar ?? null;
}
