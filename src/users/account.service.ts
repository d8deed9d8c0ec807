/**
 * Citizens register themselves; the account is usable once the email is verified through a link
 * sent via the outbox (valid 48 hours).
 *
 * Registration answers the same whatever the email: a new address, an unverified one (a fresh link
 * is sent) or an existing verified or staff account (nothing is sent), so that it cannot be used
 * to find out who has an account. The password is hashed in every case, so the cost is similar.
 * The registration's password, name and language wait on the verification record and are applied
 * when its link is opened (email-verification.model.ts says why).
 */
import crypto from 'node:crypto';
import { lt } from '../shared/db/operators.js';
import { isDuplicateKeyError } from '../shared/db/connect.js';
import { BadRequestError } from '../shared/errors.js';
import type { Language } from '../shared/i18n.js';
import { enqueueEmail } from '../notifications/index.js';
import { linkGuestCases } from './auth.service.js';
import { EmailVerificationModel, type EmailVerificationDoc } from './email-verification.model.js';
import { hashPassword } from './passwords.js';
import { hashToken } from './refresh-tokens.js';
import { normaliseEmail } from './user.service.js';
import { UserModel, type UserDoc } from './user.model.js';

export const VERIFICATION_TTL_MS = 48 * 3600 * 1000;

export interface RegisterInput {
  email: string;
  password: string;
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
  const passwordHash = await hashPassword(input.password);
  let user = await UserModel.findOne({ email }).lean<UserDoc>();
  if (!user) {
    try {
      // Created with the registration's password; it cannot sign in before the email is verified.
      const created = new UserModel({ email, passwordHash, role: 'citizen', name: input.name, language: input.language, tokenVersion: 0, createdAt: ctx.now, updatedAt: ctx.now });
      await created.save({ timestamps: false });
      user = created.toObject();
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      user = await UserModel.findOne({ email }).lean<UserDoc>(); // registered twice at once
      if (!user) throw err;
    }
  }
  if (user.role !== 'citizen' || user.emailVerifiedAt) return; // nothing to verify; same answer

  const token = crypto.randomBytes(32).toString('base64url');
  const verification = await EmailVerificationModel.create({
    tokenHash: hashToken(token),
    userId: user._id,
    email,
    passwordHash,
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
      subject: { kind: 'user', id: user._id.toHexString() },
      data: { name: input.name, verifyUrl: `${ctx.publicUrl}/verify-email?token=${encodeURIComponent(token)}`, expiresHours: VERIFICATION_TTL_MS / 3600_000 },
    },
    ctx.now,
  );
}

export const invalidVerificationLink = (): BadRequestError =>
  new BadRequestError('VERIFICATION_LINK_INVALID', 'This verification link is not valid: it has expired, was already used, or was replaced by a newer one.');

export interface VerificationResult {
  email: string;
  /** Cases filed as a guest with this email that now belong to the account. */
  linkedCases: number;
}

/**
 * Opens a verification link: spends it, applies its registration to the account, marks the email
 * verified and links guest cases. Other pending links of the account stop working.
 */
export async function verifyEmail(token: unknown, now: Date): Promise<VerificationResult> {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw invalidVerificationLink();
  const record = await EmailVerificationModel.findOne({ tokenHash: hashToken(token) }).lean<EmailVerificationDoc>();
  if (!record || record.usedAt || record.expiresAt.getTime() <= now.getTime()) throw invalidVerificationLink();
  const spent = await EmailVerificationModel.updateOne({ _id: record._id, usedAt: null }, { $set: { usedAt: now } });
  if (spent.modifiedCount !== 1) throw invalidVerificationLink();

  const verified = await UserModel.updateOne(
    { _id: record.userId, email: record.email, emailVerifiedAt: null },
    { $set: { emailVerifiedAt: now, passwordHash: record.passwordHash, name: record.name, language: record.language, updatedAt: now } },
    { timestamps: false },
  );
  // An account verified meanwhile through another link keeps the password it was verified with.
  if (verified.modifiedCount !== 1) throw invalidVerificationLink();
  await EmailVerificationModel.updateMany({ userId: record.userId, usedAt: null }, { $set: { usedAt: now } });
  const user = await UserModel.findById(record.userId).lean<UserDoc>();
  return { email: record.email, linkedCases: user ? await linkGuestCases(user) : 0 };
}

export async function purgeExpiredEmailVerifications(now: Date): Promise<number> {
  return (await EmailVerificationModel.deleteMany({ expiresAt: lt(now) })).deletedCount;
}
