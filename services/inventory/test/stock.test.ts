import { eventSchemas } from '@mercato/contracts';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Value } from 'typebox/value';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { inventoryService } from '../src/service.ts';
import {
  adjust,
  call,
  eventsFor,
  expectProblem,
  ledgerSums,
  publishCatalogEvent,
  reserve,
  restock,
  sku,
  stockOf,
  warehouse,
  type Body,
  type Svc,
} from './support.ts';

after(closeTestPglite);

const ADMIN_READ = { as: { roles: ['support'] } };

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `inventory stock, adjustments and ledger (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: Svc;
      before(async () => {
        svc = await startTestService(inventoryService, kind);
        await warehouse(svc, 'MAIN', 1, { lowStockThreshold: 2 });
        await warehouse(svc, 'EAST', 2, { lowStockThreshold: 2 });
      });
      after(async () => {
        await svc?.close();
      });

      test('product.created makes zero-stock items in every warehouse; product.deactivated makes them unreservable', async () => {
        const a = sku('VAR');
        const b = sku('VAR');
        const productId = crypto.randomUUID();
        const created = {
          productId,
          handle: 'mug',
          skus: [a, b],
          title: 'Mug',
          status: 'active',
          version: 1,
        };
        const event = await publishCatalogEvent(svc, 'product.created', productId, created);
        const stock = await stockOf(svc, a);
        assert.equal(stock.productId, productId);
        assert.equal(stock.active, true);
        assert.deepEqual(
          stock.warehouses.map((w: Body) => [w.warehouseCode, w.onHand, w.available]),
          [
            ['MAIN', 0, 0],
            ['EAST', 0, 0],
          ],
        );
        // Redelivery is skipped by the inbox; the stock is untouched.
        await restock(svc, a, 'MAIN', 4);
        await svc.bus.publish({ ...event });
        assert.equal((await stockOf(svc, a)).onHand, 4);

        await publishCatalogEvent(svc, 'product.deactivated', productId, {
          productId,
          handle: 'mug',
          skus: [a, b],
          version: 2,
        });
        assert.equal((await stockOf(svc, a)).active, false);
        const res = await reserve(svc, [{ sku: a, quantity: 1 }]);
        assert.equal(expectProblem(res, 409, 'INVENTORY_INSUFFICIENT_STOCK').errors[0].available, 0);
        const availability = await call(svc, 'GET', `/api/v1/inventory/availability?skus=${a},${b}`);
        assert.deepEqual(availability.body.items, [
          { sku: a, available: 4, backorder: false, active: false },
          { sku: b, available: 0, backorder: false, active: false },
        ]);
        // A restored product (product.updated, status draft) can be reserved again.
        await publishCatalogEvent(svc, 'product.updated', productId, {
          ...created,
          status: 'draft',
          version: 3,
        });
        assert.equal((await reserve(svc, [{ sku: a, quantity: 1 }])).status, 201);
      });

      test('restock, count, transfer, damage, loss and commit each write a ledger row, and the ledger sums to on hand', async () => {
        const a = sku();
        const restocked = await adjust(svc, a, 'MAIN', 'restock', 20);
        assert.deepEqual(restocked.level, {
          sku: a,
          warehouseCode: 'MAIN',
          onHand: 20,
          reserved: 0,
          available: 20,
        });
        assert.equal(restocked.movement.kind, 'restock');
        assert.equal(restocked.movement.delta, 20);
        assert.equal(restocked.movement.onHandAfter, 20);
        assert.equal(restocked.movement.actor, '0190a000-0000-7000-8000-00000000ad01');
        const counted = await call(svc, 'POST', '/api/v1/inventory/adjustments', {
          body: {
            sku: a,
            warehouseCode: 'MAIN',
            kind: 'count',
            quantity: 17,
            reason: 'cycle-count',
            note: 'aisle 4',
          },
        });
        assert.equal(counted.status, 201);
        assert.deepEqual(
          [counted.body.movement.delta, counted.body.movement.reason, counted.body.movement.note],
          [-3, 'cycle-count', 'aisle 4'],
        );
        const moved = await call(svc, 'POST', '/api/v1/inventory/transfers', {
          body: { sku: a, fromWarehouseCode: 'MAIN', toWarehouseCode: 'EAST', quantity: 7 },
        });
        assert.equal(moved.status, 201, JSON.stringify(moved.body));
        assert.deepEqual(
          moved.body.movements.map((m: Body) => [
            m.kind,
            m.warehouseCode,
            m.delta,
            m.onHandAfter,
            m.transferId,
          ]),
          [
            ['transfer_out', 'MAIN', -7, 10, moved.body.transferId],
            ['transfer_in', 'EAST', 7, 7, moved.body.transferId],
          ],
        );
        await adjust(svc, a, 'EAST', 'damage', 2);
        await adjust(svc, a, 'MAIN', 'loss', 1);
        const r = (await reserve(svc, [{ sku: a, quantity: 11 }])).body;
        assert.equal((await call(svc, 'POST', `/api/v1/inventory/reservations/${r.id}/commit`)).status, 200);
        const stock = await stockOf(svc, a);
        assert.deepEqual(
          stock.warehouses.map((w: Body) => [w.warehouseCode, w.onHand, w.reserved]),
          [
            ['MAIN', 0, 0],
            ['EAST', 3, 0],
          ],
        );
        assert.deepEqual(await ledgerSums(svc, a), { MAIN: 0, EAST: 3 });
        const kinds = await call(svc, 'GET', `/api/v1/inventory/movements?sku=${a}&pageSize=100`, ADMIN_READ);
        assert.deepEqual(
          kinds.body.items.map((m: Body) => m.kind),
          ['commit', 'commit', 'loss', 'damage', 'transfer_in', 'transfer_out', 'count', 'restock'],
        );
      });

      test('movement history filters by warehouse, kind and time range, and pages', async () => {
        const a = sku();
        const start = new Date().toISOString();
        for (let i = 0; i < 5; i++) await restock(svc, a, 'MAIN', 1);
        await restock(svc, a, 'EAST', 1);
        await adjust(svc, a, 'MAIN', 'damage', 1);
        const q = (query: string) =>
          call(svc, 'GET', `/api/v1/inventory/movements?sku=${a}&${query}`, ADMIN_READ);
        const page2 = await q('warehouseCode=MAIN&kind=restock&pageSize=2&page=2');
        assert.deepEqual([page2.body.totalCount, page2.body.totalPages, page2.body.items.length], [5, 3, 2]);
        assert.equal((await q('kind=damage')).body.totalCount, 1);
        assert.equal((await q('warehouseCode=EAST')).body.totalCount, 1);
        assert.equal((await q(`from=${encodeURIComponent(start)}`)).body.totalCount, 7);
        assert.equal((await q(`to=${encodeURIComponent(start)}`)).body.totalCount, 0);
        expectProblem(await q('kind=stolen'), 400, 'VALIDATION_FAILED');
        assert.equal((await call(svc, 'GET', `/api/v1/inventory/movements?sku=${a}`)).status, 401);
        assert.equal(
          (await call(svc, 'GET', `/api/v1/inventory/movements?sku=${a}`, { as: { roles: ['customer'] } }))
            .status,
          403,
        );
      });

      test('a restock, count or transfer that would take a level past 2,147,483,647 is a 422 INVENTORY_LEVEL_LIMIT, and nothing changes', async () => {
        const a = sku();
        await restock(svc, a, 'MAIN', 1_000_000_000);
        await restock(svc, a, 'MAIN', 1_000_000_000);
        await restock(svc, a, 'EAST', 1_000_000_000);
        await svc.flush();
        const eventsBefore = svc.published.length;
        const ledgerBefore = await ledgerSums(svc, a);
        for (const body of [
          { sku: a, warehouseCode: 'MAIN', kind: 'restock', quantity: 1_000_000_000 },
          { sku: a, warehouseCode: 'MAIN', kind: 'count', quantity: 2_147_483_648 },
        ]) {
          const res = await call(svc, 'POST', '/api/v1/inventory/adjustments', { body });
          // The count's quantity is over the schema's bound: a 400 at the edge.
          if (body.kind === 'count') expectProblem(res, 400, 'VALIDATION_FAILED');
          else expectProblem(res, 422, 'INVENTORY_LEVEL_LIMIT');
        }
        expectProblem(
          await call(svc, 'POST', '/api/v1/inventory/transfers', {
            body: { sku: a, fromWarehouseCode: 'EAST', toWarehouseCode: 'MAIN', quantity: 200_000_000 },
          }),
          422,
          'INVENTORY_LEVEL_LIMIT',
        );
        const stock = await stockOf(svc, a);
        assert.deepEqual(
          stock.warehouses.map((w: Body) => [w.warehouseCode, w.onHand]),
          [
            ['MAIN', 2_000_000_000],
            ['EAST', 1_000_000_000],
          ],
        );
        await svc.flush();
        assert.deepEqual(await ledgerSums(svc, a), ledgerBefore, 'no ledger row');
        assert.equal(svc.published.length, eventsBefore, 'no event');
      });

      test('damage, loss and transfer cannot take reserved or missing stock; a count cannot go below reserved', async () => {
        const a = sku();
        await restock(svc, a, 'MAIN', 5);
        assert.equal((await reserve(svc, [{ sku: a, quantity: 3 }])).status, 201);
        const damage = await call(svc, 'POST', '/api/v1/inventory/adjustments', {
          body: { sku: a, warehouseCode: 'MAIN', kind: 'damage', quantity: 3 },
        });
        const problem = expectProblem(damage, 409, 'INVENTORY_INSUFFICIENT_STOCK');
        assert.deepEqual(
          [problem.errors[0].sku, problem.errors[0].warehouseCode, problem.errors[0].available],
          [a, 'MAIN', 2],
        );
        expectProblem(
          await call(svc, 'POST', '/api/v1/inventory/transfers', {
            body: { sku: a, fromWarehouseCode: 'MAIN', toWarehouseCode: 'EAST', quantity: 3 },
          }),
          409,
          'INVENTORY_INSUFFICIENT_STOCK',
        );
        expectProblem(
          await call(svc, 'POST', '/api/v1/inventory/adjustments', {
            body: { sku: a, warehouseCode: 'MAIN', kind: 'count', quantity: 2 },
          }),
          409,
          'INVENTORY_COUNT_BELOW_RESERVED',
        );
        const stock = await stockOf(svc, a);
        assert.deepEqual([stock.onHand, stock.reserved], [5, 3]);
        assert.deepEqual(await ledgerSums(svc, a), { MAIN: 5 });
        expectProblem(
          await call(svc, 'POST', '/api/v1/inventory/adjustments', {
            body: { sku: sku(), warehouseCode: 'MAIN', kind: 'loss', quantity: 1 },
          }),
          404,
          'INVENTORY_SKU_NOT_FOUND',
        );
        expectProblem(
          await call(svc, 'POST', '/api/v1/inventory/adjustments', {
            body: { sku: a, warehouseCode: 'NOPE', kind: 'restock', quantity: 1 },
          }),
          404,
          'INVENTORY_WAREHOUSE_NOT_FOUND',
        );
        const zero = await call(svc, 'POST', '/api/v1/inventory/adjustments', {
          body: { sku: a, warehouseCode: 'MAIN', kind: 'restock', quantity: 0 },
        });
        assert.deepEqual(expectProblem(zero, 400, 'VALIDATION_FAILED').errors, [
          { path: '/body/quantity', message: 'must be >= 1 for restock' },
        ]);
        const same = await call(svc, 'POST', '/api/v1/inventory/transfers', {
          body: { sku: a, fromWarehouseCode: 'MAIN', toWarehouseCode: 'MAIN', quantity: 1 },
        });
        expectProblem(same, 400, 'VALIDATION_FAILED');
        const writeAsSupport = await call(svc, 'POST', '/api/v1/inventory/adjustments', {
          body: { sku: a, warehouseCode: 'MAIN', kind: 'restock', quantity: 1 },
          as: { roles: ['support'] },
        });
        assert.equal(writeAsSupport.status, 403);
        assert.equal((await stockOf(svc, a)).onHand, 5);
      });

      test('a damage that crosses the threshold downwards raises low_stock; stock_changed carries the new availability', async () => {
        const a = sku();
        await restock(svc, a, 'MAIN', 5); // threshold 2
        await adjust(svc, a, 'MAIN', 'damage', 1);
        assert.equal((await eventsFor(svc, 'inventory.low_stock', a)).length, 0);
        await adjust(svc, a, 'MAIN', 'loss', 2);
        await adjust(svc, a, 'MAIN', 'loss', 1);
        const low = await eventsFor(svc, 'inventory.low_stock', a);
        assert.deepEqual(
          low.map((e) => e.data),
          [{ sku: a, warehouseCode: 'MAIN', available: 2, threshold: 2 }],
        );
        // Coalesced per SKU: some intermediate levels may be skipped, never reordered.
        const seen = (await eventsFor(svc, 'inventory.stock_changed', a)).map((e) => e.data.available);
        assert.deepEqual(
          seen,
          [5, 4, 2, 1].filter((v) => seen.includes(v)),
        );
        assert.equal(seen.at(-1), 1);
      });

      test('adjustments and transfers raise low_stock by the rule reservations use: per row crossing downwards, the SKU threshold first, none in an inactive warehouse', async () => {
        const a = sku();
        const off = `OFF-${a.slice(-4)}`.toUpperCase();
        await warehouse(svc, off, 3, { lowStockThreshold: 2 });
        await restock(svc, a, 'MAIN', 6);
        await restock(svc, a, off, 6);
        const patched = await call(svc, 'PATCH', `/api/v1/inventory/sku/${a}`, {
          body: { lowStockThreshold: 4 },
        });
        assert.equal(patched.status, 200, JSON.stringify(patched.body));
        const closed = await call(svc, 'PATCH', `/api/v1/inventory/warehouses/${off}`, {
          body: { active: false },
        });
        assert.equal(closed.status, 200, JSON.stringify(closed.body));
        await adjust(svc, a, off, 'damage', 5); // 6 → 1, below 4, in an inactive warehouse
        // One change of two rows: MAIN 6 → 2 crosses 4; EAST 0 → 4 rises.
        const moved = await call(svc, 'POST', '/api/v1/inventory/transfers', {
          body: { sku: a, fromWarehouseCode: 'MAIN', toWarehouseCode: 'EAST', quantity: 4 },
        });
        assert.equal(moved.status, 201, JSON.stringify(moved.body));
        await adjust(svc, a, 'MAIN', 'loss', 1); // 2 → 1: already below, no second event
        const low = await eventsFor(svc, 'inventory.low_stock', a);
        assert.deepEqual(
          low.map((e) => e.data),
          [{ sku: a, warehouseCode: 'MAIN', available: 2, threshold: 4 }],
        );
      });

      test('GET /sku/:sku totals active warehouses; PATCH sets backorder and threshold; availability is public', async () => {
        const a = sku();
        const b = sku();
        await restock(svc, a, 'MAIN', 3);
        await restock(svc, a, 'EAST', 4);
        const patched = await call(svc, 'PATCH', `/api/v1/inventory/sku/${a}`, {
          body: { backorder: true, lowStockThreshold: 1 },
        });
        assert.equal(patched.status, 200, JSON.stringify(patched.body));
        assert.deepEqual(
          [
            patched.body.backorder,
            patched.body.lowStockThreshold,
            patched.body.available,
            patched.body.onHand,
          ],
          [true, 1, 7, 7],
        );
        assert.deepEqual(
          patched.body.warehouses.map((w: Body) => w.lowStockThreshold),
          [1, 1],
        );
        const changed = await eventsFor(svc, 'inventory.stock_changed', a);
        assert.deepEqual(changed.at(-1)?.data, { sku: a, available: 7, onHand: 7, backorder: true });
        const reset = await call(svc, 'PATCH', `/api/v1/inventory/sku/${a}`, {
          body: { lowStockThreshold: null },
        });
        assert.equal(reset.body.warehouses[0].lowStockThreshold, 2);
        const post = await call(svc, 'POST', '/api/v1/inventory/availability', {
          body: { skus: [b, a] },
          as: 'anonymous',
        });
        assert.equal(post.status, 200);
        assert.deepEqual(post.body.items, [
          { sku: b, available: 0, backorder: false, active: false },
          { sku: a, available: 7, backorder: true, active: true },
        ]);
        expectProblem(
          await call(svc, 'GET', '/api/v1/inventory/availability?skus=a,,b'),
          400,
          'VALIDATION_FAILED',
        );
        expectProblem(
          await call(svc, 'POST', '/api/v1/inventory/availability', { body: { skus: [] } }),
          400,
          'VALIDATION_FAILED',
        );
        expectProblem(
          await call(svc, 'GET', `/api/v1/inventory/sku/${b}`, ADMIN_READ),
          404,
          'INVENTORY_SKU_NOT_FOUND',
        );
        assert.equal((await call(svc, 'GET', `/api/v1/inventory/sku/${a}`)).status, 401);
      });

      test('every event the service published matches its contract schema', async () => {
        await svc.flush();
        const schemas = new Map(eventSchemas.map((e) => [`${e.type}@${e.version}`, e.schema]));
        const mine = svc.published.filter((e) => e.source === 'inventory');
        assert.ok(mine.length > 10, `${mine.length} events`);
        assert.ok(
          ['inventory.stock_changed', 'inventory.low_stock', 'inventory.reserved'].every((t) =>
            mine.some((e) => e.type === t),
          ),
        );
        for (const e of mine) {
          const schema = schemas.get(`${e.type}@${e.version}`);
          assert.ok(schema, `no contract for ${e.type}`);
          assert.ok(
            Value.Check(schema, e.data),
            `${e.type}: ${JSON.stringify([...Value.Errors(schema, e.data)][0])}`,
          );
          assert.match(e.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
          assert.equal(typeof e.correlationId, 'string');
          assert.ok(!Number.isNaN(Date.parse(e.time)));
        }
        assert.equal(new Set(mine.map((e) => e.id)).size, mine.length, 'event ids are unique');
      });
    },
  );
}
