import { serviceManifests } from '@mercato/contracts';
import { defineService } from '@mercato/platform/service';
import { InventoryConfigSchema, reserveBatching } from './config.ts';
import type { InventoryDB } from './db.ts';
import { InventoryErrors } from './errors.ts';
import { productSubscription } from './events/product-handlers.ts';
import { createExpirySweeper } from './reservations/expiry-sweeper.ts';
import { registerReservationRoutes } from './reservations/reservation-routes.ts';
import { createReservationService } from './reservations/reservation-service.ts';
import { seedInventory } from './seed.ts';
import { registerLowStockGauge } from './stock/low-stock-gauge.ts';
import { registerStockRoutes } from './stock/stock-routes.ts';
import { createStockService } from './stock/stock-service.ts';
import { createStockSignalPublisher } from './stock/stock-signals.ts';
import { registerWarehouseRoutes } from './warehouses/warehouse-routes.ts';
import { createWarehouseService } from './warehouses/warehouse-service.ts';

/** The inventory service: warehouses, stock levels, reservations, the movements ledger. */
export const inventoryService = defineService<InventoryDB>()({
  manifest: serviceManifests.inventory,
  config: InventoryConfigSchema,
  // The demo shop can be bought from: the demo catalog's SKUs start with stock.
  demoConfig: { INVENTORY_INITIAL_STOCK: '25' },
  errors: InventoryErrors.catalog,
  migrations: new URL('../migrations/', import.meta.url),
  // stock_changed carries the whole availability: of several pending for a SKU, the last says it all
  // (the stock signal publisher already sends at most one per SKU per interval).
  coalescedEvents: ['inventory.stock_changed'],
  // One reservation service (and so one write batcher) for the routes and the expiry sweeper.
  setup: (ctx) => {
    registerLowStockGauge(ctx);
    return { reservations: createReservationService(ctx, reserveBatching(ctx.config)) };
  },
  routes(app, ctx, { reservations }) {
    registerWarehouseRoutes(app, createWarehouseService(ctx));
    registerStockRoutes(app, createStockService(ctx));
    registerReservationRoutes(app, reservations);
  },
  subscriptions: (ctx) => [productSubscription(ctx, ctx.config.INVENTORY_INITIAL_STOCK)],
  workers: (ctx, { reservations }) => [
    createExpirySweeper(reservations, {
      intervalMs: ctx.config.INVENTORY_SWEEP_INTERVAL_MS,
      batch: ctx.config.INVENTORY_SWEEP_BATCH,
      logger: ctx.logger,
    }),
    createStockSignalPublisher(ctx, {
      intervalMs: ctx.config.INVENTORY_STOCK_SIGNAL_MS,
      steadyMs: ctx.config.INVENTORY_STOCK_STEADY_MS,
      batch: 1000,
    }),
  ],
  seed: seedInventory,
});
