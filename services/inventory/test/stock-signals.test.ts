import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { inventoryService } from '../src/service.ts';
import { publishStockSignals } from '../src/stock/stock-signals.ts';
import { sql } from '@mercato/platform/db';
import { call, eventsFor, reserve, restock, sku, stockOf, warehouse, type Svc } from './support.ts';

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

      test('a SKU whose total passes 2,147,483,647 is parked with its error; the round publishes every other SKU, and the SKU is published again once it fits', async () => {
        await warehouse(svc, 'EAST', 2);
        const prefix = sku('PARK');
        const [first, big, last] = [`${prefix}-A`, `${prefix}-B`, `${prefix}-C`];
        await restock(svc, first, 'MAIN', 1);
        await restock(svc, last, 'MAIN', 2);
        // 4e9 in all, each level within its integer column.
        for (const w of ['MAIN', 'EAST'])
          for (let i = 0; i < 2; i++) await restock(svc, big, w, 1_000_000_000);
        const round = { batch: 100, steadyMs: 0 };
        const changed = async (s: string) => {
          await svc.runtime.relay.drain();
          return svc.published.filter((e) => e.type === 'inventory.stock_changed' && e.subject === s);
        };
        const parked = async () =>
          (
            await sql<{ parked_error: string | null; dirty: boolean }>`
              select parked_error, dirty from ${sql.id(svc.runtime.ctx.database.schema, 'stock_signals')}
              where sku = ${big}`.execute(svc.runtime.ctx.database.db)
          ).rows[0];

        assert.ok((await publishStockSignals(svc.runtime.ctx, round)) >= 2, 'the round went through');
        assert.deepEqual((await changed(first)).at(-1)?.data, {
          sku: first,
          available: 1,
          onHand: 1,
          backorder: false,
        });
        assert.deepEqual((await changed(last)).at(-1)?.data, {
          sku: last,
          available: 2,
          onHand: 2,
          backorder: false,
        });
        assert.equal((await changed(big)).length, 0);
        const flagged = await parked();
        assert.match(flagged?.parked_error ?? '', /out of range/);
        assert.equal(flagged?.dirty, false, 'parked: the next rounds do not trip on it');

        // The next rounds go on for the others; the parked SKU stays parked until it changes.
        await restock(svc, first, 'MAIN', 1);
        await publishStockSignals(svc.runtime.ctx, round);
        assert.equal(((await changed(first)).at(-1)?.data as { available: number }).available, 2);
        assert.equal((await changed(big)).length, 0);

        // Back within range: its next change publishes it and clears the flag.
        await call(svc, 'POST', '/api/v1/inventory/adjustments', {
          body: { sku: big, warehouseCode: 'EAST', kind: 'loss', quantity: 1_000_000_000 },
        });
        await call(svc, 'POST', '/api/v1/inventory/adjustments', {
          body: { sku: big, warehouseCode: 'EAST', kind: 'loss', quantity: 1_000_000_000 },
        });
        await publishStockSignals(svc.runtime.ctx, round);
        assert.deepEqual((await changed(big)).at(-1)?.data, {
          sku: big,
          available: 2_000_000_000,
          onHand: 2_000_000_000,
          backorder: false,
        });
        assert.equal((await parked())?.parked_error, null);
      });
    },
  );
}
