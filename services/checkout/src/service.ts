import { serviceManifests } from '@mercato/contracts';
import type { Database } from '@mercato/platform/db';
import { createSagaEngine, type SagaEngine } from '@mercato/platform/saga';
import { defineService } from '@mercato/platform/service';
import { registerAdminRoutes } from './admin/admin-routes.ts';
import { createAdminService } from './admin/admin-service.ts';
import { checkoutRepository } from './checkouts/checkout-repository.ts';
import { registerCheckoutRoutes } from './checkouts/checkout-routes.ts';
import { createCheckoutService, type CheckoutService } from './checkouts/checkout-service.ts';
import { CheckoutConfigSchema } from './config.ts';
import type { CheckoutDB } from './db.ts';
import { CheckoutErrors } from './errors.ts';
import { checkoutAnnouncer } from './events/checkout-announcer.ts';
import { paymentSubscription } from './events/payment-handlers.ts';
import { createCaptureSetting } from './saga/capture-setting.ts';
import { checkoutSaga } from './saga/checkout-saga.ts';
import { checkoutCalls } from './upstream/calls.ts';

/** What setup builds once per instance (tests reach it as runtime.parts). */
export interface CheckoutParts {
  engine: SagaEngine;
  checkouts: CheckoutService;
}

export interface CheckoutServiceOptions {
  /** This replica's name in the saga leases (default: host, pid and a random part). */
  replica?: string;
  /** How often the saga driver looks for due sagas (default 250 ms). */
  pollMs?: number;
}

/** The checkout service on given engine options (tests run two replicas); `checkoutService` is it by default. */
export function defineCheckoutService(opts: CheckoutServiceOptions = {}) {
  return defineService<CheckoutDB>()({
    manifest: serviceManifests.checkout,
    config: CheckoutConfigSchema,
    errors: CheckoutErrors.catalog,
    calls: checkoutCalls,
    migrations: new URL('../migrations/', import.meta.url),
    async setup(ctx): Promise<CheckoutParts> {
      const db = ctx.database.db;
      const saga = checkoutSaga({
        clients: ctx.clients,
        config: ctx.config,
        recordPayment: (id, paymentId, url) => checkoutRepository.recordPayment(db, id, paymentId, url),
        recordedPayment: async (id) => (await checkoutRepository.find(db, id))?.payment_id ?? null,
        captureMode: createCaptureSetting(ctx.clients, {
          ttlMs: ctx.config.CHECKOUT_SETTINGS_TTL_MS,
          logger: ctx.logger,
          now: ctx.now,
        }),
      });
      const engine = await createSagaEngine({
        // The engine keeps its own tables (sagas, saga_history) in this schema.
        database: ctx.database as unknown as Database<unknown>,
        logger: ctx.logger,
        metrics: ctx.metrics,
        sagas: [saga],
        now: ctx.now,
        leaseMs: ctx.config.CHECKOUT_SAGA_LEASE_MS,
        ...(opts.replica !== undefined && { owner: opts.replica }),
        ...(opts.pollMs !== undefined && { pollMs: opts.pollMs }),
      });
      return { engine, checkouts: createCheckoutService({ ctx, clients: ctx.clients, engine }) };
    },
    routes(app, ctx, { engine, checkouts }) {
      registerCheckoutRoutes(app, checkouts);
      registerAdminRoutes(app, createAdminService({ engine, checkouts, now: ctx.now }));
    },
    subscriptions: (ctx, { engine }) => [paymentSubscription(engine, ctx.logger)],
    // The saga driver (every replica runs one; leases keep each saga to one of them) and the announcer.
    workers: (ctx, { engine }) => [engine.worker, checkoutAnnouncer(ctx)],
  });
}

/** The checkout service: the checkout saga over cart, catalog, discount, inventory, order, payment and shipping. */
export const checkoutService = defineCheckoutService();
