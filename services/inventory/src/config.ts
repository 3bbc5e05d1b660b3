import { Type, type Static } from 'typebox';

/** The inventory service's own settings (environment). */
export const InventoryConfigSchema = Type.Object({
  INVENTORY_SWEEP_INTERVAL_MS: Type.Integer({ minimum: 50, default: 1000 }),
  INVENTORY_SWEEP_BATCH: Type.Integer({ minimum: 1, maximum: 10_000, default: 200 }),
  INVENTORY_RESERVE_BATCH_MAX: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 100,
    description: 'most reservations written in one transaction (group commit)',
  }),
  INVENTORY_RESERVE_BATCHES_IN_FLIGHT: Type.Integer({
    minimum: 1,
    maximum: 32,
    default: 2,
    description:
      'reservation batches (reserve_batch calls) sent at once per process on its pipelined connection (the server runs them one after the other); requests arriving meanwhile wait and go together',
  }),
  INVENTORY_RESERVE_BATCH_HOLD_MS: Type.Integer({
    minimum: 0,
    maximum: 50,
    default: 2,
    description:
      'when no batch runs and fewer requests wait than the last batch held, how long they wait for the rest before going (0 = at once); bounds the latency it adds',
  }),
  INVENTORY_STOCK_SIGNAL_MS: Type.Integer({
    minimum: 10,
    maximum: 60_000,
    default: 500,
    description:
      'how often inventory.stock_changed goes out for changed SKUs: a SKU that became (un)sellable is announced within about this',
  }),
  INVENTORY_STOCK_STEADY_MS: Type.Integer({
    minimum: 0,
    maximum: 3_600_000,
    default: 5000,
    description:
      'a change that keeps a SKU (un)sellable is announced at most once per this, with the availability then',
  }),
  INVENTORY_INITIAL_STOCK: Type.Integer({
    minimum: 0,
    maximum: 1_000_000,
    default: 0,
    description:
      'units a new SKU (from product.created) starts with in the first warehouse by priority; 0 = none (with demo data: 25)',
  }),
});

export type InventoryConfig = Static<typeof InventoryConfigSchema>;

/** How reservations are batched (the write batcher's options) from the settings. */
export function reserveBatching(cfg: InventoryConfig): {
  maxBatch: number;
  maxInFlight: number;
  holdMs: number;
} {
  return {
    maxBatch: cfg.INVENTORY_RESERVE_BATCH_MAX,
    maxInFlight: cfg.INVENTORY_RESERVE_BATCHES_IN_FLIGHT,
    holdMs: cfg.INVENTORY_RESERVE_BATCH_HOLD_MS,
  };
}
