import { serviceManifests } from '@mercato/contracts';
import { defineService } from '@mercato/platform/service';
import { createAbandonmentSweeper } from './abandonment/abandonment-sweeper.ts';
import { registerCartRoutes } from './carts/cart-routes.ts';
import { createCartService } from './carts/cart-service.ts';
import { createCartStore } from './carts/cart-store.ts';
import { CartConfigSchema } from './config.ts';
import type { CartDB } from './db.ts';
import { CartErrors } from './errors.ts';
import { productSubscription } from './events/product-handlers.ts';
import { createTaxSettingsReader } from './pricing/tax-settings.ts';
import { createCartPurger } from './retention/cart-purge.ts';
import { cartCalls } from './upstream/calls.ts';

export interface CartServiceOptions {
  /** The clock of expiry, activity and abandonment (tests move it); default Date.now. */
  now?: () => number;
}

/** The cart service on a given clock (tests); `cartService` is it on the real one. */
export function defineCartService(opts: CartServiceOptions = {}) {
  const now = opts.now ?? Date.now;
  return defineService<CartDB>()({
    manifest: serviceManifests.cart,
    config: CartConfigSchema,
    errors: CartErrors.catalog,
    calls: cartCalls,
    migrations: new URL('../migrations/', import.meta.url),
    setup(ctx) {
      const cfg = ctx.config;
      const ttlMs = (cart: { customerId: string | null }) =>
        cart.customerId === null ? cfg.CART_GUEST_TTL_MS : cfg.CART_CUSTOMER_TTL_MS;
      const store = createCartStore({
        database: ctx.database,
        cache: ctx.cache,
        logger: ctx.logger,
        now,
        ttlMs,
        touchIntervalMs: cfg.CART_TOUCH_INTERVAL_MS,
      });
      const tax = createTaxSettingsReader(ctx.clients, {
        ttlMs: cfg.CART_SETTINGS_TTL_MS,
        logger: ctx.logger,
        now,
      });
      const carts = createCartService({
        ctx,
        store,
        tax,
        now,
        ttlMs,
        defaultCurrency: cfg.CART_DEFAULT_CURRENCY,
      });
      return { store, carts };
    },
    routes(app, _ctx, { carts }) {
      registerCartRoutes(app, carts);
    },
    subscriptions: (ctx, { store }) => [productSubscription(ctx, store)],
    workers: (ctx, { store }) => [
      createAbandonmentSweeper({
        database: ctx.database,
        outbox: ctx.outbox,
        logger: ctx.logger,
        now,
        afterMs: ctx.config.CART_ABANDON_AFTER_MS,
        intervalMs: ctx.config.CART_ABANDON_SWEEP_MS,
        batch: ctx.config.CART_ABANDON_BATCH,
      }),
      createCartPurger({
        database: ctx.database,
        store,
        logger: ctx.logger,
        now,
        retentionMs: ctx.config.CART_PURGE_AFTER_MS,
        intervalMs: ctx.config.CART_PURGE_SWEEP_MS,
        batch: ctx.config.CART_PURGE_BATCH,
      }),
    ],
  });
}

/** The cart service: guest and customer carts, revalidated reads, totals, abandonment, purge. */
export const cartService = defineCartService();
