import { isPermission } from '@mercato/platform/auth';
import { timingSafeEqual } from 'node:crypto';
import { IdentityErrors } from '../errors.ts';

/**
 * Whether two hex sha256 digests are equal, in constant time. Client secrets and API keys
 * carry 256 random bits, so a fast digest is what the database keeps (no slow hash needed).
 */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/**
 * Throws 400 IDENTITY_PERMISSION_UNKNOWN naming every entry of `names` that is not a
 * permission Mercato knows; `path` is the JSON pointer of the list in the request.
 */
export function assertKnownPermissions(names: readonly string[], path: string): void {
  const errors = names.flatMap((name, i) =>
    isPermission(name) ? [] : [{ path: `${path}/${i}`, message: `unknown permission ${name}` }],
  );
  if (errors.length > 0) {
    throw IdentityErrors.IDENTITY_PERMISSION_UNKNOWN(
      `not a permission: ${errors.map((e) => e.message.slice('unknown permission '.length)).join(', ')}`,
      { errors },
    );
  }
}
