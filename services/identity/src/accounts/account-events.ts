import type { EventData } from '@mercato/contracts';
import type { EventDraft } from '@mercato/platform/messaging';

/** The account events identity writes; their subject is always the user id. */
type AccountEventType =
  | 'user.registered'
  | 'identity.verification_requested'
  | 'user.verified'
  | 'identity.password_reset_requested'
  | 'user.password_changed'
  | 'user.locked'
  | 'user.new_device_signed_in'
  | 'user.roles_changed'
  | 'user.disabled'
  | 'user.enabled'
  | 'user.mfa_enabled'
  | 'user.mfa_disabled';

/** An outbox draft of an account event (schemas in packages/contracts/src/identity.ts). */
export function accountEvent<T extends AccountEventType>(type: T, data: EventData<T>): EventDraft<T> {
  return { type, subject: data.userId, data } as EventDraft<T>;
}
