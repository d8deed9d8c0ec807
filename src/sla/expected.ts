/**
 * What a citizen is told to expect: the working days until the answer is due under the SLA policy in
 * force (the national default where no policy sets a resolution target). One figure for the home
 * page, the confirmation page and the receipt email, so that none of them says something else.
 */
import { clockSetup } from './clock.service.js';
import { addWorkingHours, workingDaysUntil } from './deadline.js';
import type { PolicyMatch } from './policy.js';
import { policyFor } from './policy.service.js';

/**
 * The resolution target, in working days, for a case like `match` in `profile` (the home page passes
 * no match: the profile-wide policy, else the national default). A target in working days is its own
 * figure; one in working hours is counted on the case's calendar from `now` to where it ends, at
 * least 1. For a case that reaches an agency this is the count from its start to its stored `dueAt`.
 */
export async function expectedWorkingDays(profile: string, match: PolicyMatch, now: Date): Promise<number> {
  const { resolution } = await policyFor(profile, match);
  if ('workingDays' in resolution) return resolution.workingDays;
  const { entry } = await clockSetup(profile, match);
  return Math.max(1, workingDaysUntil(entry.calendar, now, addWorkingHours(entry.calendar, now, resolution.workingHours)));
}
