import { randomInt } from 'node:crypto';
import { sha256 } from '../accounts/secret-tokens.ts';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 4;
const GROUP_LENGTH = 4;
/** How many recovery codes a set holds. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * A set of recovery codes (`xxxx-xxxx-xxxx-xxxx`, ~79 random bits each: enough entropy for
 * a plain sha256 to protect them at rest, and a lookup by hash instead of slow compares).
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    Array.from({ length: GROUPS }, () =>
      Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
    ).join('-'),
  );
}

/** The stored form of a code as typed: case, spaces and dashes do not matter. */
export function recoveryCodeHash(code: string): string {
  return sha256(code.toLowerCase().replace(/[\s-]/g, ''));
}
