import crypto from 'node:crypto';
import { systemClock, type Clock } from '../../src/shared/clock.js';
import { createUser, issueAccessToken, tokenSettings, type UserDoc } from '../../src/users/index.js';
import type { Role } from '../../src/users/principal.js';
import { testConfig } from './app.js';

export interface TestUser {
  user: UserDoc;
  id: string;
  token: string;
  auth: [string, string];
}

/** A user created through the service, with an access token issued as sign-in would. */
export async function makeUser(role: Role, agency?: string, name?: string, extra: { triage?: boolean } = {}): Promise<TestUser> {
  const email = `${role}-${crypto.randomBytes(4).toString('hex')}@example.bh`;
  const { user } = await createUser(
    { email, password: 'correct horse battery', role, ...(agency ? { agency } : {}), name: name ?? `Test ${role}`, language: 'en', ...extra },
    { profile: 'bh', now: new Date() },
  );
  const token = issueAccessToken(user, tokenSettings(testConfig(), systemClock));
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
