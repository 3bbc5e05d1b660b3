import type { ServiceContext } from '@mercato/platform/service';
import type { InventoryDB } from '../db.ts';
import { stockRepository } from './stock-repository.ts';

/**
 * `inventory_low_stock_levels{warehouse}`: stock levels at or below their low-stock threshold
 * in each active warehouse, counted when /metrics is scraped (the MercatoLowStock alert,
 * deploy/prometheus/alerts.yaml). Warehouses with none are not listed.
 */
export function registerLowStockGauge(ctx: Pick<ServiceContext<InventoryDB>, 'metrics' | 'database'>): void {
  ctx.metrics.observedGauge({
    name: 'inventory_low_stock_levels',
    help: 'Stock levels at or below their low-stock threshold, per active warehouse',
    labelNames: ['warehouse'],
    read: async () =>
      (await stockRepository.lowStockCounts(ctx.database.db, ctx.database.schema)).map((r) => ({
        labels: { warehouse: r.warehouse },
        value: r.n,
      })),
  });
}
