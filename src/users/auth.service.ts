/**
 * Sessions: sign in with email and password, refresh, sign out. The same service serves the JSON
 * API (tokens in the body) and the pages (tokens in HttpOnly cookies).
 *
 * Sign-in answers INVALID_CREDENTIALS alike for an unknown email, a wrong password and a disabled
 * account, and takes the same time for each (an unknown email is checked against a dummy argon2
 * hash). Only someone who gave the right password learns more: an unverified citizen account (only
 * older sign-ups stored one; a sign-up is no account now) is EMAIL_NOT_VERIFIED, which tells the
 * password holder nothing they did not know (they registered it).
 */
import { UnauthenticatedError } from '../shared/errors.js';
import type { Hooks } from '../shared/hooks.js';
import { passwordMatches } from './passwords.js';
import { issueRefreshToken, revokeFamilyOf, rotateRefreshToken } from './refresh-tokens.js';
import type { Principal } from '../shared/principal.js';
import { ACCESS_TOKEN_TTL_SECONDS, invalidToken, issueAccessToken, type TokenSettings } from './tokens.js';
import { normaliseEmail } from './user.service.js';
import { UserModel, type UserDoc } from './user.model.js';

/** What the API shows of an account (never the password hash or the token version). */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: string;
  agency: string | null;
  language: string;
  emailVerified: boolean;
  createdAt: string;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  user: UserView;
}

export function userView(user: UserDoc): UserView {
  return {
    id: user._id.toString(),
    email: user.email,
    name: user.name,
    role: user.role,
    agency: user.agency ?? null,
    language: user.language,
    emailVerified: !!user.emailVerifiedAt,
    createdAt: user.createdAt.toISOString(),
  };
}

export const invalidCredentials = (): UnauthenticatedError => new UnauthenticatedError('INVALID_CREDENTIALS', 'The email or password is not right.');

function sessionFor(user: UserDoc, refreshToken: string, settings: TokenSettings): Session {
  return { accessToken: issueAccessToken(user, settings), refreshToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_TTL_SECONDS, user: userView(user) };
}

/**
 * Signs a citizen or staff member in with their password. `hooks.emailVerified`: the account's guest
 * cases become its own (cases/, called at each sign-in so cases filed signed out since are picked up).
 */
export async function signIn(input: { email: string; password: string }, settings: TokenSettings, hooks: Pick<Hooks, 'emailVerified'>): Promise<Session> {
  const now = settings.clock.now();
  const user = await UserModel.findOne({ email: normaliseEmail(input.email) }).lean<UserDoc>();
  const matches = await passwordMatches(input.password, user?.passwordHash);
  if (!user || !matches || user.disabledAt) throw invalidCredentials();
  if (user.role === 'citizen' && !user.emailVerifiedAt) {
    throw new UnauthenticatedError('EMAIL_NOT_VERIFIED', 'Open the link in the email we sent to verify the address first.');
  }
  await hooks.emailVerified(user);
  return sessionFor(user, await issueRefreshToken(user, now), settings);
}

/** A new session for an account that has just shown it holds its password (e.g. chose it). */
export async function startSession(user: UserDoc, settings: TokenSettings): Promise<Session> {
  return sessionFor(user, await issueRefreshToken(user, settings.clock.now()), settings);
}

export async function refreshSession(refreshToken: unknown, settings: TokenSettings): Promise<Session> {
  const { user, refreshToken: next } = await rotateRefreshToken(refreshToken, settings.clock.now());
  return sessionFor(user, next, settings);
}

/** The account behind a principal, as the API shows it. */
export async function accountOf(principal: Pick<Principal, 'userId'>): Promise<UserView> {
  const user = await UserModel.findById(principal.userId).lean<UserDoc>();
  if (!user) throw invalidToken();
  return userView(user);
}

export async function signOut(refreshToken: unknown, now: Date): Promise<void> {
  await revokeFamilyOf(refreshToken, now);
}
