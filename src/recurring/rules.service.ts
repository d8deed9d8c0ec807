/**
 * The grouping rules as data: administrators may give a category its own flag threshold, window,
 * similarity or radius ("3 potholes in 30 days" is not "3 fire hazards in 30 days"); every other
 * category follows DEFAULT_RULES. Each instance keeps them briefly; a change here clears that.
 */
import Joi from 'joi';
import { getDirectory } from '../directory/index.js';
import { ValidationError } from '../shared/errors.js';
import { ReadCache } from '../shared/read-cache.js';
import { DEFAULT_RULES, type RecurrenceRules, type RulesFor } from './grouping.js';
import { RecurrenceRuleModel } from './recurring.model.js';

export const ruleBodySchema = Joi.object({
  windowDays: Joi.number().strict().integer().min(1).max(365),
  similarity: Joi.number().strict().min(0.1).max(0.95),
  flagCount: Joi.number().strict().integer().min(2).max(50),
  radiusMeters: Joi.number().strict().integer().min(25).max(5000),
});

export type RuleOverrides = Partial<Pick<RecurrenceRules, 'windowDays' | 'similarity' | 'flagCount' | 'radiusMeters'>>;

const cache = new ReadCache<Map<string, RuleOverrides>>(30_000);

function overridesOf(profile: string): Promise<Map<string, RuleOverrides>> {
  return cache.get(profile, async () => {
    const rows = await RecurrenceRuleModel.find({ profile }).lean();
    return new Map(
      rows.map((r) => [r.category, Object.fromEntries(Object.entries({ windowDays: r.windowDays, similarity: r.similarity, flagCount: r.flagCount, radiusMeters: r.radiusMeters }).filter(([, v]) => typeof v === 'number')) as RuleOverrides]),
    );
  });
}

/** The rules of each category of a profile. */
export async function rulesFor(profile: string): Promise<RulesFor> {
  const overrides = await overridesOf(profile);
  return (category) => ({ ...DEFAULT_RULES, ...(overrides.get(category) ?? {}) });
}

export async function listRules(profile: string): Promise<{ defaults: RecurrenceRules; categories: { category: string; rules: RecurrenceRules; overrides: RuleOverrides }[] }> {
  const overrides = await overridesOf(profile);
  return { defaults: { ...DEFAULT_RULES }, categories: [...overrides].map(([category, o]) => ({ category, rules: { ...DEFAULT_RULES, ...o }, overrides: o })) };
}

/** Sets a category's own rules (an empty body returns it to the defaults). Applies to cases detected from now on. */
export async function setRules(profile: string, category: string, overrides: RuleOverrides, by: { userId: string; name: string }, now: Date): Promise<void> {
  const d = await getDirectory(profile);
  if (!d?.categories.some((c) => c.code === category)) throw new ValidationError([{ field: 'category', code: 'UNKNOWN_CODE', message: `No category with the code ${category}.` }]);
  cache.clear();
  if (Object.keys(overrides).length === 0) {
    await RecurrenceRuleModel.deleteOne({ profile, category });
    return;
  }
  await RecurrenceRuleModel.replaceOne({ profile, category }, { profile, category, ...overrides, updatedBy: by, updatedAt: now }, { upsert: true });
}
