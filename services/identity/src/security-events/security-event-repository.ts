import { currentContext } from '@mercato/platform/context';
import type { Kysely } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { IdentityDB } from '../db.ts';

/** Kinds of security_events rows identity writes (an audit trail, not published events). */
export type SecurityEventType =
  | 'refresh_token_reuse'
  | 'account_locked'
  | 'password_reset'
  | 'password_changed'
  | 'mfa_enabled'
  | 'mfa_disabled'
  | 'mfa_recovery_code_used'
  | 'mfa_recovery_codes_regenerated'
  | 'user_disabled'
  | 'user_enabled'
  | 'roles_changed'
  | 'bootstrap_admin_created';

/**
 * Records a security event in the caller's transaction. `detail` must never hold a
 * secret (password, token, TOTP secret, recovery code): it is read by support staff.
 */
export async function recordSecurityEvent(
  trx: Kysely<IdentityDB>,
  event: { userId: string | null; type: SecurityEventType; detail?: Record<string, unknown> },
): Promise<void> {
  await trx
    .insertInto('security_events')
    .values({
      id: newId(),
      user_id: event.userId,
      type: event.type,
      detail: JSON.stringify(event.detail ?? {}),
      correlation_id: currentContext()?.correlationId ?? null,
    })
    .execute();
}
