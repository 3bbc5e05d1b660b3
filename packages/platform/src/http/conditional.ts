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
