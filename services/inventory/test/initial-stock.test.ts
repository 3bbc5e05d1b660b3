import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { inventoryService } from '../src/service.ts';
import {
  call,
  eventsFor,
  ledgerSums,
  publishCatalogEvent,
  sku,
  stockOf,
  warehouse,
  type Svc,
} from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `inventory initial stock for new SKUs (INVENTORY_INITIAL_STOCK, ${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: Svc;
      before(async () => {
        svc = await startTestService(inventoryService, kind, {
          env: { ...process.env, INVENTORY_INITIAL_STOCK: '7' },
        });
        await warehouse(svc, 'SECOND', 2);
        await warehouse(svc, 'FIRST', 1);
      });
      after(async () => {
        await svc?.close();
      });

      test('a new SKU starts with the initial stock in the first warehouse by priority, in the ledger; a known SKU gets none', async () => {
        const a = sku('INIT');
        const productId = crypto.randomUUID();
        const data = { productId, handle: 'tea', skus: [a], title: 'Tea', status: 'active', version: 1 };
        await publishCatalogEvent(svc, 'product.created', productId, data);
        const stock = await stockOf(svc, a);
        assert.deepEqual(
          stock.warehouses.map((w: { warehouseCode: string; onHand: number }) => [w.warehouseCode, w.onHand]),
          [
            ['FIRST', 7],
            ['SECOND', 0],
          ],
        );
        assert.deepEqual(await ledgerSums(svc, a), { FIRST: 7 });
        const movements = await call(svc, 'GET', `/api/v1/inventory/movements?sku=${a}`, {
          as: { roles: ['admin'] },
        });
        assert.deepEqual(
          movements.body.items.map((m: { kind: string; reason: string; actor: string }) => [
            m.kind,
            m.reason,
            m.actor,
          ]),
          [['restock', 'initial stock', 'system']],
        );
        const changed = await eventsFor(svc, 'inventory.stock_changed', a);
        assert.equal(changed.at(-1)?.data.available, 7);

        // product.updated of the same SKU (a restored product) adds nothing: the SKU is known.
        await publishCatalogEvent(svc, 'product.updated', productId, { ...data, version: 2 });
        assert.equal((await stockOf(svc, a)).onHand, 7);
      });

      test('a seeded catalog of many products becomes stock items a batch at a time, each SKU once with its initial stock', async () => {
        const products = Array.from({ length: 120 }, (_, i) => {
          const productId = crypto.randomUUID();
          const skus = [sku(`BULK${i}A`), sku(`BULK${i}B`)];
          return { productId, handle: `bulk-${i}`, skus, title: `Bulk ${i}`, status: 'active', version: 1 };
        });
        const statementsBefore = svc.queries.length;
        // Delivered together, as a relay publishes a seed's events many in flight.
        await Promise.all(products.map((p) => publishCatalogEvent(svc, 'product.created', p.productId, p)));
        const inserts = svc.queries
          .slice(statementsBefore)
          .filter((q) => /insert into "[^"]+"\."stock_items"/.test(q)).length;
        assert.ok(
          inserts >= 1 && inserts < products.length / 4,
          `${inserts} item inserts for ${products.length} events`,
        );
        for (const p of [products[0]!, products[59]!, products[119]!]) {
          for (const s of p.skus) {
            const stock = await stockOf(svc, s);
            assert.equal(stock.onHand, 7, s);
            assert.equal(stock.active, true, s);
          }
        }
        await svc.flush();
        const changed = svc.published.filter(
          (e) => e.type === 'inventory.stock_changed' && products.some((p) => p.skus.includes(e.subject)),
        );
        assert.equal(new Set(changed.map((e) => e.subject)).size, products.length * 2);
      });
    },
  );
}
