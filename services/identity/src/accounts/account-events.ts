import type {
  PasswordChangedV1,
  PasswordResetRequestedV1,
  UserLockedV1,
  UserMfaChangedV1,
  UserRegisteredV1,
  UserRolesChangedV1,
  UserStatusChangedV1,
  UserVerifiedV1,
  VerificationRequestedV1,
} from '@mercato/contracts';
import type { EventDraft } from '@mercato/platform/messaging';

/** Event data by type (schemas in packages/contracts/src/identity.ts). */
interface AccountEventData {
  'user.registered': UserRegisteredV1;
  'identity.verification_requested': VerificationRequestedV1;
  'user.verified': UserVerifiedV1;
  'identity.password_reset_requested': PasswordResetRequestedV1;
  'user.password_changed': PasswordChangedV1;
  'user.locked': UserLockedV1;
  'user.roles_changed': UserRolesChangedV1;
  'user.disabled': UserStatusChangedV1;
  'user.enabled': UserStatusChangedV1;
  'user.mfa_enabled': UserMfaChangedV1;
  'user.mfa_disabled': UserMfaChangedV1;
}

/** An outbox draft of an account event; the subject is always the user id. */
export function accountEvent<T extends keyof AccountEventData>(
  type: T,
  data: AccountEventData[T],
): EventDraft<AccountEventData[T]> {
  return { type, subject: data.userId, data };
}
