import type { Transaction } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { EventSubscription } from '@mercato/platform/messaging';
import type { ServiceContext } from '@mercato/platform/service';
import type { OrderDB } from '../db.ts';
import type { OrderRow } from '../orders/order.ts';
import { orderRepository as orders } from '../orders/order-repository.ts';
import { canTransition } from '../orders/order-status.ts';
import { applyTransition, recordInHistory } from '../orders/order-transitions.ts';
import { refundRepository } from '../refunds/refund-repository.ts';

/** An event that arrived before the order can take it (captured before the saga confirmed): retried. */
export class NotYet extends Error {}

/** The order an event names, locked; undefined when this service has no such order. */
export async function lockedOrder(
  trx: Transaction<OrderDB>,
  orderId: string | null,
): Promise<OrderRow | undefined> {
  if (!orderId || !/^[0-9a-f-]{36}$/i.test(orderId)) return undefined;
  return orders.find(trx, orderId, { forUpdate: true });
}

/**
 * Payment's events move orders, each applied once (the kit's inbox) and idempotent besides:
 * payment.captured makes a confirmed order paid (one captured before the saga confirmed is
 * retried until it is; one already paid or further changes nothing); payment.refunded of a
 * refund this service did not ask for (made at payment directly) is recorded, and a fully
 * refunded payment makes the order refunded where the state machine allows it.
 */
export function paymentSubscription(
  ctx: Pick<ServiceContext<OrderDB>, 'outbox' | 'logger' | 'now'>,
): EventSubscription<OrderDB> {
  const { outbox, logger } = ctx;
  return {
    name: 'payment-events',
    on: {
      'payment.captured': async (trx, { data }) => {
        const order = await lockedOrder(trx, data.orderId);
        if (!order) return;
        if (order.status === 'pending') throw new NotYet(`order ${order.number} is not confirmed yet`);
        if (order.status !== 'confirmed') {
          if (order.status === 'cancelled') {
            logger.warn(
              { orderId: order.id, paymentId: data.paymentId },
              'payment captured for a cancelled order',
            );
            await recordInHistory(trx, order, {
              actor: 'payment',
              reason: `payment ${data.paymentId} captured ${data.amount} ${data.currency} after cancellation`,
            });
          }
          return;
        }
        await applyTransition(
          trx,
          outbox,
          order,
          'paid',
          { actor: 'payment', reason: `captured ${data.amount} ${data.currency}` },
          { paidAt: new Date(ctx.now()), ...(order.paymentId === null && { paymentId: data.paymentId }) },
        );
      },
      'payment.refunded': async (trx, { data }) => {
        const order = await lockedOrder(trx, data.orderId);
        if (!order) return;
        const known = await trx
          .selectFrom('order_refunds')
          .select('id')
          .where('order_id', '=', order.id)
          .where('payment_refund_id', '=', data.refundId)
          .executeTakeFirst();
        if (known) return;
        // Refunds asked here count as soon as they are asked (refunded_total): what payment
        // reports beyond that was refunded at payment directly.
        const outside = Math.min(data.refundedTotal, order.total) - order.refundedTotal;
        if (outside <= 0) return;
        const id = newId();
        await refundRepository.insert(trx, {
          id,
          orderId: order.id,
          amount: outside,
          lines: [],
          reason: data.reason ?? 'refunded at payment',
          requestedBy: 'payment',
        });
        await refundRepository.settle(trx, id, 'succeeded', data.refundId);
        await orders.update(trx, order.id, { refundedTotal: order.refundedTotal + outside });
        const full = order.refundedTotal + outside >= order.total;
        const change = { actor: 'payment', reason: `refunded ${outside} ${order.currency} at payment` };
        if (full && canTransition(order.status, 'refunded')) {
          await applyTransition(trx, outbox, { ...order, version: order.version + 1 }, 'refunded', change);
        } else await recordInHistory(trx, order, change);
        await outbox.add(trx, {
          type: 'order.refunded',
          subject: order.id,
          data: {
            orderId: order.id,
            orderNumber: order.number,
            customerId: order.customerId,
            refundId: id,
            amount: { amount: outside, currency: order.currency },
            refundedTotal: { amount: order.refundedTotal + outside, currency: order.currency },
            full,
            lines: [],
            reason: data.reason ?? 'refunded at payment',
          },
        });
      },
    },
  };
}
