import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  closeTestPglite,
  manualClock,
  metricValue,
  needs,
  startTestService,
  type ManualClock,
} from '@mercato/testing';
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

// Both replicas also sweep on their own timers, racing the rounds the tests run (read at start).
process.env.INVENTORY_SWEEP_INTERVAL_MS = '50';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`inventory reservation expiry (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    let replica: ServiceRuntime<InventoryDB>;
    // Expiry is decided on the services' clock: the tests move it instead of waiting.
    let clock: ManualClock;
    /** A sweep round of both replicas at once, then their events delivered. */
    const sweepBoth = () => Promise.all([svc.flush(), replica.flush()]);
    before(async () => {
      clock = manualClock();
      svc = await startTestService(inventoryService, kind, { now: clock.now });
      // A second runtime on the same schema: two sweepers race for every expired reservation.
      replica = await startReplica(svc, kind, { now: clock.now });
      await warehouse(svc, 'MAIN', 1);
    });
    after(async () => {
      await replica?.close();
      await svc?.close();
    });

    test('an expired reservation is released exactly once with two sweepers running, and its stock comes back', async () => {
      const a = sku();
      await restock(svc, a, 'MAIN', 10);
      // reservations_total on /metrics; the expired ones are counted by whichever replica swept them.
      const counts = async () => ({
        held: await metricValue(svc.runtime.app, 'reservations_total', { outcome: 'held' }),
        refused: await metricValue(svc.runtime.app, 'reservations_total', { outcome: 'refused' }),
        expired:
          (await metricValue(svc.runtime.app, 'reservations_total', { outcome: 'expired' })) +
          (await metricValue(replica.app, 'reservations_total', { outcome: 'expired' })),
      });
      const before = await counts();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await reserve(svc, [{ sku: a, quantity: 2 }], { ttlSeconds: 60 });
        assert.equal(res.status, 201);
        ids.push(res.body.id);
      }
      const more = await reserve(svc, [{ sku: a, quantity: 1 }], { ttlSeconds: 600 });
      assert.equal(more.status, 409, 'all 10 are held');
      assert.equal((await stockOf(svc, a)).available, 0);
      clock.advance(59_999);
      await sweepBoth();
      assert.equal((await stockOf(svc, a)).available, 0, 'still held 1 ms before expiry');
      clock.advance(1);
      await sweepBoth();
      assert.equal((await stockOf(svc, a)).available, 10, 'released at expiry');
      await sweepBoth(); // more rounds of both find nothing more to release
      for (const id of ids) {
        const events = await eventsFor(svc, 'inventory.released', id);
        // One release, one event id. The bus is at least once: two relays sharing PGlite's one
        // session (its advisory lock is re-entrant) may both publish it; consumers dedupe by id.
        assert.equal(new Set(events.map((e) => e.id)).size, 1, `one released event for ${id}`);
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
      const now = await counts();
      assert.deepEqual(
        [now.held - before.held, now.refused - before.refused, now.expired - before.expired],
        [5, 1, 5],
      );
    });

    test('a reservation committed before its expiry is not released by the sweeper', async () => {
      const a = sku();
      await restock(svc, a, 'MAIN', 3);
      const r = (await reserve(svc, [{ sku: a, quantity: 3 }], { ttlSeconds: 1 })).body;
      assert.equal((await call(svc, 'POST', `/api/v1/inventory/reservations/${r.id}/commit`)).status, 200);
      clock.advance(60_000);
      await sweepBoth();
      assert.equal((await eventsFor(svc, 'inventory.released', r.id)).length, 0);
      const stock = await stockOf(svc, a);
      assert.deepEqual([stock.onHand, stock.reserved], [0, 0]);
    });
  });
}
