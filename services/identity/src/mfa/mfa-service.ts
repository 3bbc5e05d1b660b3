import { accountEvent } from '../accounts/account-events.ts';
import { createCredentialChecker } from '../accounts/credential-check.ts';
import { userRepository as users, type UserRow } from '../accounts/user-repository.ts';
import { IdentityErrors } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { recordSecurityEvent } from '../security-events/security-event-repository.ts';
import { mfaRepository as mfa } from './mfa-repository.ts';
import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes.ts';
import { isTotpCode, matchingStep, newTotpSecret, totpEnrolment } from './totp.ts';

/** TOTP enrolment and its management by the signed-in user. */
export interface MfaService {
  /** Starts (or restarts) an enrolment: a pending secret, shown once as URI and QR code. */
  startTotp(userId: string): Promise<{ otpauthUri: string; qrSvg: string }>;
  /** Confirms the enrolment with a code from the app; returns the recovery codes (shown only now). */
  confirmTotp(userId: string, code: string): Promise<{ recoveryCodes: string[] }>;
  disable(userId: string, password: string): Promise<void>;
  /** A fresh set of recovery codes; the old set stops working. */
  regenerateRecoveryCodes(userId: string, password: string): Promise<{ recoveryCodes: string[] }>;
}

export function createMfaService(identity: IdentityContext): MfaService {
  const { database, outbox } = identity.ctx;
  const credentials = createCredentialChecker(identity);

  async function load(userId: string): Promise<UserRow> {
    const user = await users.findById(database.db, userId);
    if (!user) throw IdentityErrors.IDENTITY_USER_NOT_FOUND();
    return user;
  }

  async function loadEnabled(userId: string): Promise<UserRow> {
    const user = await load(userId);
    if (!user.mfa_enabled_at) throw IdentityErrors.IDENTITY_MFA_NOT_ENABLED();
    return user;
  }

  return {
    async startTotp(userId) {
      const user = await load(userId);
      if (user.mfa_enabled_at) throw IdentityErrors.IDENTITY_MFA_ALREADY_ENABLED();
      const secret = newTotpSecret();
      await mfa.setPendingSecret(database.db, userId, secret);
      return totpEnrolment(secret, user.email);
    },

    async confirmTotp(userId, rawCode) {
      const code = rawCode.trim();
      const recoveryCodes = newRecoveryCodes();
      await database.transaction(async (trx) => {
        const user = await users.findById(trx, userId, { forUpdate: true });
        if (!user) throw IdentityErrors.IDENTITY_USER_NOT_FOUND();
        if (user.mfa_enabled_at) throw IdentityErrors.IDENTITY_MFA_ALREADY_ENABLED();
        if (!user.mfa_secret) throw IdentityErrors.IDENTITY_MFA_NOT_ENROLLED();
        const step = isTotpCode(code) ? matchingStep(user.mfa_secret, code) : undefined;
        if (step === undefined || !(await mfa.claimStep(trx, userId, step))) {
          throw IdentityErrors.IDENTITY_MFA_CODE_INVALID();
        }
        await mfa.enable(trx, userId);
        await mfa.replaceRecoveryCodes(trx, userId, recoveryCodes.map(recoveryCodeHash));
        await recordSecurityEvent(trx, { userId, type: 'mfa_enabled', detail: { method: 'totp' } });
        await outbox.add(trx, accountEvent('user.mfa_enabled', { userId, method: 'totp' }));
      });
      return { recoveryCodes };
    },

    async disable(userId, password) {
      const user = await loadEnabled(userId);
      await credentials.confirmPassword(user, password);
      await database.transaction(async (trx) => {
        await mfa.disable(trx, userId);
        await recordSecurityEvent(trx, { userId, type: 'mfa_disabled', detail: { method: 'totp' } });
        await outbox.add(trx, accountEvent('user.mfa_disabled', { userId, method: 'totp' }));
      });
    },

    async regenerateRecoveryCodes(userId, password) {
      const user = await loadEnabled(userId);
      await credentials.confirmPassword(user, password);
      const recoveryCodes = newRecoveryCodes();
      await database.transaction(async (trx) => {
        await mfa.replaceRecoveryCodes(trx, userId, recoveryCodes.map(recoveryCodeHash));
        await recordSecurityEvent(trx, { userId, type: 'mfa_recovery_codes_regenerated' });
      });
      return { recoveryCodes };
    },
  };
}
