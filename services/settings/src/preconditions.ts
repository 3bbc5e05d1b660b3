import { CommonErrors } from '@mercato/platform/errors';
import { checkVersion } from '@mercato/platform/http';

/** An expected version from If-Match: a number, `*` (any), or undefined (header absent). */
export type Expected = number | '*' | undefined;

/**
 * A change to an existing resource must say which version it read: no If-Match → 428,
 * another version → 412. `If-Match: *` is an explicit "whatever the current version".
 */
export function requireVersion(expected: Expected, current: number): void {
  if (expected === undefined) {
    throw CommonErrors.PRECONDITION_REQUIRED('send If-Match with the version you read (its ETag)', {
      errors: [{ path: '/headers/if-match', message: 'is required' }],
    });
  }
  checkVersion(expected, current);
}
