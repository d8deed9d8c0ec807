/**
 * The users' side of a citizen's rights over their data (privacy/ tells the whole story): whose
 * account is asking, and closing it in two steps around what happens to their cases: first every
 * session ends, last the account is emptied.
 */
import crypto from 'node:crypto';
import { ForbiddenError, UnauthenticatedError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import { EmailVerificationModel } from './email-verification.model.js';
import { RefreshTokenModel } from './refresh-token.model.js';
import { revokeAllFamiliesOf } from './refresh-tokens.js';
import { UserModel, type UserDoc } from './user.model.js';

/** The signed-in citizen's own account: staff accounts are managed by administrators (403). */
export async function citizenAccount(p: Principal): Promise<UserDoc> {
  if (p.role !== 'citizen') throw new ForbiddenError('CITIZENS_ONLY', 'Only a citizen account has this.');
  const user = await UserModel.findById(p.userId).lean<UserDoc>();
  if (!user || user.disabledAt) throw new UnauthenticatedError('INVALID_TOKEN', 'The session is not valid.');
  return user;
}

/** The first step of closing: the account is disabled and every session ends (tokenVersion bumped, refresh tokens revoked). */
export async function disableAndSignOut(user: UserDoc, now: Date): Promise<void> {
  await UserModel.updateOne({ _id: user._id }, { $set: { disabledAt: now, updatedAt: now }, $inc: { tokenVersion: 1 } }, { timestamps: false });
  await revokeAllFamiliesOf(user._id, now);
}

/**
 * The last step of closing: the address is freed (someone may sign up with it again) and the name
 * and password go; the record stays, disabled, for the audit log's ids. Its refresh tokens and the
 * address's pending sign-ups are deleted.
 */
export async function emptyClosedAccount(user: UserDoc, now: Date): Promise<void> {
  await UserModel.updateOne(
    { _id: user._id },
    {
      $set: { email: `closed-${user._id.toHexString()}@closed.invalid`, name: 'closed account', passwordHash: `!closed:${crypto.randomBytes(16).toString('hex')}`, closedAt: now, updatedAt: now },
      $unset: { triage: 1 },
    },
    { timestamps: false },
  );
  await RefreshTokenModel.deleteMany({ userId: user._id });
  await EmailVerificationModel.deleteMany({ email: user.email });
}
