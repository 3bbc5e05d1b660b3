import { createHash, randomBytes } from 'node:crypto';

/** A fresh opaque secret (32 random bytes, base64url): refresh tokens and email links. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The hex sha256 of a secret. Tokens with 256 bits of entropy need no slow hash: the digest
 * is what the database keeps, so a leaked table yields no usable token.
 */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Emails are compared and stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Whether a string can be a users.id (a uuid column refuses anything else with an SQL error). */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
