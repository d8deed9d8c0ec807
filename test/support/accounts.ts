/**
 * Accounts for the users module's tests: made through the users service (argon2id hash, verified
 * like CLI-made accounts) at a given time, with their password, and configurations whose sign-in
 * limits never get in the way. (test/support/users.ts is the lighter helper other modules use.)
 */
import crypto from 'node:crypto';
import { createUser, type CreateUserInput, type Role, type UserDoc } from '../../src/users/index.js';
import { testConfig } from './app.js';

export const uniqueEmail = (prefix = 'user'): string => `${prefix}-${crypto.randomBytes(5).toString('hex')}@example.bh`;

/** For every test that signs in through the API or the pages. */
export function authTestConfig(env: Record<string, string> = {}): ReturnType<typeof testConfig> {
  return testConfig({ RATE_LIMIT_SIGNIN: '100000', RATE_LIMIT_SIGNIN_ACCOUNT: '100000', ...env });
}

export async function makeAccount(role: Role = 'citizen', overrides: Partial<CreateUserInput> = {}, now: Date = new Date()): Promise<{ user: UserDoc; password: string }> {
  const password = overrides.password ?? `pw-${crypto.randomBytes(8).toString('hex')}`;
  const { user } = await createUser(
    {
      email: uniqueEmail(role),
      role,
      ...(role === 'officer' || role === 'supervisor' ? { agency: 'WORKS' } : {}),
      name: `Test ${role}`,
      language: 'en',
      ...overrides,
      password,
    },
    { profile: 'bh', now },
  );
  return { user, password };
}
