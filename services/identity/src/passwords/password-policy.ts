import type { FieldError } from '@mercato/platform/errors';
import { IdentityErrors } from '../errors.ts';

/** Passwords of this length or more are passphrases: length alone makes them strong enough. */
export const PASSPHRASE_LENGTH = 16;
/** Longer passwords are refused before hashing (argon2 cost grows with input; no one types more). */
export const PASSWORD_MAX_LENGTH = 256;

const CLASSES: Array<[string, RegExp]> = [
  ['a lower-case letter', /\p{Ll}/u],
  ['an upper-case letter', /\p{Lu}/u],
  ['a digit', /\p{Nd}/u],
  ['a symbol or space', /[^\p{Ll}\p{Lu}\p{Nd}]/u],
];

/**
 * The password rules, as a list of what is wrong (empty when the password is acceptable):
 * at least `minLength` characters; not the email address nor its local part; and either
 * three of the four character classes (lower, upper, digit, symbol) or at least
 * {@link PASSPHRASE_LENGTH} characters.
 */
export function passwordProblems(password: string, email: string, minLength: number): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < minLength) problems.push(`must be at least ${minLength} characters long`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters long`);
  const lower = password.trim().toLowerCase();
  const local = email.split('@')[0] ?? '';
  if (lower === email || (local.length > 0 && lower === local)) {
    problems.push('must not be the email address');
  }
  if (length < PASSPHRASE_LENGTH) {
    const missing = CLASSES.filter(([, re]) => !re.test(password)).map(([name]) => name);
    if (missing.length > 1) {
      problems.push(
        `must mix at least 3 of: lower-case, upper-case, digits, symbols (or be ${PASSPHRASE_LENGTH}+ characters); add ${missing.join(' or ')}`,
      );
    }
  }
  return problems;
}

/** Throws IDENTITY_PASSWORD_TOO_WEAK (422) naming each broken rule at `path`. */
export function assertPasswordAcceptable(
  password: string,
  email: string,
  minLength: number,
  path = '/body/password',
): void {
  const problems = passwordProblems(password, email, minLength);
  if (problems.length === 0) return;
  const errors: FieldError[] = problems.map((message) => ({ path, message }));
  throw IdentityErrors.IDENTITY_PASSWORD_TOO_WEAK('the password does not meet the password rules', {
    errors,
  });
}
