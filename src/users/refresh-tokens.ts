/**
 * Rotating refresh tokens with reuse detection (OAuth 2.0 Security BCP, "refresh token rotation").
 *
 * A token is spent by a claim on it (shared/claims.ts: an insert that one request wins, on every
 * engine; a conditional update alone let several of eight simultaneous uses through on FerretDB),
 * then `rotatedAt = now`. Of requests presenting the same token only one wins; a loser is treated
 * like any reuse: the family is revoked. `{field: null}` matches a missing field on both engines.
 */
import crypto from 'node:crypto';
import type { Types } from 'mongoose';
import { claim } from '../shared/claims.js';
import { lt } from '../shared/db/operators.js';
import { invalidToken } from './tokens.js';
import { RefreshTokenModel, type RefreshTokenDoc } from './refresh-token.model.js';
import { UserModel, type UserDoc } from './user.model.js';

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

function looksLikeToken(token: unknown): token is string {
  return typeof token === 'string' && /^[A-Za-z0-9_-]{20,100}$/.test(token);
}

/** Stores a new token (a new family unless one is given) and returns it: shown once, kept hashed. */
export async function issueRefreshToken(user: Pick<UserDoc, '_id' | 'tokenVersion'>, now: Date, familyId: string = crypto.randomUUID()): Promise<string> {
  const token = newToken();
  await RefreshTokenModel.create({
    tokenHash: hashToken(token),
    userId: user._id,
    familyId,
    tokenVersion: user.tokenVersion,
    createdAt: now,
    expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_MS),
  });
  return token;
}

export async function revokeFamily(familyId: string, now: Date): Promise<void> {
  await RefreshTokenModel.updateMany({ familyId, revokedAt: null }, { $set: { revokedAt: now } });
}

export async function revokeAllFamiliesOf(userId: Types.ObjectId, now: Date): Promise<void> {
  await RefreshTokenModel.updateMany({ userId, revokedAt: null }, { $set: { revokedAt: now } });
}

/**
 * Spends a live token and issues its successor in the same family. A spent, revoked or raced token
 * revokes the family; any failure is 401 INVALID_TOKEN.
 */
export async function rotateRefreshToken(presented: unknown, now: Date): Promise<{ user: UserDoc; refreshToken: string }> {
  if (!looksLikeToken(presented)) throw invalidToken();
  const stored = await RefreshTokenModel.findOne({ tokenHash: hashToken(presented) }).lean<RefreshTokenDoc>();
  if (!stored) throw invalidToken();
  if (stored.rotatedAt || stored.revokedAt) {
    await revokeFamily(stored.familyId, now); // reuse: someone else holds a copy of this family
    throw invalidToken();
  }
  if (stored.expiresAt.getTime() <= now.getTime()) throw invalidToken();
  // Held for the token's whole life: a spent token is never taken over.
  const won = await claim(`refresh:${stored._id.toHexString()}`, 'rotation', now, stored.expiresAt.getTime() - now.getTime());
  // Lost to a request presenting the same token at the same moment (a double submit, two tabs): that
  // one rotates, this one is refused, and the family is left alone. Revoking it here could land before
  // the winner marks the token spent and refuse the winner too (then nobody gets a pair). A copy
  // presented after the rotation is reuse, and revokes the family above.
  if (!won) throw invalidToken();
  const spent = await RefreshTokenModel.updateOne({ _id: stored._id, rotatedAt: null, revokedAt: null }, { $set: { rotatedAt: now } });
  if (spent.modifiedCount !== 1) {
    await revokeFamily(stored.familyId, now); // revoked meanwhile (sign-out, reuse elsewhere)
    throw invalidToken();
  }
  const user = await UserModel.findById(stored.userId).lean<UserDoc>();
  if (!user || user.disabledAt || user.tokenVersion !== stored.tokenVersion) {
    await revokeFamily(stored.familyId, now);
    throw invalidToken();
  }
  return { user, refreshToken: await issueRefreshToken(user, now, stored.familyId) };
}

/** Sign-out: revokes the family of the presented token. Unknown tokens are ignored (nothing to tell). */
export async function revokeFamilyOf(presented: unknown, now: Date): Promise<void> {
  if (!looksLikeToken(presented)) return;
  const stored = await RefreshTokenModel.findOne({ tokenHash: hashToken(presented) }).lean<RefreshTokenDoc>();
  if (stored) await revokeFamily(stored.familyId, now);
}

/** Expired tokens are of no use to anyone (no TTL indexes on FerretDB: an explicit sweep). */
export async function purgeExpiredRefreshTokens(now: Date): Promise<number> {
  return (await RefreshTokenModel.deleteMany({ expiresAt: lt(now) })).deletedCount;
}
