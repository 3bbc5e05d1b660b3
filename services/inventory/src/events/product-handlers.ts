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
  /** What product.created / product.updated events ask for, several at once (same writes as one by one). */
  async function ensureStockItems(
    trx: Transaction<InventoryDB>,
    products: ReadonlyArray<EventData<'product.created' | 'product.updated'>>,
  ): Promise<void> {
    // One row per SKU (the first event naming it says whose it is).
    const items = new Map<string, string>();
    for (const p of products) for (const sku of p.skus) if (!items.has(sku)) items.set(sku, p.productId);
    const skus = [...items.keys()];
    const created = await repo.ensureItems(
      trx,
      skus.map((sku) => ({ sku, productId: items.get(sku) ?? null })),
    );
    await repo.ensureLevelsEverywhere(trx, skus);
    const sellable = products.filter((p) => p.status !== 'archived').flatMap((p) => p.skus);
    await repo.setItemsActive(trx, [...new Set(sellable)], true);
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
    // A seeded or imported catalog announces its products by the thousand: they become stock
    // items a batch at a time (a few statements for many events), not one transaction each.
    batch: 200,
    on: {
      'product.created': (trx, { data }) => ensureStockItems(trx, [data]),
      'product.updated': (trx, { data }) => ensureStockItems(trx, [data]),
      'product.deactivated': async (trx, { data }) => {
        await repo.setItemsActive(trx, data.skus, false);
      },
    },
    onMany: {
      'product.created': (trx, events) =>
        ensureStockItems(
          trx,
          events.map((e) => e.data),
        ),
      'product.updated': (trx, events) =>
        ensureStockItems(
          trx,
          events.map((e) => e.data),
        ),
    },
  };
}
