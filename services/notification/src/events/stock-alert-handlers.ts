import type { EventSubscription } from '@mercato/platform/messaging';
import type { NotificationDB } from '../db.ts';
import type { MessageService } from '../messages/message-service.ts';
import { stockAlertRepository as alerts } from '../stock-alerts/stock-alert-repository.ts';
import { contactRepository as contacts } from './contact-repository.ts';

/**
 * Back in stock: when inventory says a SKU can be sold again (available, or on backorder),
 * every customer waiting for it gets one email and their alert is marked sent, in the
 * consumer's transaction (a redelivered event finds none waiting).
 */
export function stockAlertSubscription(
  messages: MessageService,
  publicUrl: string,
): EventSubscription<NotificationDB> {
  const shopUrl = publicUrl.replace(/\/+$/, '');
  return {
    name: 'back-in-stock',
    on: {
      'inventory.stock_changed': async (trx, e) => {
        if (e.data.available <= 0 && !e.data.backorder) return;
        for (const a of await alerts.takePending(trx, e.data.sku, new Date(e.time))) {
          const name = (await contacts.find(trx, a.user_id))?.name;
          await messages.enqueue(trx, {
            type: 'back_in_stock',
            channel: 'email',
            to: a.email,
            userId: a.user_id,
            locale: a.locale,
            data: { ...(name && { name }), sku: a.sku, shopUrl },
            dedupeKey: `${e.id}:email:${a.email}`,
            eventId: e.id,
            correlationId: e.correlationId,
          });
        }
      },
    },
  };
}
