/**
 * Password hashing: argon2id with the OWASP minimum parameters (19 MiB, 2 passes, 1 lane), which
 * are also @node-rs/argon2's defaults; named here so that a library change cannot weaken them.
 */
import { hash, verify } from '@node-rs/argon2';

const OWASP_ARGON2ID = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;
// @node-rs/argon2 exports Algorithm as an ambient const enum, which isolatedModules cannot read:
// Argon2id is its value 2 (and the library's default). A test checks the hashes say `$argon2id$`.
const ARGON2ID = 2;

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { ...OWASP_ARGON2ID, algorithm: ARGON2ID });
}

/**
 * A hash with the same parameters, of a random password nobody kept: checking against it costs what
 * checking a real account costs. A constant, so that nothing is computed at import or on first use.
 */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$yZtMZtvOV+aQgVIPGfvEgw$GipFTAo99gkii6vhcNw5+xNHfCZXUuV+cZkIR4W3TL0';

/**
 * Checks a password against a stored hash. Without a stored hash (no such account) it checks
 * against the dummy one, so that an unknown email takes the same time as a wrong password.
 */
export async function passwordMatches(password: string, storedHash: string | undefined): Promise<boolean> {
  try {
    const ok = await verify(storedHash ?? DUMMY_HASH, password);
    return ok && storedHash !== undefined;
  } catch {
    return false; // a malformed stored hash is a failed sign-in, not a 500
  }
}
