import type { EventEnvelope, InventoryStockChangedV1, RatingUpdatedV1 } from '@mercato/contracts';
import { afterCommit, type Transaction } from '@mercato/platform/db';
import type { EventHandlerSpec } from '@mercato/platform/messaging';
import type { CatalogDB } from '../db.ts';
import { signalRepository } from './signal-repository.ts';

/**
 * Keeps inventory's availability and review's ratings beside the products (for the
 * in-stock filter and the rating sort). `invalidate` drops cached reads once a change
 * that shows in them has committed.
 */
export function signalConsumers(invalidate: () => Promise<void>): EventHandlerSpec<CatalogDB>[] {
  async function putStock(trx: Transaction<CatalogDB>, events: EventEnvelope[]): Promise<void> {
    const result = await signalRepository.putStock(
      trx,
      events.map((event) => {
        const data = event.data as InventoryStockChangedV1;
        return {
          sku: data.sku,
          available: data.available,
          backorder: data.backorder,
          asOf: new Date(event.time),
        };
      }),
    );
    // Only a flip between sellable and not changes what a cached read shows.
    if (result.flipped) afterCommit(trx, () => void invalidate());
  }

  return [
    {
      name: 'stock',
      types: ['inventory.stock_changed'],
      // Many readings a second in a busy shop: applied many per transaction, in two statements.
      batch: 50,
      handle: (trx, event) => putStock(trx, [event]),
      handleMany: putStock,
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
