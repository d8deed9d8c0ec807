/**
 * Open cases like the one a citizen is about to file, and following one instead: used by the API
 * (`/api/v1/cases/similar`, `/api/v1/cases/:reference/follow`) and by the filing page.
 */
import { addFollower, openCasesAmong } from '../cases/index.js';
import { routeByText, textOf } from '../classification/index.js';
import type { SimilarAnswer, SimilarDraft } from '../shared/hooks.js';
import type { Principal } from '../shared/principal.js';
import { placeWordsFor, windowCandidates } from './detection.service.js';
import { RecurringIssueModel } from './recurring.model.js';
import { rulesFor } from './rules.service.js';
import { cosine, sharedWords, unpackVector, vectorOf } from './similarity.js';
import { problemVocabulary, problemWordsOf, withinVocabulary } from './vocabulary.js';

/** A case being written, as the look-alike search takes it (the filing body without contact: cases' similarSchema). */
export type SimilarInput = SimilarDraft;
export type { SimilarAnswer };

/** Open cases like the one being written (its category and area, given or found in its text); nothing stored. */
export async function findSimilarOpenCases(profile: string, input: SimilarInput, bar: { threshold: number; margin: number }, now: Date): Promise<SimilarAnswer> {
  const text = textOf({ title: input.title, description: input.description });
  let category = input.category || null;
  let area = input.area || null;
  if (!category || !area) {
    const byText = await routeByText(profile, { text, category, area }, bar, now);
    if (byText && byText.decision.method !== 'triage') {
      category = byText.decision.category;
      area = byText.decision.area ?? area;
    }
  }
  if (!category || !area) return { category, area, items: [] };
  // Without place names, as the stored vectors are: naming the place must not lower the score. And
  // both texts on the category's problem vocabulary only (vocabulary.ts): a name, number or rare word
  // of another citizen's description must neither be shown as a shared word nor, typed by the
  // searcher, raise that case's score or bring it into the answer.
  const vocabulary = problemVocabulary(profile, category);
  const vector = withinVocabulary(vectorOf(problemWordsOf(text, vocabulary), await placeWordsFor(profile)), vocabulary);
  const rules = (await rulesFor(profile))(category);
  const candidates = await windowCandidates(profile, category, { area }, now, rules);
  const scored = candidates
    .map((c) => {
      const other = withinVocabulary(unpackVector(c.vector), vocabulary);
      return { c, other, score: cosine(vector, other) };
    })
    .filter((x) => x.score >= rules.similarity)
    .sort((a, b) => b.score - a.score);
  const open = await openCasesAmong(scored.map((x) => x.c._id));
  const byId = new Map(open.map((o) => [o._id.toHexString(), o]));
  // Never another citizen's words: the reference, status, date and the vocabulary words the two texts share.
  const items = scored
    .filter((x) => byId.has(x.c._id.toHexString()))
    .slice(0, 5)
    .map((x) => {
      const o = byId.get(x.c._id.toHexString())!;
      return { reference: o.reference, status: o.status, createdAt: o.createdAt.toISOString(), score: x.score, sharedWords: sharedWords(vector, x.other).filter((w) => vocabulary.stems.has(w)) };
    });
  return { category, area, items };
}

/** A signed-in citizen follows an open case as affected; they count among its recurring issue's citizens. */
export async function followCase(p: Principal, referenceInput: unknown): Promise<string> {
  const { caseId, reference } = await addFollower(p.userId, referenceInput);
  const group = await RecurringIssueModel.findOne({ caseIds: caseId }).select({ _id: 1 }).lean();
  if (group) {
    await RecurringIssueModel.updateOne({ _id: group._id }, { $addToSet: { citizens: p.userId } }, { timestamps: false });
    const issue = await RecurringIssueModel.findById(group._id).select({ citizens: 1 }).lean();
    if (issue) await RecurringIssueModel.updateOne({ _id: group._id }, { $set: { citizenCount: issue.citizens.length } }, { timestamps: false });
  }
  return reference;
}

