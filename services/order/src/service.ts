import { serviceManifests } from '@mercato/contracts';
import { createPeriodicWorker } from '@mercato/platform/http';
import { defineService } from '@mercato/platform/service';
import { OrderConfigSchema } from './config.ts';
import type { OrderDB } from './db.ts';
import { OrderErrors } from './errors.ts';
import { createOrderLifecycle } from './orders/order-lifecycle.ts';
import { registerOrderRoutes } from './orders/order-routes.ts';
import { createOrderService } from './orders/order-service.ts';
import { registerRefundRoutes } from './refunds/refund-routes.ts';
import { createRefundService } from './refunds/refund-service.ts';

/** A clock the use cases read (tests move it instead of waiting). */
export interface Clock {
  now(): Date;
}

/** What setup builds once per instance (tests reach it as runtime.parts). */
export interface OrderParts {
  clock: Clock;
  orders: ReturnType<typeof createOrderService>;
  lifecycle: ReturnType<typeof createOrderLifecycle>;
  refunds: ReturnType<typeof createRefundService>;
}

/** What setup builds once per instance (tests reach it as runtime.parts). */
export interface OrderParts {
  clock: Clock;
  orders: ReturnType<typeof createOrderService>;
  lifecycle: ReturnType<typeof createOrderLifecycle>;
  refunds: ReturnType<typeof createRefundService>;
}

/** The order service: orders from checkout, their life, returns, refunds through payment, invoices. */
export const orderService = defineService<OrderDB>()({
  manifest: serviceManifests.order,
  config: OrderConfigSchema,
  errors: OrderErrors.catalog,
  migrations: new URL('../migrations/', import.meta.url),
  setup(ctx): OrderParts {
    const clock: Clock = { now: () => new Date() };
    // Payment's manifest is not on main yet: refunds are recorded (and the amount reserved)
    // but not carried out until the typed client of paymentApi is wired here.
    const refunds = createRefundService(ctx, undefined);
    const lifecycle = createOrderLifecycle(ctx, {
      now: () => clock.now(),
      refundOnCancel: (trx, order, actor) =>
        refunds.request(trx, order, { reason: 'order cancelled' }, actor),
    });
    return { clock, orders: createOrderService(ctx), lifecycle, refunds };
  },
  routes(app, _ctx, { orders, lifecycle, refunds }) {
    registerOrderRoutes(app, orders, lifecycle);
    registerRefundRoutes(app, refunds);
  },
  workers: (ctx, { refunds, clock }) => [
    // Refunds payment could not take (it was down) are asked again; the refund id keeps it idempotent.
    createPeriodicWorker({
      name: 'refund-resender',
      intervalMs: 10_000,
      logger: ctx.logger,
      run: async () => {
        await refunds.resend(new Date(clock.now().getTime() - 5_000), 50);
      },
    }),
  ],
});
