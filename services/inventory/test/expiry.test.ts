import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService, waitFor } from '@mercato/testing';
import { type ServiceRuntime } from '@mercato/platform/service';
import type { InventoryDB } from '../src/db.ts';
import { inventoryService } from '../src/service.ts';
import {
  call,
  eventsFor,
  reserve,
  restock,
  sku,
  startReplica,
  stockOf,
  warehouse,
  type Svc,
} from './support.ts';

// Sweep often so a 1 s reservation is released promptly (read when the service starts).
process.env.INVENTORY_SWEEP_INTERVAL_MS = '100';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`inventory reservation expiry (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    let replica: ServiceRuntime<InventoryDB>;
    before(async () => {
      svc = await startTestService(inventoryService, kind);
      // A second runtime on the same schema: two sweepers race for every expired reservation.
      replica = await startReplica(svc, kind);
      await warehouse(svc, 'MAIN', 1);
    });
    after(async () => {
      await replica?.close();
      await svc?.close();
    });

    test('an expired reservation is released exactly once with two sweepers running, and its stock comes back', async () => {
      const a = sku();
      await restock(svc, a, 'MAIN', 10);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await reserve(svc, [{ sku: a, quantity: 2 }], { ttlSeconds: 1 });
        assert.equal(res.status, 201);
        ids.push(res.body.id);
      }
      const more = await reserve(svc, [{ sku: a, quantity: 1 }], { ttlSeconds: 600 });
      assert.equal(more.status, 409, 'all 10 are held');
      assert.equal((await stockOf(svc, a)).available, 0);
      await waitFor(async () => (await stockOf(svc, a)).available === 10, 10_000, 'the sweep');
      await new Promise((r) => setTimeout(r, 300)); // a few more sweeps of both replicas
      for (const id of ids) {
        const events = await eventsFor(svc, 'inventory.released', id);
        assert.equal(events.length, 1, `one released event for ${id}`);
        assert.equal(events[0]?.data.reason, 'expired');
        assert.deepEqual(events[0]?.data.lines, [{ sku: a, quantity: 2 }]);
        const r = await call(svc, 'GET', `/api/v1/inventory/reservations/${id}`, {
          as: { roles: ['admin'] },
        });
        assert.deepEqual(
          [r.body.status, r.body.releaseReason, r.body.lines[0].released],
          ['released', 'expired', 2],
        );
      }
      const stock = await stockOf(svc, a);
      assert.deepEqual([stock.onHand, stock.reserved, stock.available], [10, 0, 10]);
    });

    test('a reservation committed before its expiry is not released by the sweeper', async () => {
      const a = sku();
      await restock(svc, a, 'MAIN', 3);
      const r = (await reserve(svc, [{ sku: a, quantity: 3 }], { ttlSeconds: 1 })).body;
      assert.equal((await call(svc, 'POST', `/api/v1/inventory/reservations/${r.id}/commit`)).status, 200);
      await new Promise((res) => setTimeout(res, 1500));
      assert.equal((await eventsFor(svc, 'inventory.released', r.id)).length, 0);
      const stock = await stockOf(svc, a);
      assert.deepEqual([stock.onHand, stock.reserved], [0, 0]);
    });
  });
}
