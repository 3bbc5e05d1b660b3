import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { inventoryService } from '../src/service.ts';
import {
  call,
  eventsFor,
  expectProblem,
  reserve,
  restock,
  sku,
  stockOf,
  warehouse,
  type Body,
  type Svc,
} from './support.ts';

after(closeTestPglite);

const READER = { as: { roles: ['support'] } };

for (const kind of ['pglite', 'pg'] as const) {
  describe(`inventory warehouses (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    before(async () => {
      svc = await startTestService(inventoryService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    test('create, read, list in priority order, change with If-Match, and a taken code is 409', async () => {
      const north = await warehouse(svc, 'NORTH', 5, { address: { city: 'Oslo', country: 'NO' } });
      assert.deepEqual(
        [
          north.code,
          north.priority,
          north.active,
          north.lowStockThreshold,
          north.version,
          north.address.city,
        ],
        ['NORTH', 5, true, 5, 1, 'Oslo'],
      );
      await warehouse(svc, 'SOUTH', 2);
      const got = await call(svc, 'GET', '/api/v1/inventory/warehouses/NORTH', READER);
      assert.equal(got.headers.etag, '"1"');
      assert.deepEqual(got.body, north);
      const list = await call(svc, 'GET', '/api/v1/inventory/warehouses', READER);
      assert.deepEqual(
        list.body.items.map((w: Body) => w.code),
        ['SOUTH', 'NORTH'],
      );
      const patched = await call(svc, 'PATCH', '/api/v1/inventory/warehouses/NORTH', {
        body: { priority: 1, name: 'North hub' },
        headers: { 'if-match': '"1"' },
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.deepEqual([patched.body.priority, patched.body.name, patched.body.version], [1, 'North hub', 2]);
      expectProblem(
        await call(svc, 'PATCH', '/api/v1/inventory/warehouses/NORTH', {
          body: { priority: 3 },
          headers: { 'if-match': '"1"' },
        }),
        412,
        'PRECONDITION_FAILED',
      );
      expectProblem(
        await call(svc, 'POST', '/api/v1/inventory/warehouses', { body: { code: 'NORTH', name: 'Again' } }),
        409,
        'INVENTORY_WAREHOUSE_CODE_TAKEN',
      );
      expectProblem(
        await call(svc, 'GET', '/api/v1/inventory/warehouses/WEST', READER),
        404,
        'INVENTORY_WAREHOUSE_NOT_FOUND',
      );
      const bad = await call(svc, 'POST', '/api/v1/inventory/warehouses', {
        body: { code: 'lower case', name: '' },
      });
      const problem = expectProblem(bad, 400, 'VALIDATION_FAILED');
      assert.ok(
        problem.errors.some((e: Body) => e.path === '/body/code'),
        JSON.stringify(problem.errors),
      );
    });

    test('warehouse writes need inventory:write and reads inventory:read', async () => {
      assert.equal((await call(svc, 'GET', '/api/v1/inventory/warehouses')).status, 401);
      assert.equal(
        (await call(svc, 'GET', '/api/v1/inventory/warehouses', { as: { roles: ['customer'] } })).status,
        403,
      );
      const asSupport = await call(svc, 'POST', '/api/v1/inventory/warehouses', {
        body: { code: 'SUP', name: 'S' },
        as: { roles: ['support'] },
      });
      assert.equal(asSupport.status, 403);
      const asSeller = await call(svc, 'POST', '/api/v1/inventory/warehouses', {
        body: { code: 'SELLER1', name: 'Seller shelf' },
        as: { roles: ['seller'] },
      });
      assert.equal(asSeller.status, 201);
    });

    test('a warehouse that never held stock can be deleted; one with history is 409 and can be deactivated', async () => {
      await warehouse(svc, 'TEMP', 9);
      assert.equal((await call(svc, 'DELETE', '/api/v1/inventory/warehouses/TEMP')).status, 204);
      expectProblem(
        await call(svc, 'GET', '/api/v1/inventory/warehouses/TEMP', READER),
        404,
        'INVENTORY_WAREHOUSE_NOT_FOUND',
      );
      expectProblem(
        await call(svc, 'DELETE', '/api/v1/inventory/warehouses/TEMP'),
        404,
        'INVENTORY_WAREHOUSE_NOT_FOUND',
      );

      await warehouse(svc, 'USED', 3);
      const a = sku();
      await restock(svc, a, 'USED', 4);
      expectProblem(
        await call(svc, 'DELETE', '/api/v1/inventory/warehouses/USED'),
        409,
        'INVENTORY_WAREHOUSE_IN_USE',
      );
      const off = await call(svc, 'PATCH', '/api/v1/inventory/warehouses/USED', { body: { active: false } });
      assert.equal(off.body.active, false);
      // Its stock no longer counts as available, and the storefront hears of it.
      const stock = await stockOf(svc, a);
      assert.deepEqual([stock.available, stock.warehouses[0].onHand], [0, 4]);
      const changed = await eventsFor(svc, 'inventory.stock_changed', a);
      assert.deepEqual(changed.at(-1)?.data, { sku: a, available: 0, onHand: 0, backorder: false });
      expectProblem(await reserve(svc, [{ sku: a, quantity: 1 }]), 409, 'INVENTORY_INSUFFICIENT_STOCK');
      await call(svc, 'PATCH', '/api/v1/inventory/warehouses/USED', { body: { active: true } });
      assert.deepEqual((await eventsFor(svc, 'inventory.stock_changed', a)).at(-1)?.data.available, 4);
    });

    test('the seed creates the demo warehouses once, however often it runs', async () => {
      await svc.runtime.seed();
      await svc.runtime.seed();
      const list = await call(svc, 'GET', '/api/v1/inventory/warehouses', READER);
      const codes = list.body.items.map((w: Body) => w.code);
      assert.equal(codes.filter((c: string) => c === 'MAIN').length, 1);
      assert.equal(codes.filter((c: string) => c === 'EAST').length, 1);
      const main = list.body.items.find((w: Body) => w.code === 'MAIN');
      const east = list.body.items.find((w: Body) => w.code === 'EAST');
      assert.ok(main.priority < east.priority);
    });
  });
}
