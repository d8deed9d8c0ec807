/**
 * The cases staff routed by hand, which the classifier learns from (hooks.correctedCases): cases own
 * the case document, so the query lives here and classification receives plain examples.
 */
import { textOf } from '../classification/index.js';
import { ne, oneOf } from '../shared/db/operators.js';
import type { CorrectedCase } from '../shared/hooks.js';
import { CaseModel } from './case.model.js';

/** The cases whose routing staff corrected with a category (not anonymised ones: their text is gone). */
export async function correctedCases(profile: string): Promise<CorrectedCase[]> {
  const corrected = await CaseModel.find({ profile, anonymisedAt: null, 'routing.method': 'manual', category: ne(null), agency: ne(null), status: oneOf(['assigned', 'in_progress', 'awaiting_citizen', 'resolved', 'closed', 'reopened', 'under_study', 'accepted', 'declined', 'implemented']) })
    .select({ reference: 1, title: 1, description: 1, category: 1, area: 1, agency: 1 })
    .lean();
  return corrected.map((c) => ({ reference: c.reference, text: textOf(c), category: c.category!, area: c.area ?? null, agency: c.agency! }));
}
