/**
 * A citizen's rights over their own data (Bahrain's and the UAE's PDPL): a copy of everything held
 * about them, and closing their account.
 *
 * Closing keeps the cases that are still being worked (not yet ended: open, or resolved within the
 * rating window) as they are: the agency needs the contact to answer, and the laws allow keeping
 * data needed to perform the service asked for and to meet a legal obligation. Those cases are
 * anonymised by retention RETENTION_YEARS after they end. Ended cases are anonymised at once, as
 * retention does (cases/, anonymiseCase), and the account loses its name, email and password.
 */
import { recordAudit } from '../audit/index.js';
import { anonymiseCase, casesFollowedBy, casesOfCitizen, citizenView, forgetFollower, isTerminal, linkGuestCases, type CaseDoc, type CaseView } from '../cases/index.js';
import { ForbiddenError } from '../shared/errors.js';
import type { Hooks } from '../shared/hooks.js';
import type { Principal } from '../shared/principal.js';
import { citizenAccount, disableAndSignOut, emptyClosedAccount, passwordMatches, userView, type UserDoc, type UserView } from '../users/index.js';

export interface DataExport {
  exportedAt: string;
  account: UserView & { disabledAt: string | null; updatedAt: string };
  /** Their cases as they see them: their own messages and the agency's public replies, never internal notes. */
  cases: (CaseView & { contact: { name: string; email: string; phone: string | null } })[];
  ratings: { reference: string; score: number; comment: string | null; at: string }[];
  /** Cases of others they follow: what the public may know of them, nothing of the other citizen. */
  follows: { reference: string; type: string; status: string; category: string | null; area: string | null; agency: string | null }[];
}

/**
 * Their cases: filed signed in, or as a guest with the account's verified email (linked first, as
 * sign-in does, so one filed signed-out since the last sign-in is not missed). Index: citizenId.
 */
async function casesOf(user: UserDoc): Promise<CaseDoc[]> {
  await linkGuestCases(user);
  return casesOfCitizen(user._id);
}

/** A copy of everything held about the signed-in citizen: account, cases, ratings, follows (audited). */
export async function exportMyData(p: Principal, now: Date): Promise<DataExport> {
  const user = await citizenAccount(p);
  const cases = await casesOf(user);
  const followed = await casesFollowedBy(user._id);
  await recordAudit(p, { action: 'account.exported', detail: `cases:${cases.length}` }, now);
  return {
    exportedAt: now.toISOString(),
    account: { ...userView(user), disabledAt: user.disabledAt?.toISOString() ?? null, updatedAt: user.updatedAt.toISOString() },
    cases: cases.map((c) => ({ ...citizenView(c), contact: { name: c.contact.name, email: c.contact.email, phone: c.contact.phone ?? null } })),
    ratings: cases.filter((c) => c.rating).map((c) => ({ reference: c.reference, score: c.rating!.score, comment: c.rating!.comment ?? null, at: c.rating!.at.toISOString() })),
    follows: followed.map((c) => ({ reference: c.reference, type: c.type, status: c.status, category: c.category ?? null, area: c.area ?? null, agency: c.agency ?? null })),
  };
}

export interface CloseResult {
  anonymisedCases: number;
  keptOpenCases: number;
}

/**
 * Closes the signed-in citizen's account after checking their password: ended cases anonymised,
 * cases still being worked kept, follows removed, the account disabled and emptied (name, email,
 * password), every session ended (tokenVersion bumped, refresh tokens revoked and deleted).
 */
export async function closeMyAccount(p: Principal, password: string, now: Date, forget: Hooks['caseAnonymised']): Promise<CloseResult> {
  const user = await citizenAccount(p);
  if (!(await passwordMatches(password, user.passwordHash))) throw new ForbiddenError('PASSWORD_INCORRECT', 'The password is not right.');

  // Sessions end first: whatever happens next, nobody goes on using the account.
  await disableAndSignOut(user, now);

  let anonymisedCases = 0;
  let keptOpenCases = 0;
  for (const c of await casesOf(user)) {
    if (isTerminal(c.status)) {
      if (await anonymiseCase(c, now, 'account-closed', forget)) anonymisedCases++;
    } else keptOpenCases++;
  }
  await forgetFollower(user._id);

  // The address is freed (someone may sign up with it again); the record stays, disabled, for the audit log's ids.
  await emptyClosedAccount(user, now);
  await recordAudit(p, { action: 'account.closed', detail: `anonymised:${anonymisedCases} kept-open:${keptOpenCases}` }, now);
  return { anonymisedCases, keptOpenCases };
}
