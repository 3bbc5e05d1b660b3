import type { EventSubscription } from '@mercato/platform/messaging';
import type { Logger } from '@mercato/platform/logging';
import type { NotificationDB } from '../db.ts';
import type { MessageService } from '../messages/message-service.ts';

/** Low stock goes to every admin address (NOTIFICATION_ADMIN_EMAILS), once per crossing. */
export function inventorySubscription(
  messages: MessageService,
  adminEmails: readonly string[],
  logger: Logger,
): EventSubscription<NotificationDB> {
  return {
    name: 'inventory-alerts',
    on: {
      'inventory.low_stock': async (trx, e) => {
        if (adminEmails.length === 0) {
          logger.info({ sku: e.data.sku }, 'low stock: no NOTIFICATION_ADMIN_EMAILS to tell');
          return;
        }
        for (const to of adminEmails) {
          await messages.enqueue(trx, {
            type: 'low_stock',
            channel: 'email',
            to,
            data: { name: 'Admin', ...e.data },
            dedupeKey: `${e.id}:email:${to}`,
            eventId: e.id,
            correlationId: e.correlationId,
          });
        }
      },
    },
  };
}
