import type { EventEnvelope } from '@mercato/contracts';
import type { Kysely } from '@mercato/platform/db';
import type { EventSubscription } from '@mercato/platform/messaging';
import type { NotificationDB } from '../db.ts';
import type { MessageService } from '../messages/message-service.ts';
import type { NotificationType } from '../templates/notification-types.ts';
import { contactRepository as contacts } from './contact-repository.ts';

/**
 * Identity's account emails: the verification and reset links (without them a customer who
 * signs up can never verify and sign in), a changed password, a locked account. Accounts are
 * kept as contacts (email, name) for events that carry only the user id.
 */
export function identitySubscription(messages: MessageService): EventSubscription<NotificationDB> {
  async function email(
    trx: Kysely<NotificationDB>,
    event: EventEnvelope,
    type: NotificationType,
    userId: string,
    to: string | undefined,
    data: Record<string, unknown>,
  ): Promise<void> {
    const contact = await contacts.find(trx, userId);
    const address = to ?? contact?.email;
    if (!address) return; // an account this service never heard of, with no address in the event
    await messages.enqueue(trx, {
      type,
      channel: 'email',
      to: address,
      userId,
      locale: contact?.locale ?? 'en',
      data: { ...(contact?.name && { name: contact.name }), ...data },
      dedupeKey: `${event.id}:email:${address}`,
      eventId: event.id,
      correlationId: event.correlationId,
    });
  }

  return {
    name: 'identity-emails',
    on: {
      'user.registered': async (trx, e) => {
        await contacts.upsert(trx, e.data);
      },
      'user.verified': async (trx, e) => {
        await contacts.upsert(trx, e.data);
      },
      'identity.verification_requested': async (trx, e) => {
        await contacts.upsert(trx, { userId: e.data.userId, email: e.data.email });
        await email(trx, e, 'verify_email', e.data.userId, e.data.email, {
          verificationUrl: e.data.verificationUrl,
          expiresAt: e.data.expiresAt,
        });
      },
      'identity.password_reset_requested': async (trx, e) => {
        await email(trx, e, 'password_reset', e.data.userId, e.data.email, {
          resetUrl: e.data.resetUrl,
          expiresAt: e.data.expiresAt,
        });
      },
      'user.password_changed': async (trx, e) => {
        await email(trx, e, 'password_changed', e.data.userId, e.data.email, { reason: e.data.reason });
      },
      'user.new_device_signed_in': async (trx, e) => {
        await email(trx, e, 'new_device_sign_in', e.data.userId, e.data.email, {
          userAgent: e.data.userAgent,
          ipAddress: e.data.ipAddress ?? 'an unknown address',
          signedInAt: e.data.signedInAt,
        });
      },
      'user.locked': async (trx, e) => {
        await email(trx, e, 'account_locked', e.data.userId, undefined, { lockedUntil: e.data.lockedUntil });
      },
    },
  };
}
