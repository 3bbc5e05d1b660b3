import { randomInt } from 'node:crypto';

/**
 * The characters of generated codes: upper-case letters and digits without the ones a
 * shopper confuses when reading a code aloud or from print — 0/O, 1/I/L (31 characters).
 */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** One random code: `prefix` then `length` characters of CODE_ALPHABET (crypto-random). */
export function randomCode(prefix: string, length: number): string {
  let out = prefix;
  for (let i = 0; i < length; i++) out += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return out;
}

/** `count` distinct random codes (distinct among themselves; the database checks the rest). */
export function randomCodes(count: number, prefix: string, length: number): string[] {
  const out = new Set<string>();
  while (out.size < count) out.add(randomCode(prefix, length));
  return [...out];
}
