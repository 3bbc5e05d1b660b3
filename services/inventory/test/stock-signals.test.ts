import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { inventoryService } from '../src/service.ts';
import { publishStockSignals } from '../src/stock/stock-signals.ts';
import { eventsFor, reserve, restock, sku, stockOf, warehouse, type Svc } from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `inventory stock_changed publishing (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: Svc;
      before(async () => {
        svc = await startTestService(inventoryService, kind);
        await warehouse(svc, 'MAIN', 1);
      });
      after(() => svc?.close());

      const changes = (s: string) => eventsFor(svc, 'inventory.stock_changed', s);

      test('many changes of a SKU between two publications give one stock_changed with the availability after the last', async () => {
        const a = sku();
        await restock(svc, a, 'MAIN', 20);
        const before = (await changes(a)).length;
        for (let i = 0; i < 5; i++) assert.equal((await reserve(svc, [{ sku: a, quantity: 2 }])).status, 201);
        const after = await changes(a);
        assert.equal(after.length, before + 1);
        assert.deepEqual(after.at(-1)?.data, { sku: a, available: 10, onHand: 20, backorder: false });
        // Nothing changed since: nothing more goes out.
        assert.equal((await changes(a)).length, before + 1);
      });

      test('with publications racing reservations, the last stock_changed of every SKU is its current availability', async () => {
        const skus = Array.from({ length: 8 }, () => sku('RACE'));
        for (const s of skus) await restock(svc, s, 'MAIN', 100);
        await svc.flush();
        let racing = true;
        const publisher = (async () => {
          while (racing) {
            await publishStockSignals(svc.runtime.ctx, { batch: 3, steadyMs: 0 });
            // PGlite answers in microtasks: let the batches (dispatched from the event loop) run.
            await new Promise((r) => setImmediate(r));
          }
        })();
        await Promise.all(
          Array.from({ length: 80 }, (_, i) =>
            reserve(svc, [{ sku: skus[i % skus.length]!, quantity: 1 + (i % 3) }]),
          ),
        );
        racing = false;
        await publisher;
        await svc.flush();
        for (const s of skus) {
          assert.equal((await changes(s)).at(-1)?.data.available, (await stockOf(svc, s)).available, s);
        }
      });

      test('a change that keeps a SKU sellable waits for the steady interval; becoming unsellable goes out at the next round', async () => {
        const a = sku();
        await restock(svc, a, 'MAIN', 3);
        await svc.flush();
        const round = { batch: 100, steadyMs: 60_000 };
        // What the relay published so far, without the flush of eventsFor (which publishes every mark).
        const published = async () => {
          await svc.runtime.relay.drain();
          return svc.published.filter((e) => e.type === 'inventory.stock_changed' && e.subject === a);
        };
        const base = (await published()).length;
        assert.equal((await reserve(svc, [{ sku: a, quantity: 1 }])).status, 201);
        await publishStockSignals(svc.runtime.ctx, round);
        assert.equal(
          (await published()).length,
          base,
          'still sellable, published less than a steady interval ago',
        );
        assert.equal((await reserve(svc, [{ sku: a, quantity: 2 }])).status, 201);
        await publishStockSignals(svc.runtime.ctx, round);
        const events = await published();
        assert.equal(events.length, base + 1);
        assert.deepEqual(events.at(-1)?.data, { sku: a, available: 0, onHand: 3, backorder: false });
        // Sellable again: a flip, so it goes out at once too.
        await restock(svc, a, 'MAIN', 1);
        await publishStockSignals(svc.runtime.ctx, round);
        assert.deepEqual((await published()).at(-1)?.data, {
          sku: a,
          available: 1,
          onHand: 4,
          backorder: false,
        });
      });
    },
  );
}
