import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { inventoryService } from '../src/service.ts';
import { newId } from '@mercato/platform/ids';
import {
  call,
  eventsFor,
  expectProblem,
  ledgerSums,
  reserve,
  restock,
  sku,
  stockOf,
  warehouse,
  type Body,
  type Svc,
} from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`inventory reservations (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    before(async () => {
      svc = await startTestService(inventoryService, kind);
      await warehouse(svc, 'MAIN', 1, { lowStockThreshold: 3 });
      await warehouse(svc, 'EAST', 2, { lowStockThreshold: 3 });
    });
    after(async () => {
      await svc?.close();
    });

    const lineOf = (r: Body, s: string) => r.lines.find((l: { sku: string }) => l.sku === s);

    test('a line larger than the first warehouse is split by priority and both allocations are reported', async () => {
      const a = sku();
      await restock(svc, a, 'MAIN', 4);
      await restock(svc, a, 'EAST', 10);
      const res = await reserve(svc, [{ sku: a, quantity: 6 }], { reference: 'split-1' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.status, 'held');
      assert.equal(res.headers.location, `/api/v1/inventory/reservations/${res.body.id}`);
      assert.deepEqual(
        lineOf(res.body, a).allocations.map((x: Body) => [x.warehouseCode, x.quantity, x.held]),
        [
          ['MAIN', 4, 4],
          ['EAST', 2, 2],
        ],
      );
      const stock = await stockOf(svc, a);
      assert.equal(stock.available, 8);
      assert.deepEqual(
        stock.warehouses.map((w: Body) => [w.warehouseCode, w.onHand, w.reserved, w.available]),
        [
          ['MAIN', 4, 4, 0],
          ['EAST', 10, 2, 8],
        ],
      );
      const read = await call(svc, 'GET', `/api/v1/inventory/reservations/${res.body.id}`, {
        as: { roles: ['admin'] },
      });
      assert.deepEqual(read.body, res.body);
      const [reserved] = await eventsFor(svc, 'inventory.reserved', res.body.id);
      assert.deepEqual(reserved?.data, {
        reservationId: res.body.id,
        reference: 'split-1',
        expiresAt: res.body.expiresAt,
        lines: [{ sku: a, quantity: 6 }],
        allocations: [
          { sku: a, warehouseCode: 'MAIN', quantity: 4 },
          { sku: a, warehouseCode: 'EAST', quantity: 2 },
        ],
      });
      const changed = await eventsFor(svc, 'inventory.stock_changed', a);
      assert.deepEqual(changed.at(-1)?.data, { sku: a, available: 8, onHand: 14, backorder: false });
    });

    test('a short line makes the whole reservation 409 naming each short SKU, and nothing is held', async () => {
      const a = sku();
      const b = sku();
      const c = sku();
      await restock(svc, a, 'MAIN', 5);
      await restock(svc, b, 'MAIN', 1);
      await restock(svc, b, 'EAST', 1);
      const res = await reserve(svc, [
        { sku: a, quantity: 5 },
        { sku: b, quantity: 3 },
        { sku: c, quantity: 1 },
      ]);
      const problem = expectProblem(res, 409, 'INVENTORY_INSUFFICIENT_STOCK');
      assert.deepEqual(
        problem.errors,
        [
          { path: '/lines/1', message: '2 available, 3 requested', sku: b, available: 2, requested: 3 },
          { path: '/lines/2', message: '0 available, 1 requested', sku: c, available: 0, requested: 1 },
        ].map((e) => ({ ...e, path: `/body${e.path}` })),
      );
      assert.equal((await stockOf(svc, a)).reserved, 0);
      assert.equal((await stockOf(svc, b)).reserved, 0);
    });

    test('a replayed reservation (same Idempotency-Key) answers the same and holds stock once', async () => {
      const a = sku();
      await restock(svc, a, 'MAIN', 10);
      const first = await reserve(svc, [{ sku: a, quantity: 3 }], { key: `k-${a}`, reference: 'r-replay' });
      const again = await reserve(svc, [{ sku: a, quantity: 3 }], { key: `k-${a}`, reference: 'r-replay' });
      assert.equal(first.status, 201);
      assert.equal(again.status, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.body, first.body);
      assert.equal((await stockOf(svc, a)).reserved, 3);
      const listed = await call(svc, 'GET', '/api/v1/inventory/reservations?reference=r-replay', {
        as: { roles: ['admin'] },
      });
      assert.equal(listed.body.totalCount, 1);
      assert.equal(listed.body.items[0].id, first.body.id);
      const other = await reserve(svc, [{ sku: a, quantity: 4 }], { key: `k-${a}`, reference: 'r-replay' });
      expectProblem(other, 422, 'IDEMPOTENCY_KEY_REUSED');
    });

    test('a refused reservation (409 short stock) is replayed with the same answer, even after a restock', async () => {
      const a = sku();
      await restock(svc, a, 'MAIN', 2);
      const key = `short-${a}`;
      const first = await reserve(svc, [{ sku: a, quantity: 3 }], { key, reference: 'r-short' });
      expectProblem(first, 409, 'INVENTORY_INSUFFICIENT_STOCK');
      assert.equal(first.headers['idempotent-replayed'], undefined);
      await restock(svc, a, 'MAIN', 5);
      const again = await reserve(svc, [{ sku: a, quantity: 3 }], { key, reference: 'r-short' });
      expectProblem(again, 409, 'INVENTORY_INSUFFICIENT_STOCK');
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.body, first.body);
      assert.equal((await stockOf(svc, a)).reserved, 0);
      expectProblem(
        await reserve(svc, [{ sku: a, quantity: 1 }], { key, reference: 'r-short' }),
        422,
        'IDEMPOTENCY_KEY_REUSED',
      );
      // A new key is a new try.
      assert.equal((await reserve(svc, [{ sku: a, quantity: 3 }], { reference: 'r-short' })).status, 201);
    });

    test('reservations made together keep their own correlation: each inventory.reserved carries its request’s id', async () => {
      const a = sku();
      await restock(svc, a, 'MAIN', 10);
      const sent = await Promise.all(
        ['corr-batch-1', 'corr-batch-2', 'corr-batch-3'].map((corr) =>
          call(svc, 'POST', '/api/v1/inventory/reservations', {
            body: { reference: corr, lines: [{ sku: a, quantity: 1 }] },
            headers: { 'idempotency-key': newId(), 'x-correlation-id': corr },
          }),
        ),
      );
      for (const res of sent) assert.equal(res.status, 201, JSON.stringify(res.body));
      for (const res of sent) {
        const [event] = await eventsFor(svc, 'inventory.reserved', res.body.id);
        assert.equal(event?.correlationId, res.body.reference);
      }
    });

    test('a replay after the reservation was committed still answers the first answer', async () => {
      const a = sku();
      await restock(svc, a, 'MAIN', 2);
      await restock(svc, a, 'EAST', 5);
      const key = `late-${a}`;
      const first = await reserve(svc, [{ sku: a, quantity: 4 }], { key, reference: 'r-late' });
      assert.equal(first.status, 201);
      assert.equal(first.headers.location, `/api/v1/inventory/reservations/${first.body.id}`);
      assert.equal(
        (await call(svc, 'POST', `/api/v1/inventory/reservations/${first.body.id}/commit`)).status,
        200,
      );
      const again = await reserve(svc, [{ sku: a, quantity: 4 }], { key, reference: 'r-late' });
      assert.equal(again.status, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.headers.location, first.headers.location);
      assert.deepEqual(again.body, first.body);
      const stock = await stockOf(svc, a);
      assert.deepEqual([stock.onHand, stock.reserved], [3, 0]);
    });

    test('commit takes the held stock off on hand, writes commit ledger rows, and a repeat changes nothing', async () => {
      const a = sku();
      await restock(svc, a, 'MAIN', 2);
      await restock(svc, a, 'EAST', 5);
      const r = (await reserve(svc, [{ sku: a, quantity: 4 }])).body;
      const committed = await call(svc, 'POST', `/api/v1/inventory/reservations/${r.id}/commit`);
      assert.equal(committed.status, 200, JSON.stringify(committed.body));
      assert.equal(committed.body.status, 'committed');
      assert.deepEqual(
        lineOf(committed.body, a).allocations.map((x: Body) => [x.warehouseCode, x.held, x.committed]),
        [
          ['MAIN', 0, 2],
          ['EAST', 0, 2],
        ],
      );
      const after1 = await stockOf(svc, a);
      assert.deepEqual([after1.onHand, after1.reserved, after1.available], [3, 0, 3]);
      const again = await call(svc, 'POST', `/api/v1/inventory/reservations/${r.id}/commit`);
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, committed.body);
      assert.deepEqual(await stockOf(svc, a), after1);
      assert.equal((await eventsFor(svc, 'inventory.committed', r.id)).length, 1);
      assert.deepEqual((await eventsFor(svc, 'inventory.committed', r.id))[0]?.data.lines, [
        { sku: a, quantity: 4 },
      ]);
      assert.deepEqual(await ledgerSums(svc, a), { MAIN: 0, EAST: 3 });
      const movements = await call(svc, 'GET', `/api/v1/inventory/movements?reservationId=${r.id}`, {
        as: { roles: ['admin'] },
      });
      assert.deepEqual(movements.body.items.map((m: Body) => [m.kind, m.warehouseCode, m.delta]).sort(), [
        ['commit', 'EAST', -2],
        ['commit', 'MAIN', -2],
      ]);
      expectProblem(
        await call(svc, 'POST', `/api/v1/inventory/reservations/${r.id}/release`, { body: {} }),
        409,
        'INVENTORY_RESERVATION_NOT_HELD',
      );
    });

    test('release gives everything back once; a repeat answers the current state without a second event', async () => {
      const a = sku();
      await restock(svc, a, 'MAIN', 5);
      const r = (await reserve(svc, [{ sku: a, quantity: 5 }])).body;
      assert.equal((await stockOf(svc, a)).available, 0);
      const released = await call(svc, 'POST', `/api/v1/inventory/reservations/${r.id}/release`, {
        body: {},
      });
      assert.equal(released.status, 200, JSON.stringify(released.body));
      assert.equal(released.body.status, 'released');
      assert.equal(released.body.releaseReason, 'cancelled');
      assert.equal((await stockOf(svc, a)).available, 5);
      // Without a body, as the saga's compensation sends it: the same full release, a repeat.
      const again = await call(svc, 'POST', `/api/v1/inventory/reservations/${r.id}/release`);
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, released.body);
      assert.equal((await stockOf(svc, a)).available, 5);
      const events = await eventsFor(svc, 'inventory.released', r.id);
      assert.equal(events.length, 1);
      assert.deepEqual(events[0]?.data, {
        reservationId: r.id,
        reference: r.reference,
        reason: 'cancelled',
        lines: [{ sku: a, quantity: 5 }],
      });
      expectProblem(
        await call(svc, 'POST', `/api/v1/inventory/reservations/${r.id}/commit`),
        409,
        'INVENTORY_RESERVATION_NOT_HELD',
      );
    });

    test('a partial release gives back some quantity of some lines, from the last-choice warehouse first', async () => {
      const a = sku();
      const b = sku();
      await restock(svc, a, 'MAIN', 2);
      await restock(svc, a, 'EAST', 5);
      await restock(svc, b, 'MAIN', 5);
      const r = (
        await reserve(svc, [
          { sku: a, quantity: 4 },
          { sku: b, quantity: 2 },
        ])
      ).body;
      const res = await call(svc, 'POST', `/api/v1/inventory/reservations/${r.id}/release`, {
        body: { lines: [{ sku: a, quantity: 3 }] },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.status, 'held');
      assert.deepEqual(
        lineOf(res.body, a).allocations.map((x: Body) => [x.warehouseCode, x.held, x.released]),
        [
          ['MAIN', 1, 1],
          ['EAST', 0, 2],
        ],
      );
      assert.equal(lineOf(res.body, b).held, 2);
      assert.equal((await stockOf(svc, a)).reserved, 1);
      const [event] = await eventsFor(svc, 'inventory.released', r.id);
      assert.equal(event?.data.reason, 'partial');
      assert.deepEqual(event?.data.lines, [{ sku: a, quantity: 3 }]);
      const tooMuch = await call(svc, 'POST', `/api/v1/inventory/reservations/${r.id}/release`, {
        body: { lines: [{ sku: b, quantity: 3 }] },
      });
      const problem = expectProblem(tooMuch, 409, 'INVENTORY_RELEASE_EXCEEDS_HELD');
      assert.equal(problem.errors[0].held, 2);
      const committed = await call(svc, 'POST', `/api/v1/inventory/reservations/${r.id}/commit`);
      assert.deepEqual(
        committed.body.lines.map((l: Body) => [l.sku, l.committed, l.released]),
        [
          [a, 1, 3],
          [b, 2, 0],
        ],
      );
      assert.equal((await stockOf(svc, a)).onHand, 6);
    });

    test('low_stock fires once per downward crossing of the threshold, and again after a restock', async () => {
      const a = sku();
      await restock(svc, a, 'MAIN', 6); // threshold 3
      for (let i = 0; i < 6; i++) assert.equal((await reserve(svc, [{ sku: a, quantity: 1 }])).status, 201);
      let low = await eventsFor(svc, 'inventory.low_stock', a);
      assert.equal(low.length, 1);
      assert.deepEqual(low[0]?.data, { sku: a, warehouseCode: 'MAIN', available: 3, threshold: 3 });
      // stock_changed is coalesced (only the latest pending per SKU is published): the
      // values seen only ever go down, and the last is the current availability.
      const seen = (await eventsFor(svc, 'inventory.stock_changed', a)).map((e) => e.data.available);
      assert.ok(seen.length >= 1);
      assert.deepEqual(
        seen,
        [...seen].sort((x, y) => y - x),
      );
      assert.equal(new Set(seen).size, seen.length);
      assert.equal(seen.at(-1), 0);
      await restock(svc, a, 'MAIN', 10);
      assert.equal((await reserve(svc, [{ sku: a, quantity: 8 }])).status, 201);
      low = await eventsFor(svc, 'inventory.low_stock', a);
      assert.equal(low.length, 2);
      assert.deepEqual(low[1]?.data, { sku: a, warehouseCode: 'MAIN', available: 2, threshold: 3 });
    });

    test('stock in an inactive warehouse is not allocated', async () => {
      const a = sku();
      await warehouse(svc, `SIDE-${a.slice(-4)}`.toUpperCase(), 0, { active: false });
      await restock(svc, a, `SIDE-${a.slice(-4)}`.toUpperCase(), 100);
      await restock(svc, a, 'EAST', 1);
      const short = expectProblem(
        await reserve(svc, [{ sku: a, quantity: 2 }]),
        409,
        'INVENTORY_INSUFFICIENT_STOCK',
      );
      assert.equal(short.errors[0].available, 1);
      const ok = await reserve(svc, [{ sku: a, quantity: 1 }]);
      assert.deepEqual(
        lineOf(ok.body, a).allocations.map((x: Body) => x.warehouseCode),
        ['EAST'],
      );
    });

    test('bad input is a 400 with paths and holds nothing', async () => {
      const a = sku();
      await restock(svc, a, 'MAIN', 5);
      const bad = await reserve(svc, [{ sku: a, quantity: 0 }]);
      const problem = expectProblem(bad, 400, 'VALIDATION_FAILED');
      assert.ok(
        problem.errors.some((e: Body) => e.path === '/body/lines/0/quantity'),
        JSON.stringify(problem),
      );
      const dup = expectProblem(
        await reserve(svc, [
          { sku: a, quantity: 1 },
          { sku: a, quantity: 1 },
        ]),
        400,
        'VALIDATION_FAILED',
      );
      assert.deepEqual(dup.errors, [{ path: '/body/lines/1/sku', message: `repeats SKU ${a}` }]);
      const noKey = await call(svc, 'POST', '/api/v1/inventory/reservations', {
        body: { reference: 'x', lines: [{ sku: a, quantity: 1 }] },
      });
      expectProblem(noKey, 400, 'IDEMPOTENCY_KEY_INVALID');
      assert.equal((await stockOf(svc, a)).reserved, 0);
    });

    test('reservations need inventory:write and their reads inventory:read; unknown ids are 404', async () => {
      const a = sku();
      const asCustomer = await call(svc, 'POST', '/api/v1/inventory/reservations', {
        body: { reference: 'x', lines: [{ sku: a, quantity: 1 }] },
        headers: { 'idempotency-key': a },
        as: { roles: ['customer'] },
      });
      assert.equal(asCustomer.status, 403);
      assert.equal((await call(svc, 'GET', '/api/v1/inventory/reservations?reference=x')).status, 401);
      const missing = '0190a000-0000-7000-8000-000000000000';
      expectProblem(
        await call(svc, 'GET', `/api/v1/inventory/reservations/${missing}`, { as: { roles: ['support'] } }),
        404,
        'INVENTORY_RESERVATION_NOT_FOUND',
      );
      expectProblem(
        await call(svc, 'POST', `/api/v1/inventory/reservations/${missing}/commit`),
        404,
        'INVENTORY_RESERVATION_NOT_FOUND',
      );
      expectProblem(
        await call(svc, 'POST', `/api/v1/inventory/reservations/${missing}/release`, { body: {} }),
        404,
        'INVENTORY_RESERVATION_NOT_FOUND',
      );
    });
  });
}
