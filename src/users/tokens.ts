/**
 * Access tokens: short-lived JWTs (15 minutes), HS256 with a key derived from JWT_SECRET for this
 * purpose only (HKDF, `jwt-access-v1`), so that the CSRF and cookie keys never sign tokens.
 * Verification pins the algorithm (no `none`, no HS/RS confusion), the issuer (PUBLIC_URL), the
 * audience and the expiry against the injected clock, then loads the account: a disabled account
 * or a bumped tokenVersion makes every earlier token worthless. Every failure is the same
 * 401 INVALID_TOKEN, whatever went wrong, so a caller learns nothing from the difference.
 */
import jwt from 'jsonwebtoken';
import { Types } from 'mongoose';
import type { Config } from '../config/index.js';
import type { Clock } from '../shared/clock.js';
import { UnauthenticatedError } from '../shared/errors.js';
import { sealingKey } from '../shared/idempotency.js';
import { ROLES, type Principal, type Role } from '../shared/principal.js';
import { UserModel, type UserDoc } from './user.model.js';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUED_AT_SKEW_SECONDS = 60;
export const TOKEN_AUDIENCE = 'tawasul';
const ALGORITHM = 'HS256';

export interface TokenSettings {
  key: Buffer;
  issuer: string;
  clock: Clock;
}

export function tokenSettings(config: Pick<Config, 'publicUrl'> & { jwtSecret: string }, clock: Clock): TokenSettings {
  return { key: sealingKey(config.jwtSecret, 'jwt-access-v1'), issuer: config.publicUrl, clock };
}

export const invalidToken = (): UnauthenticatedError => new UnauthenticatedError('INVALID_TOKEN', 'The access token is missing, expired or invalid.');

interface AccessClaims {
  sub: string;
  role: Role;
  agency?: string;
  tv: number;
}

export function issueAccessToken(user: Pick<UserDoc, '_id' | 'role' | 'agency' | 'tokenVersion'>, settings: TokenSettings): string {
  const claims: AccessClaims & { iat: number } = {
    sub: user._id.toString(),
    role: user.role,
    ...(user.agency ? { agency: user.agency } : {}),
    tv: user.tokenVersion,
    // jsonwebtoken takes `iat` (and so `exp`) from the payload when given: the injected clock's time.
    iat: Math.floor(settings.clock.now().getTime() / 1000),
  };
  return jwt.sign(claims, settings.key, { algorithm: ALGORITHM, expiresIn: ACCESS_TOKEN_TTL_SECONDS, issuer: settings.issuer, audience: TOKEN_AUDIENCE });
}

function claimsOf(token: string, settings: TokenSettings): AccessClaims {
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, settings.key, {
      algorithms: [ALGORITHM],
      issuer: settings.issuer,
      audience: TOKEN_AUDIENCE,
      clockTimestamp: Math.floor(settings.clock.now().getTime() / 1000),
    });
  } catch {
    throw invalidToken();
  }
  if (typeof payload !== 'object' || typeof payload.exp !== 'number' || typeof payload.iat !== 'number') throw invalidToken();
  // A token issued later than now (beyond a minute of skew between instances) was not issued by a
  // clock this service trusts: refuse it rather than let it live past its fifteen minutes.
  if (payload.iat > settings.clock.now().getTime() / 1000 + ISSUED_AT_SKEW_SECONDS) throw invalidToken();
  const { sub, role, agency, tv } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || !Types.ObjectId.isValid(sub) || !(ROLES as readonly unknown[]).includes(role) || typeof tv !== 'number') throw invalidToken();
  if (agency !== undefined && typeof agency !== 'string') throw invalidToken();
  return { sub, role: role as Role, agency, tv };
}

export function principalFromUser(user: Pick<UserDoc, '_id' | 'role' | 'agency' | 'name' | 'email' | 'language'> & { triage?: boolean | null }): Principal {
  return {
    userId: user._id.toString(),
    role: user.role,
    ...(user.agency ? { agency: user.agency } : {}),
    ...(user.role === 'supervisor' && user.triage ? { triage: true } : {}),
    name: user.name,
    email: user.email,
    language: user.language,
  };
}

/** The account behind a token, if the token is valid and the account still accepts it. */
export async function verifyAccessToken(token: string, settings: TokenSettings): Promise<UserDoc> {
  if (token.length > 4096) throw invalidToken();
  const claims = claimsOf(token, settings);
  const user = await UserModel.findById(claims.sub).lean<UserDoc>();
  // The token's role and agency must still be the account's: a change of either needs a new token.
  if (!user || user.disabledAt || user.tokenVersion !== claims.tv || user.role !== claims.role || (user.agency ?? undefined) !== claims.agency) {
    throw invalidToken();
  }
  return user;
}

/** verifyAccessToken, as the Principal other modules code against. */
export async function principalFromAccessToken(token: string, settings: TokenSettings): Promise<Principal> {
  return principalFromUser(await verifyAccessToken(token, settings));
}
