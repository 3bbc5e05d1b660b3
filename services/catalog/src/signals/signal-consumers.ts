import type { TypedEvent } from '@mercato/contracts';
import { afterCommit, type Transaction } from '@mercato/platform/db';
import type { EventSubscription } from '@mercato/platform/messaging';
import type { CatalogDB } from '../db.ts';
import { availabilityOf, type Stock, type StockDisplay } from '../products/product-detail.ts';
import { signalRepository } from './signal-repository.ts';

/**
 * Keeps inventory's availability and review's ratings beside the products (for the
 * in-stock filter and the rating sort). `invalidate` drops cached reads once a change
 * that shows in them has committed.
 */
export function signalConsumers(
  invalidate: () => Promise<void>,
  view: { display: StockDisplay; lowStock: number },
): EventSubscription<CatalogDB>[] {
  // What reads show of a SKU's stock: a change of it drops cached reads.
  const shown = (x: Stock | undefined) => JSON.stringify(availabilityOf(x, view.display, view.lowStock));
  async function putStock(
    trx: Transaction<CatalogDB>,
    events: Array<TypedEvent<'inventory.stock_changed'>>,
  ): Promise<void> {
    const result = await signalRepository.putStock(
      trx,
      events.map(({ data, time }) => ({
        sku: data.sku,
        available: data.available,
        backorder: data.backorder,
        asOf: new Date(time),
      })),
      shown,
    );
    // Only a change of what reads show (sellable, level, the exact quantity) matters to cached reads.
    if (result.flipped) afterCommit(trx, () => void invalidate());
  }

  return [
    {
      name: 'stock',
      // Many readings a second in a busy shop: applied many per transaction, in two statements.
      batch: 50,
      on: { 'inventory.stock_changed': (trx, event) => putStock(trx, [event]) },
      onMany: { 'inventory.stock_changed': putStock },
    },
    {
      name: 'ratings',
      batch: 50,
      on: {
        async 'rating.updated'(trx, { data, time }) {
          const changed = await signalRepository.putRating(trx, {
            productId: data.productId,
            average: data.average,
            count: data.count,
            asOf: new Date(time),
          });
          if (changed) afterCommit(trx, () => void invalidate());
        },
      },
    },
  ];
}
