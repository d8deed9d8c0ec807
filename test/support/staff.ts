import crypto from 'node:crypto';
import { systemClock, type Clock } from '../../src/shared/clock.js';
import { createUser, issueAccessToken, tokenSettings, type UserDoc } from '../../src/users/index.js';
import type { Role } from '../../src/shared/principal.js';
import { testConfig } from './app.js';

export interface TestUser {
  user: UserDoc;
  id: string;
  token: string;
  auth: [string, string];
}

/**
 * A user created through the service, with an access token issued as sign-in would, both at the
 * time of `clock` (the system's by default): a test whose app runs on a fixed clock passes it, so
 * the account and token are not dated by the machine's calendar (tokens from later than the app's
 * clock are refused). Tokens for a later moment of that clock: `authAt`.
 */
export async function makeUser(role: Role, agency?: string, name?: string, extra: { triage?: boolean; clock?: Clock } = {}): Promise<TestUser> {
  const { clock = systemClock, ...flags } = extra;
  const email = `${role}-${crypto.randomBytes(4).toString('hex')}@example.bh`;
  const { user } = await createUser(
    { email, password: 'correct horse battery', role, ...(agency ? { agency } : {}), name: name ?? `Test ${role}`, language: 'en', ...flags },
    { profile: 'bh', now: clock.now() },
  );
  const token = issueAccessToken(user, tokenSettings(testConfig(), clock));
  return { user, id: user._id.toHexString(), token, auth: ['Authorization', `Bearer ${token}`] };
}

/** An access token for a user issued at a (manual) clock's time, as a sign-in at that moment would give. */
export function tokenAt(u: TestUser, clock: Clock): string {
  return issueAccessToken(u.user, tokenSettings(testConfig(), clock));
}

/** The bearer header of `tokenAt`. */
export function authAt(u: TestUser, clock: Clock): [string, string] {
  return ['Authorization', `Bearer ${tokenAt(u, clock)}`];
}
