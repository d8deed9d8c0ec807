/**
 * Reference numbers and tracking tokens (pure).
 *
 * A reference is read over the phone: `TW-26-7KQ4-M9XD` — the year, then 8 characters of Crockford
 * base32 (no I, L, O, U: nothing to confuse with 1 or 0), 40 random bits. It is not sequential and not
 * guessable; uniqueness is the database's unique index, with a retry on collision.
 * A tracking token is a 192-bit secret shown once; only its SHA-256 is stored.
 */
import crypto from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const REFERENCE_PATTERN = /^TW-\d{2}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

export function generateReference(now: Date, random: (size: number) => Buffer = crypto.randomBytes): string {
  const bytes = random(5); // 40 bits = 8 base32 characters
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let chars = '';
  for (let i = 0; i < 8; i++) {
    chars = ALPHABET[Number(bits & 31n)]! + chars;
    bits >>= 5n;
  }
  const year = String(now.getUTCFullYear() % 100).padStart(2, '0');
  return `TW-${year}-${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/**
 * What a person types is forgiven: lower case, spaces, missing dashes, and the letters that
 * Crockford base32 reads as digits (O→0, I/L→1). Returns undefined when it cannot be a reference.
 */
export function normaliseReference(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > 40) return undefined;
  const compact = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/^TW/, '');
  if (!/^\d{2}[0-9A-Z]{8}$/.test(compact)) return undefined;
  const body = compact.slice(2).replace(/O/g, '0').replace(/[IL]/g, '1');
  const reference = `TW-${compact.slice(0, 2)}-${body.slice(0, 4)}-${body.slice(4)}`;
  return REFERENCE_PATTERN.test(reference) ? reference : undefined;
}

export function generateTrackingToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(presented: unknown, storedHash: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 200) return false;
  const a = Buffer.from(hashSecret(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
