import { sql, type RawBuilder } from 'kysely';

/**
 * A JSON value as a jsonb parameter: one serialization, cast in SQL. `null` becomes the JSON
 * null, not SQL NULL (write SQL NULL as a plain `null` column value).
 */
export function jsonb(value: unknown): RawBuilder<unknown> {
  return sql<unknown>`${JSON.stringify(value)}::jsonb`;
}

/**
 * Text PostgreSQL can store: a NUL (U+0000), which no text column takes, becomes U+FFFD.
 * For what must be recorded whatever it holds (an error message, a dead letter).
 */
export function storableText(text: string): string {
  return text.replaceAll('\0', '\ufffd');
}

// A `\u0000` escape in JSON text, not preceded by an odd run of backslashes (`\\u0000` is
// an escaped backslash followed by "u0000", which stays).
const JSON_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;

/** JSON text of `value` that jsonb takes: each NUL (in keys and values alike) becomes U+FFFD. */
export function storableJson(value: unknown): string {
  return JSON.stringify(value).replace(JSON_NUL, '$1\\ufffd');
}

/** PostgreSQL error codes (SQLSTATE) the services act on. */
export const PgErrorCode = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  numericOutOfRange: '22003',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

/** The SQLSTATE of a failed statement (pg and PGlite both set `code`), if any. */
export function pgErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The constraint a failed statement broke (pg: `constraint`; PGlite only names it in the message). */
export function pgConstraint(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { constraint, message } = err as { constraint?: unknown; message?: unknown };
  if (typeof constraint === 'string') return constraint;
  const m = typeof message === 'string' ? /constraint "([^"]+)"/.exec(message) : null;
  return m?.[1];
}

/** Whether a statement failed on a unique constraint (optionally: one whose name contains `name`). */
export function isUniqueViolation(err: unknown, name?: string): boolean {
  if (pgErrorCode(err) !== PgErrorCode.uniqueViolation) return false;
  return name === undefined || (pgConstraint(err) ?? '').includes(name);
}

/** Whether a transaction failed only because it raced another (deadlock, serialization): run it again. */
export function isRetryableConflict(err: unknown): boolean {
  const code = pgErrorCode(err);
  return code === PgErrorCode.serializationFailure || code === PgErrorCode.deadlockDetected;
}
