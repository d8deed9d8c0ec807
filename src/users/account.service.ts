/**
 * Citizens register themselves in two steps, as government sign-in services do (GOV.UK One Login,
 * for one): the sign-up gives a name and an email address and nothing else; the emailed link
 * (valid 48 hours) opens a page where the person holding it, who has just shown they read that
 * mailbox, chooses the password. Only then is there an account.
 *
 * Why not keep the password typed at sign-up: whoever signs up need not own the address. If that
 * password were applied when the owner opened the link, the account would go live with a stranger's
 * password, and the owner's guest cases would be linked to it. Keeping it only when the same browser
 * verifies would fail every citizen who signs up on a computer and opens the email on a phone.
 *
 * A sign-up is a pending record (email-verification.model.ts), not an account: it takes no address,
 * expires with its link and is purged then; a staff account created for the address ends it.
 * Registration answers the same whatever the email: a new address, one with pending sign-ups (another
 * link is sent) or an existing account (nothing is sent), so that it cannot be used to find out who
 * has an account.
 */
import crypto from 'node:crypto';
import { lt } from '../shared/db/operators.js';
import { isDuplicateKeyError } from '../shared/db/connect.js';
import { BadRequestError } from '../shared/errors.js';
import type { Hooks } from '../shared/hooks.js';
import type { Language } from '../shared/i18n.js';
import { enqueueEmail } from '../notifications/index.js';
import { EmailVerificationModel, type EmailVerificationDoc } from './email-verification.model.js';
import { hashPassword } from './passwords.js';
import { hashToken } from './refresh-tokens.js';
import { isPendingSignUp, normaliseEmail } from './user.service.js';
import { UserModel, type UserDoc } from './user.model.js';

export const VERIFICATION_TTL_MS = 48 * 3600 * 1000;

export interface RegisterInput {
  email: string;
  name: string;
  language: Language;
}

export interface RegisterContext {
  publicUrl: string;
  now: Date;
}

/** Resolves the same way whether or not the address already has an account. */
export async function registerCitizen(input: RegisterInput, ctx: RegisterContext): Promise<void> {
  const email = normaliseEmail(input.email);
  const existing = await UserModel.findOne({ email }).lean<UserDoc>();
  if (existing && !isPendingSignUp(existing)) return; // an account has the address: nothing to send; same answer

  const token = crypto.randomBytes(32).toString('base64url');
  const verification = await EmailVerificationModel.create({
    tokenHash: hashToken(token),
    email,
    name: input.name,
    language: input.language,
    createdAt: ctx.now,
    expiresAt: new Date(ctx.now.getTime() + VERIFICATION_TTL_MS),
  });
  await enqueueEmail(
    {
      key: `account-verify:${verification._id.toHexString()}`,
      to: email,
      language: input.language,
      template: 'account-verify',
      subject: { kind: 'sign-up', id: verification._id.toHexString() },
      data: { name: input.name, verifyUrl: `${ctx.publicUrl}/verify-email?token=${encodeURIComponent(token)}`, expiresHours: VERIFICATION_TTL_MS / 3600_000 },
    },
    ctx.now,
  );
}

export const invalidVerificationLink = (): BadRequestError =>
  new BadRequestError('VERIFICATION_LINK_INVALID', 'This verification link is not valid: it has expired, was already used, or was replaced by a newer one.');

/** What the link's page shows: the address it activates and the name the sign-up gave (editable). */
export interface PendingSignUp {
  email: string;
  name: string;
}

async function liveVerification(token: unknown, now: Date): Promise<EmailVerificationDoc> {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw invalidVerificationLink();
  const record = await EmailVerificationModel.findOne({ tokenHash: hashToken(token) }).lean<EmailVerificationDoc>();
  if (!record || record.usedAt || record.expiresAt.getTime() <= now.getTime()) throw invalidVerificationLink();
  return record;
}

/**
 * Reads a link without spending it: opening it (or a mail filter fetching it) changes nothing. An
 * address that has an account by now (a staff account, or another link completed) refuses it.
 */
export async function openVerification(token: unknown, now: Date): Promise<PendingSignUp> {
  const record = await liveVerification(token, now);
  const existing = await UserModel.findOne({ email: record.email }).lean<UserDoc>();
  if (existing && !isPendingSignUp(existing)) throw invalidVerificationLink();
  return { email: record.email, name: record.name };
}

export interface CompleteVerificationInput {
  token: unknown;
  /** Chosen on the link's page by whoever holds the link. */
  password: string;
  name: string;
  /** The language of the page it was completed on. */
  language: Language;
}

export interface VerificationResult {
  user: UserDoc;
  /** Cases filed as a guest with this email that now belong to the account. */
  linkedCases: number;
}

/**
 * Completes a sign-up from its link: spends the link, creates the account verified with the password
 * and name given here (nothing the sign-up chose but the address), ends the address's other links
 * and links its guest cases (`hooks.emailVerified`: cases/ links them). The unique email index
 * decides if two complete at once.
 */
export async function completeVerification(input: CompleteVerificationInput, now: Date, hooks: Pick<Hooks, 'emailVerified'>): Promise<VerificationResult> {
  const record = await liveVerification(input.token, now);
  const passwordHash = await hashPassword(input.password);
  const spent = await EmailVerificationModel.updateOne({ _id: record._id, usedAt: null }, { $set: { usedAt: now } });
  if (spent.modifiedCount !== 1) throw invalidVerificationLink();

  const email = record.email;
  const fields = { passwordHash, name: input.name, language: input.language, emailVerifiedAt: now, updatedAt: now };
  const existing = await UserModel.findOne({ email }).lean<UserDoc>();
  let user: UserDoc | null;
  if (existing) {
    if (!isPendingSignUp(existing)) throw invalidVerificationLink();
    // An account stored unverified by an older sign-up: taken over, its password replaced by this one.
    const taken = await UserModel.updateOne({ _id: existing._id, emailVerifiedAt: null, disabledAt: null }, { $set: fields, $inc: { tokenVersion: 1 } }, { timestamps: false });
    if (taken.modifiedCount !== 1) throw invalidVerificationLink();
    user = await UserModel.findById(existing._id).lean<UserDoc>();
  } else {
    try {
      const created = new UserModel({ email, role: 'citizen', tokenVersion: 0, createdAt: now, ...fields });
      await created.save({ timestamps: false });
      user = created.toObject();
    } catch (err) {
      if (isDuplicateKeyError(err)) throw invalidVerificationLink(); // the address got an account meanwhile
      throw err;
    }
  }
  if (!user) throw invalidVerificationLink();
  await endPendingSignUps(email, now);
  return { user, linkedCases: await hooks.emailVerified(user) };
}

/** Every live link of the address stops working (it has an account now). */
export async function endPendingSignUps(email: string, now: Date): Promise<void> {
  await EmailVerificationModel.updateMany({ email: normaliseEmail(email), usedAt: null }, { $set: { usedAt: now } });
}

/** Expired links, and unverified accounts older sign-ups stored, 48 hours after they were made. */
export async function purgeExpiredEmailVerifications(now: Date): Promise<number> {
  const links = await EmailVerificationModel.deleteMany({ expiresAt: lt(now) });
  const stale = await UserModel.deleteMany({ role: 'citizen', emailVerifiedAt: null, createdAt: lt(new Date(now.getTime() - VERIFICATION_TTL_MS)) });
  return links.deletedCount + stale.deletedCount;
}
