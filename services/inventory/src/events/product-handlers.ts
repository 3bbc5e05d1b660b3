import type { ProductChangedV1, ProductDeactivatedV1 } from '@mercato/contracts';
import type { EventHandlerSpec } from '@mercato/platform/messaging';
import type { InventoryDB } from '../db.ts';
import { stockRepository as repo } from '../stock/stock-repository.ts';

/**
 * Catalog's products become stock items: product.created (and product.updated, which
 * announces added variants and restored products) gives every SKU a zero-stock row in each
 * warehouse; product.deactivated makes its SKUs unreservable. Each event is applied once
 * (the kit's inbox) and the writes are idempotent besides.
 */
export function productSubscription(): EventHandlerSpec<InventoryDB> {
  return {
    name: 'catalog-products',
    types: ['product.created', 'product.updated', 'product.deactivated'],
    async handle(trx, event) {
      if (event.type === 'product.deactivated') {
        const data = event.data as ProductDeactivatedV1;
        await repo.setItemsActive(trx, data.skus, false);
        return;
      }
      const data = event.data as ProductChangedV1;
      await repo.ensureItems(trx, data.skus, data.productId);
      await repo.ensureLevelsEverywhere(trx, data.skus);
      if (data.status !== 'archived') await repo.setItemsActive(trx, data.skus, true);
    },
  };
}
