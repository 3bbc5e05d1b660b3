import type { Kysely } from '@mercato/platform/db';
import type { UserRow } from '../accounts/user-repository.ts';
import type { IdentityDB } from '../db.ts';
import { recordSecurityEvent } from '../security-events/security-event-repository.ts';
import { mfaRepository as mfa } from './mfa-repository.ts';
import { recoveryCodeHash } from './recovery-codes.ts';
import { isTotpCode, matchingStep } from './totp.ts';

/**
 * Checks a second factor in the caller's transaction: a 6-digit TOTP code (±1 step, each
 * step usable once) or an unused recovery code (then used up). Returns which one passed.
 */
export async function verifySecondFactor(
  trx: Kysely<IdentityDB>,
  user: UserRow,
  rawCode: string,
): Promise<'totp' | 'recovery' | undefined> {
  const code = rawCode.trim();
  if (!user.mfa_secret) return undefined;
  if (isTotpCode(code)) {
    const step = matchingStep(user.mfa_secret, code);
    if (step === undefined) return undefined;
    return (await mfa.claimStep(trx, user.id, step)) ? 'totp' : undefined;
  }
  if (!user.mfa_enabled_at) return undefined;
  if (!(await mfa.useRecoveryCode(trx, user.id, recoveryCodeHash(code)))) return undefined;
  await recordSecurityEvent(trx, { userId: user.id, type: 'mfa_recovery_code_used' });
  return 'recovery';
}
