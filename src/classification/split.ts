/**
 * The held-out slice of labelled history (pure): a case is held out when the FNV-1a hash of its
 * `ref` is 0 mod 5, so the slice stays the same when lines are reordered or added. The service's
 * evaluation and bench/classification.ts use the same one.
 */
export const HELD_OUT_MODULUS = 5;

/** FNV-1a (32-bit) of a string: a split that stays the same when lines are reordered or added. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export const isHeldOut = (ref: string): boolean => fnv1a(ref) % HELD_OUT_MODULUS === 0;
