import type { EventEnvelope } from '@mercato/contracts';
import type { Kysely } from '@mercato/platform/db';
import type { EventSubscription } from '@mercato/platform/messaging';
import type { NotificationDB } from '../db.ts';
import type { AttachmentRef } from '../attachments/attachment.ts';
import type { MessageService } from '../messages/message-service.ts';
import type { NotificationType } from '../templates/notification-types.ts';
import { contactRepository as contacts } from './contact-repository.ts';

/** Minor units as the customer reads them (`€49.90`). */
export function formatMoney(m: { amount: number; currency: string }): string {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: m.currency }).format(m.amount / 100);
  } catch {
    return `${(m.amount / 100).toFixed(2)} ${m.currency}`;
  }
}

/**
 * The customer's order emails. order.confirmed carries the address (a guest has no account)
 * and is published only past checkout's point of no return; the order's later events go to
 * the address kept from it.
 */
export function orderSubscription(
  messages: MessageService,
  publicUrl: string,
): EventSubscription<NotificationDB> {
  const base = publicUrl.replace(/\/+$/, '');

  async function email(
    trx: Kysely<NotificationDB>,
    e: EventEnvelope,
    type: NotificationType,
    orderId: string,
    data: Record<string, unknown>,
    attachments?: AttachmentRef[],
  ): Promise<void> {
    const r = await trx
      .selectFrom('order_recipients')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    if (!r) return; // an order confirmed before this service listened: no address known
    const contact = r.customer_id ? await contacts.find(trx, r.customer_id) : undefined;
    await messages.enqueue(trx, {
      type,
      channel: 'email',
      to: r.email,
      ...(r.customer_id && { userId: r.customer_id }),
      locale: contact?.locale ?? 'en',
      data: {
        ...(contact?.name && { name: contact.name }),
        orderNumber: r.order_number,
        orderUrl: `${base}/orders/${orderId}`,
        ...data,
      },
      ...(attachments && { attachments }),
      dedupeKey: `${e.id}:email:${r.email}`,
      eventId: e.id,
      correlationId: e.correlationId,
    });
  }

  return {
    name: 'order-emails',
    on: {
      'order.confirmed': async (trx, e) => {
        await trx
          .insertInto('order_recipients')
          .values({
            order_id: e.data.orderId,
            order_number: e.data.orderNumber,
            email: e.data.email.trim().toLowerCase(),
            customer_id: e.data.customerId,
          })
          .onConflict((oc) => oc.column('order_id').doNothing())
          .execute();
        // The invoice PDF, fetched from order when the email is sent.
        await email(trx, e, 'order_confirmed', e.data.orderId, { total: formatMoney(e.data.total) }, [
          {
            kind: 'order_invoice',
            orderId: e.data.orderId,
            filename: `invoice-${e.data.orderNumber}.pdf`,
          },
        ]);
      },
      'order.shipped': async (trx, e) => {
        await email(trx, e, 'order_shipped', e.data.orderId, {
          trackingNumber: e.data.trackingNumber ?? 'not yet known',
        });
      },
      'order.delivered': async (trx, e) => {
        await email(trx, e, 'order_delivered', e.data.orderId, {});
      },
      'order.cancelled': async (trx, e) => {
        await email(trx, e, 'order_cancelled', e.data.orderId, {
          refundDue: formatMoney(e.data.refundDue),
          reason: e.data.reason,
        });
      },
      'order.refunded': async (trx, e) => {
        await email(trx, e, 'order_refunded', e.data.orderId, {
          amount: formatMoney(e.data.amount),
          reason: e.data.reason,
        });
      },
    },
  };
}
