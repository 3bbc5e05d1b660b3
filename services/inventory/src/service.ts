import { defineService } from '@mercato/platform/http';
import { inventoryConfig } from './config.ts';
import type { InventoryDB } from './db.ts';
import { InventoryErrors } from './errors.ts';
import { productSubscription } from './events/product-handlers.ts';
import { createExpirySweeper } from './reservations/expiry-sweeper.ts';
import { registerReservationRoutes } from './reservations/reservation-routes.ts';
import { createReservationService } from './reservations/reservation-service.ts';
import { seedInventory } from './seed.ts';
import { registerStockRoutes } from './stock/stock-routes.ts';
import { createStockService } from './stock/stock-service.ts';
import { createStockSignalPublisher } from './stock/stock-signals.ts';
import { registerWarehouseRoutes } from './warehouses/warehouse-routes.ts';
import { createWarehouseService } from './warehouses/warehouse-service.ts';

/** The inventory service: warehouses, stock levels, reservations, the movements ledger (port 8104, schema `inventory`). */
export const inventoryService = defineService<InventoryDB>({
  name: 'inventory',
  schema: 'inventory',
  description:
    'Warehouses, stock per SKU and warehouse, reservations with expiry (all lines or none), and the stock movements ledger',
  errors: InventoryErrors.catalog,
  migrations: new URL('../migrations/', import.meta.url),
  // stock_changed carries the whole availability: of several pending for a SKU, the last says it all
  // (the stock signal publisher already sends at most one per SKU per interval).
  coalescedEvents: ['inventory.stock_changed'],
  routes(app, ctx) {
    registerWarehouseRoutes(app, createWarehouseService(ctx));
    registerStockRoutes(app, createStockService(ctx));
    registerReservationRoutes(app, createReservationService(ctx, inventoryConfig().reserveBatching));
  },
  subscriptions: (ctx) => [productSubscription(ctx, inventoryConfig().initialStock)],
  workers(ctx) {
    const cfg = inventoryConfig();
    return [
      createExpirySweeper(createReservationService(ctx, cfg.reserveBatching), {
        intervalMs: cfg.sweepIntervalMs,
        batch: cfg.sweepBatch,
        logger: ctx.logger,
      }),
      createStockSignalPublisher(ctx, {
        intervalMs: cfg.stockSignalMs,
        steadyMs: cfg.stockSteadyMs,
        batch: 1000,
      }),
    ];
  },
  seed: seedInventory,
});
