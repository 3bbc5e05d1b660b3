import type { EventSubscription } from '@mercato/platform/messaging';
import { sql } from '@mercato/platform/db';
import type { CustomerDB } from '../db.ts';
import type { LoyaltyService } from './loyalty-service.ts';

/**
 * Orders move points: order.confirmed records what a customer's order is worth; order.completed
 * earns points on what is left of it after refunds; a refund after completion takes back its
 * share, a cancellation all of it. Guest orders earn nothing. Each event once (the kit's inbox).
 */
export function orderSubscription(loyalty: LoyaltyService): EventSubscription<CustomerDB> {
  return {
    name: 'order-loyalty',
    on: {
      'order.confirmed': async (trx, { data }) => {
        if (!data.customerId) return;
        await trx
          .insertInto('order_totals')
          .values({
            order_id: data.orderId,
            customer_id: data.customerId,
            amount: data.total.amount,
            currency: data.total.currency,
          })
          .onConflict((oc) => oc.column('order_id').doNothing())
          .execute();
      },
      'order.completed': async (trx, { data }) => {
        const o = await trx
          .selectFrom('order_totals')
          .selectAll()
          .where('order_id', '=', data.orderId)
          .executeTakeFirst();
        if (!o) return;
        await loyalty.earn(trx, {
          customerId: o.customer_id,
          orderId: o.order_id,
          amount: Math.max(0, o.amount - o.refunded),
          currency: o.currency,
        });
      },
      'order.refunded': async (trx, { data }) => {
        const o = await trx
          .selectFrom('order_totals')
          .selectAll()
          .where('order_id', '=', data.orderId)
          .executeTakeFirst();
        if (!o) return;
        const remaining = o.amount - o.refunded;
        await trx
          .updateTable('order_totals')
          .set({ refunded: sql<number>`least(amount, refunded + ${data.amount.amount})` })
          .where('order_id', '=', o.order_id)
          .execute();
        // Before completion nothing was earned: the smaller amount is what completion earns on.
        if (remaining > 0)
          await loyalty.revert(trx, {
            customerId: o.customer_id,
            orderId: o.order_id,
            share: data.full ? 1 : Math.min(1, data.amount.amount / remaining),
          });
      },
      'order.cancelled': async (trx, { data }) => {
        if (!data.customerId) return;
        await loyalty.revert(trx, { customerId: data.customerId, orderId: data.orderId });
        await trx.deleteFrom('order_totals').where('order_id', '=', data.orderId).execute();
      },
    },
  };
}
