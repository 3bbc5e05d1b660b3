import type { Principal } from '@mercato/platform/auth';
import { CommonErrors } from '@mercato/platform/errors';
import { type ServiceContext } from '@mercato/platform/service';
import { isUuid } from '../accounts/secret-tokens.ts';
import { userRepository } from '../accounts/user-repository.ts';
import type { IdentityDB } from '../db.ts';

/** The OIDC userinfo answer: who the token's subject is and what the token grants. */
export interface UserInfo {
  sub: string;
  email?: string;
  email_verified?: boolean;
  roles: string[];
  permissions: string[];
}

/**
 * Userinfo for a verified token. People (user and API-key tokens) are read from the users
 * table for email and its verification; roles and permissions are those the token carries
 * (what this token may do). A deleted or disabled account's token gets 401 invalid_token.
 */
export async function userInfoOf(ctx: ServiceContext<IdentityDB>, principal: Principal): Promise<UserInfo> {
  const granted = { roles: principal.roles, permissions: principal.permissions };
  if (principal.kind === 'service') return { sub: principal.subject, ...granted };
  const user = isUuid(principal.subject)
    ? await userRepository.findById(ctx.database.db, principal.subject)
    : undefined;
  if (!user || user.status !== 'active') {
    throw CommonErrors.UNAUTHORIZED('the account behind this token no longer exists or is disabled', {
      headers: { 'www-authenticate': 'Bearer realm="mercato", error="invalid_token"' },
    });
  }
  return { sub: user.id, email: user.email, email_verified: user.email_verified_at !== null, ...granted };
}
