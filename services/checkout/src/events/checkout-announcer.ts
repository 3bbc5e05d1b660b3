import type { CheckoutCompletedV1, CheckoutFailedV1 } from '@mercato/contracts';
import { createPeriodicWorker } from '@mercato/platform/http';
import type { ServiceContext, Worker } from '@mercato/platform/service';
import { checkoutRepository as repo } from '../checkouts/checkout-repository.ts';
import type { CheckoutConfig } from '../config.ts';
import type { CheckoutDB } from '../db.ts';
import type { AuthorizedPayment, CreatedOrder } from '../saga/step-deps.ts';

/**
 * Announces ended checkouts: checkout.completed (after the order's own order.confirmed) or
 * checkout.failed with its reason, each once, in the same transaction that marks it announced.
 * Any replica may do it (rows locked with SKIP LOCKED).
 */
export function checkoutAnnouncer(ctx: ServiceContext<CheckoutDB, CheckoutConfig>): Worker {
  const { database, outbox } = ctx;
  async function announce(): Promise<number> {
    return database.transaction(async (trx) => {
      const ended = await repo.unannounced(trx, 100);
      for (const { row, status, data, failure } of ended) {
        const ref = { checkoutId: row.id, cartId: row.cart_id, customerId: row.customer_id };
        if (status === 'completed') {
          const order = data['create-order'] as CreatedOrder;
          const payment = data['authorize-payment'] as AuthorizedPayment;
          const event: CheckoutCompletedV1 = {
            ...ref,
            orderId: order.orderId,
            orderNumber: order.number,
            paymentId: payment.paymentId,
            total: order.total,
          };
          await outbox.add(trx, { type: 'checkout.completed', subject: row.id, data: event });
        } else {
          const event: CheckoutFailedV1 = {
            ...ref,
            reason: failure?.code ?? 'STEP_FAILED',
            step: failure?.step ?? '',
            message: failure?.message ?? '',
            status: 'failed',
          };
          await outbox.add(trx, { type: 'checkout.failed', subject: row.id, data: event });
        }
      }
      await repo.markAnnounced(
        trx,
        ended.map((e) => e.row.id),
        new Date(ctx.now()),
      );
      return ended.length;
    });
  }
  const worker = createPeriodicWorker({
    name: 'checkout-announcer',
    intervalMs: ctx.config.CHECKOUT_ANNOUNCE_INTERVAL_MS,
    logger: ctx.logger,
    run: async () => {
      while ((await announce()) === 100);
    },
  });
  return { ...worker, flush: async () => void (await announce()) };
}
