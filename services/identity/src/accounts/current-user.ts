import { CommonErrors } from '@mercato/platform/errors';
import type { Principal } from '@mercato/platform/auth';
import { isUuid } from './secret-tokens.ts';

/**
 * The user id of a route with `auth: 'user'`. Account routes (password, MFA, sign-out)
 * act for a person: a service or API-key token is refused with 403.
 */
export function currentUserId(request: { principal?: Principal }): string {
  const principal = request.principal;
  if (!principal) throw CommonErrors.UNAUTHORIZED('sign in to use this endpoint');
  if (principal.kind !== 'user' || !isUuid(principal.subject)) {
    throw CommonErrors.FORBIDDEN('this endpoint acts for a signed-in user, not a service or API key');
  }
  return principal.subject;
}
