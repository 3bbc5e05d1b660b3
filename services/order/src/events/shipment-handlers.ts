import type { EventSubscription } from '@mercato/platform/messaging';
import type { ServiceContext } from '@mercato/platform/service';
import type { OrderDB } from '../db.ts';
import { canTransition } from '../orders/order-status.ts';
import { applyTransition } from '../orders/order-transitions.ts';
import { lockedOrder, NotYet } from './payment-handlers.ts';

/**
 * Shipping's events move orders: shipment.dispatched makes a paid (or fulfilled) order
 * shipped, shipment.delivered makes it delivered (shipping it first when the dispatch came
 * later or not at all). Events for an order already past that point change nothing, so a
 * repeat, a late one or a second parcel of a split shipment is harmless; one that arrives
 * before payment was captured is retried.
 */
export function shipmentSubscription(
  ctx: Pick<ServiceContext<OrderDB>, 'outbox'>,
): EventSubscription<OrderDB> {
  const { outbox } = ctx;
  const early = new Set(['pending', 'confirmed']);
  return {
    name: 'shipment-events',
    on: {
      'shipment.dispatched': async (trx, { data }) => {
        const order = await lockedOrder(trx, data.orderId);
        if (!order) return;
        if (early.has(order.status)) throw new NotYet(`order ${order.number} is not paid yet`);
        if (!canTransition(order.status, 'shipped')) return;
        await applyTransition(
          trx,
          outbox,
          order,
          'shipped',
          { actor: 'shipping', reason: `dispatched with ${data.carrier}` },
          { shipmentId: data.shipmentId, trackingNumber: data.trackingNumber },
        );
      },
      'shipment.delivered': async (trx, { data }) => {
        let order = await lockedOrder(trx, data.orderId);
        if (!order) return;
        if (early.has(order.status)) throw new NotYet(`order ${order.number} is not paid yet`);
        const change = { actor: 'shipping', reason: `delivered by ${data.carrier}` };
        if (canTransition(order.status, 'shipped')) {
          order = await applyTransition(trx, outbox, order, 'shipped', change, {
            shipmentId: data.shipmentId,
            trackingNumber: data.trackingNumber,
          });
        }
        if (!canTransition(order.status, 'delivered') || order.status === 'return_requested') return;
        await applyTransition(trx, outbox, order, 'delivered', change, {
          deliveredAt: new Date(data.deliveredAt),
        });
      },
    },
  };
}
