/**
 * Classification data per deployment profile (pure): the other names of its areas, for place
 * recognition and for keeping place names out of text features, and its seed phrases per category.
 * Kept beside the classifier until profiles carry them; a profile without any gets none.
 */
import { BH_CATEGORY_SEEDS, type CategorySeeds } from './bh-category-seeds.js';
import { BH_PLACE_ALIASES } from './bh-place-aliases.js';
import type { PlaceAlias } from './places.js';

const PLACE_ALIASES: Readonly<Record<string, readonly PlaceAlias[]>> = { bh: BH_PLACE_ALIASES };
const CATEGORY_SEEDS: Readonly<Record<string, CategorySeeds>> = { bh: BH_CATEGORY_SEEDS };

export const placeAliasesOf = (profile: string): readonly PlaceAlias[] => PLACE_ALIASES[profile] ?? [];
export const categorySeedsOf = (profile: string): CategorySeeds => CATEGORY_SEEDS[profile] ?? {};
