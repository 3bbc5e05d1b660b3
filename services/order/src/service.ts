import { paymentApi, serviceManifests, settingsApi } from '@mercato/contracts';
import { createPeriodicWorker } from '@mercato/platform/http';
import { defineService } from '@mercato/platform/service';
import { OrderConfigSchema } from './config.ts';
import type { OrderDB } from './db.ts';
import { OrderErrors } from './errors.ts';
import { registerInvoiceRoutes } from './invoices/invoice-routes.ts';
import { registerNoteRoutes } from './notes/note-routes.ts';
import { createNoteService } from './notes/note-service.ts';
import { createOrderLifecycle } from './orders/order-lifecycle.ts';
import { registerOrderRoutes } from './orders/order-routes.ts';
import { createOrderService } from './orders/order-service.ts';
import { registerRefundRoutes } from './refunds/refund-routes.ts';
import { createRefundService, paymentRefundsVia } from './refunds/refund-service.ts';
import { paymentSubscription } from './events/payment-handlers.ts';
import { shipmentSubscription } from './events/shipment-handlers.ts';
import { registerReturnRoutes } from './returns/return-routes.ts';
import { createReturnService } from './returns/return-service.ts';
import { createShopSettingsReader } from './settings/shop-settings.ts';

/** What setup builds once per instance (tests reach it as runtime.parts). */
export interface OrderParts {
  orders: ReturnType<typeof createOrderService>;
  lifecycle: ReturnType<typeof createOrderLifecycle>;
  refunds: ReturnType<typeof createRefundService>;
  returns: ReturnType<typeof createReturnService>;
  notes: ReturnType<typeof createNoteService>;
  settings: ReturnType<typeof createShopSettingsReader>;
}

/** The order service: orders from checkout, their life, returns, refunds through payment, invoices. */
export const orderService = defineService<OrderDB>()({
  manifest: serviceManifests.order,
  config: OrderConfigSchema,
  errors: OrderErrors.catalog,
  calls: { settings: settingsApi, payment: paymentApi },
  migrations: new URL('../migrations/', import.meta.url),
  setup(ctx): OrderParts {
    // Refunds are carried out by payment's refund route (its typed client).
    const refunds = createRefundService(
      ctx,
      paymentRefundsVia((input) => ctx.clients.payment.refund(input)),
    );
    const settings = createShopSettingsReader(ctx.clients, {
      ttlMs: ctx.config.ORDER_SETTINGS_TTL_MS,
      defaultReturnWindowDays: ctx.config.ORDER_RETURN_WINDOW_DAYS,
      logger: ctx.logger,
      now: ctx.now,
    });
    const lifecycle = createOrderLifecycle(ctx, {
      now: () => new Date(ctx.now()),
      refundOnCancel: (trx, order, actor) =>
        refunds.request(trx, order, { reason: 'order cancelled' }, actor),
    });
    return {
      orders: createOrderService(ctx),
      lifecycle,
      refunds,
      returns: createReturnService(ctx, settings),
      notes: createNoteService(ctx),
      settings,
    };
  },
  routes(app, ctx, parts) {
    registerOrderRoutes(app, parts.orders, parts.lifecycle);
    registerRefundRoutes(app, parts.refunds);
    registerReturnRoutes(app, parts.returns);
    registerNoteRoutes(app, parts.notes);
    registerInvoiceRoutes(app, parts.orders, parts.settings, ctx.now);
  },
  subscriptions: (ctx) => [paymentSubscription(ctx), shipmentSubscription(ctx)],
  workers: (ctx, { refunds }) => [
    // Refunds payment could not take (it was down) are asked again; the refund id keeps it idempotent.
    createPeriodicWorker({
      name: 'refund-resender',
      intervalMs: 10_000,
      logger: ctx.logger,
      run: async () => {
        await refunds.resend(new Date(ctx.now() - 5_000), 50);
      },
    }),
  ],
});
