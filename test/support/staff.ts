import crypto from 'node:crypto';
import { systemClock } from '../../src/shared/clock.js';
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
