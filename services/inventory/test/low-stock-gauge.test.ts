import { closeTestPglite, metricValue, needs, startTestService } from '@mercato/testing';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inventoryService } from '../src/service.ts';
import { adjust, restock, sku, warehouse, type Svc } from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `inventory_low_stock_levels on /metrics (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: Svc;
      before(async () => {
        svc = await startTestService(inventoryService, kind);
        await warehouse(svc, 'MAIN', 1, { lowStockThreshold: 2 });
        await warehouse(svc, 'EAST', 2, { lowStockThreshold: 10 });
      });
      after(async () => {
        await svc?.close();
      });
      const low = (warehouse: string) =>
        metricValue(svc.runtime.app, 'inventory_low_stock_levels', { warehouse });

      test('counts the levels at or below their threshold per warehouse, read at each scrape', async () => {
        const a = sku();
        const b = sku();
        await restock(svc, a, 'MAIN', 5);
        assert.equal(await low('MAIN'), 0);
        await adjust(svc, a, 'MAIN', 'loss', 3); // available 2, threshold 2: at it
        assert.equal(await low('MAIN'), 1);
        await restock(svc, b, 'MAIN', 1);
        await restock(svc, b, 'EAST', 4); // EAST's threshold is 10
        assert.equal(await low('MAIN'), 2);
        assert.equal(await low('EAST'), 1);
        await restock(svc, a, 'MAIN', 10); // back above
        assert.equal(await low('MAIN'), 1);
      });
    },
  );
}
