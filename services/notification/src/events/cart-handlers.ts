import type { EventSubscription } from '@mercato/platform/messaging';
import type { NotificationDB } from '../db.ts';
import type { MessageService } from '../messages/message-service.ts';
import { contactRepository as contacts } from './contact-repository.ts';
import { formatMoney } from './order-handlers.ts';

/**
 * The abandoned-cart reminder: a marketing email, so only to a customer (not a guest) who
 * opted in to marketing email; quiet hours and the unsubscribe link apply (the message
 * service checks consent and suppresses the rest).
 */
export function cartSubscription(
  messages: MessageService,
  publicUrl: string,
): EventSubscription<NotificationDB> {
  const cartUrl = `${publicUrl.replace(/\/+$/, '')}/cart`;
  return {
    name: 'cart-reminders',
    on: {
      'cart.abandoned': async (trx, e) => {
        const userId = e.data.customerId;
        if (!userId || e.data.lines.length === 0) return; // a guest gave no consent
        const contact = await contacts.find(trx, userId);
        if (!contact) return; // an account this service never heard of
        await messages.enqueue(trx, {
          type: 'cart_reminder',
          channel: 'email',
          to: contact.email,
          userId,
          locale: contact.locale,
          data: {
            ...(contact.name && { name: contact.name }),
            items: e.data.lines.map((l) => `${l.quantity} × ${l.title}`).join(', '),
            subtotal: formatMoney(e.data.subtotal),
            cartUrl,
          },
          dedupeKey: `${e.id}:email:${contact.email}`,
          eventId: e.id,
          correlationId: e.correlationId,
        });
      },
    },
  };
}
