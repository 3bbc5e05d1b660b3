import { CommonErrors } from '../errors/index.ts';

/** The ETag of a versioned resource: a strong tag holding its version. */
export function versionEtag(version: number): string {
  return `"${version}"`;
}

/**
 * Reads the expected version from If-Match (`"3"`, `W/"3"` or `3`). Returns undefined
 * when absent; a malformed value is a 400. `*` matches any version.
 */
export function parseIfMatch(header: string | string[] | undefined): number | '*' | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (value === '*') return '*';
  const m = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value);
  if (!m)
    throw CommonErrors.VALIDATION_FAILED('If-Match must hold a resource version', {
      errors: [{ path: '/headers/if-match', message: 'must be a version such as "3"' }],
    });
  return Number(m[1]);
}

/** Throws 412 when an expected version is given and differs from the current one. */
export function checkVersion(expected: number | '*' | undefined, current: number): void {
  if (expected === undefined || expected === '*') return;
  if (expected !== current) {
    throw CommonErrors.PRECONDITION_FAILED(`expected version ${expected}, current version is ${current}`);
  }
}

/** An expected version as parseIfMatch reads it: a number, `*` (any), or undefined (header absent). */
export type ExpectedVersion = number | '*' | undefined;

/**
 * For changes that must say which version they read: no If-Match → 428, another
 * version → 412. `If-Match: *` is an explicit "whatever the current version".
 */
export function requireVersion(expected: ExpectedVersion, current: number): void {
  if (expected === undefined) {
    throw CommonErrors.PRECONDITION_REQUIRED('send If-Match with the version you read (its ETag)', {
      errors: [{ path: '/headers/if-match', message: 'is required' }],
    });
  }
  checkVersion(expected, current);
}
