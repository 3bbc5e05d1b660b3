import type { EventData } from '@mercato/contracts';
import type { Transaction } from '@mercato/platform/db';
import type { ServiceContext } from '@mercato/platform/service';
import type { EventSubscription } from '@mercato/platform/messaging';
import type { InventoryDB } from '../db.ts';
import { applyLevelChanges } from '../stock/level-changes.ts';
import { stockRepository as repo } from '../stock/stock-repository.ts';

/**
 * Catalog's products become stock items: product.created (and product.updated, which
 * announces added variants and restored products) gives every SKU a zero-stock row in each
 * warehouse; product.deactivated makes its SKUs unreservable. Each event is applied once
 * (the kit's inbox) and the writes are idempotent besides.
 *
 * With `initialStock` > 0 (INVENTORY_INITIAL_STOCK: the embedded demo, so its catalog can be
 * bought), an SKU this event created is restocked with that many units in the first active
 * warehouse by priority: a ledger row (`restock`, reason `initial stock`, actor `system`)
 * and inventory.stock_changed, like any restock.
 */
export function productSubscription(
  ctx: Pick<ServiceContext<InventoryDB>, 'database' | 'outbox'>,
  initialStock = 0,
): EventSubscription<InventoryDB> {
  async function ensureStockItems(
    trx: Transaction<InventoryDB>,
    data: EventData<'product.created' | 'product.updated'>,
  ): Promise<void> {
    const created = await repo.ensureItems(trx, data.skus, data.productId);
    await repo.ensureLevelsEverywhere(trx, data.skus);
    if (data.status !== 'archived') await repo.setItemsActive(trx, data.skus, true);
    if (initialStock <= 0 || created.length === 0) return;
    const first = await trx
      .selectFrom('warehouses')
      .select('id')
      .where('active', '=', true)
      .orderBy('priority')
      .orderBy('id')
      .executeTakeFirst();
    if (!first) return;
    const movement = { kind: 'restock' as const, actor: 'system', reason: 'initial stock' };
    const applied = await applyLevelChanges(
      trx,
      ctx.database.schema,
      created.map((sku) => ({ sku, warehouseId: first.id, onHandDelta: initialStock, movement })),
    );
    await ctx.outbox.addMany(trx, applied.events);
  }

  return {
    name: 'catalog-products',
    on: {
      'product.created': (trx, { data }) => ensureStockItems(trx, data),
      'product.updated': (trx, { data }) => ensureStockItems(trx, data),
      'product.deactivated': async (trx, { data }) => {
        await repo.setItemsActive(trx, data.skus, false);
      },
    },
  };
}
