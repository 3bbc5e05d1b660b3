import type { InventoryStockChangedV1, RatingUpdatedV1 } from '@mercato/contracts';
import { afterCommit } from '@mercato/platform/db';
import type { EventHandlerSpec } from '@mercato/platform/messaging';
import type { CatalogDB } from '../db.ts';
import { signalRepository } from './signal-repository.ts';

/**
 * Keeps inventory's availability and review's ratings beside the products (for the
 * in-stock filter and the rating sort). `invalidate` drops cached reads once a change
 * that shows in them has committed.
 */
export function signalConsumers(invalidate: () => Promise<void>): EventHandlerSpec<CatalogDB>[] {
  return [
    {
      name: 'stock',
      types: ['inventory.stock_changed'],
      // Many readings a second in a busy shop: applied many per transaction.
      batch: 50,
      async handle(trx, event) {
        const data = event.data as InventoryStockChangedV1;
        const result = await signalRepository.putStock(trx, {
          sku: data.sku,
          available: data.available,
          backorder: data.backorder,
          asOf: new Date(event.time),
        });
        // Only a flip between sellable and not changes what a cached read shows.
        if (result?.flipped) afterCommit(trx, () => void invalidate());
      },
    },
    {
      name: 'ratings',
      types: ['rating.updated'],
      batch: 50,
      async handle(trx, event) {
        const data = event.data as RatingUpdatedV1;
        const changed = await signalRepository.putRating(trx, {
          productId: data.productId,
          average: data.average,
          count: data.count,
          asOf: new Date(event.time),
        });
        if (changed) afterCommit(trx, () => void invalidate());
      },
    },
  ];
}
