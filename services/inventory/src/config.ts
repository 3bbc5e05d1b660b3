import { loadConfig } from '@mercato/platform/config';
import { Type } from 'typebox';

/** The inventory service's own settings (environment). */
export const InventoryConfigSchema = Type.Object({
  INVENTORY_SWEEP_INTERVAL_MS: Type.Integer({ minimum: 50, default: 1000 }),
  INVENTORY_SWEEP_BATCH: Type.Integer({ minimum: 1, maximum: 10_000, default: 200 }),
  INVENTORY_INITIAL_STOCK: Type.Integer({
    minimum: 0,
    maximum: 1_000_000,
    default: 0,
    description:
      'units a new SKU (from product.created) starts with in the first warehouse by priority; 0 = none (the embedded demo uses 25)',
  }),
});

export type InventoryConfig = { sweepIntervalMs: number; sweepBatch: number; initialStock: number };

export function inventoryConfig(env: NodeJS.ProcessEnv = process.env): InventoryConfig {
  const c = loadConfig(InventoryConfigSchema, env);
  return {
    sweepIntervalMs: c.INVENTORY_SWEEP_INTERVAL_MS,
    sweepBatch: c.INVENTORY_SWEEP_BATCH,
    initialStock: c.INVENTORY_INITIAL_STOCK,
  };
}
