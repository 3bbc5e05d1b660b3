import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  closeTestPglite,
  needs,
  startTestService,
  testEvent,
  waitFor,
  type TestService,
} from '@mercato/testing';
import type { CatalogDB } from '../src/db.ts';
import { catalogService } from '../src/service.ts';
import { ADMIN, call, expectProblem, productBody, type Body } from './support.ts';

const BASE = '/api/v1/products';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `catalog facets, autocomplete, stock and ratings (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: TestService<CatalogDB>;
      const ids: Record<string, string> = {};
      const list = async (query: string): Promise<Body> => {
        const res = await call(svc, 'GET', `${BASE}?${query}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body;
      };
      const handles = (body: Body) => body.items.map((p: { handle: string }) => p.handle).sort();
      const deliver = async (type: string, subject: string, data: unknown, time = new Date()) => {
        await svc.bus.publish(testEvent(type, subject, data, { time: time.toISOString() }));
      };

      before(async () => {
        svc = await startTestService(catalogService, kind);
        const brand = (
          await call(svc, 'POST', '/api/v1/brands', {
            body: { handle: 'northwind', name: 'Northwind Outfitters' },
          })
        ).body;
        await call(svc, 'POST', '/api/v1/categories', { body: { handle: 'rain-gear', name: 'Rain Gear' } });
        const make = async (handle: string, over: Record<string, unknown>) => {
          const res = await call(svc, 'POST', BASE, { body: productBody(handle, over) });
          assert.equal(res.status, 201, JSON.stringify(res.body));
          ids[handle] = res.body.id;
        };
        await make('cotton-tee', {
          title: 'Cotton tee',
          attributes: { material: 'cotton', colour: 'red' },
          price: { amount: 999, currency: 'EUR' },
          brandId: brand.id,
        });
        await make('cotton-hoodie', {
          title: 'Cotton hoodie',
          attributes: { material: 'cotton', colour: 'blue' },
          price: { amount: 4500, currency: 'EUR' },
        });
        await make('wool-scarf', {
          title: 'Wool scarf',
          attributes: { material: 'wool', colour: 'red' },
          price: { amount: 2500, currency: 'EUR' },
        });
        await make('rain-jacket', {
          title: 'Rain jacket',
          attributes: { waterproof: true },
          price: { amount: 12_000, currency: 'EUR' },
        });
        await make('draft-poncho', {
          title: 'Rain poncho',
          status: 'draft',
          price: { amount: 1500, currency: 'EUR' },
        });
      });
      after(async () => {
        await svc?.close();
      });

      test('attribute facets count each value over the filter, and filtering by one yields that count', async () => {
        const all = await list('pageSize=50');
        const facet = (key: string, value: string) =>
          all.facets.attributes.find((a: Body) => a.key === key && a.value === value)?.count;
        assert.equal(facet('material', 'cotton'), 2);
        assert.equal(facet('colour', 'red'), 2);
        assert.equal(facet('waterproof', 'true'), 1);
        assert.deepEqual(handles(await list('attr=material:cotton')), ['cotton-hoodie', 'cotton-tee']);
        // Values of one key are alternatives; different keys must all hold.
        assert.deepEqual(handles(await list('attr=material:cotton&attr=material:wool&attr=colour:red')), [
          'cotton-tee',
          'wool-scarf',
        ]);
        const filtered = await list('attr=colour:red');
        assert.equal(filtered.totalCount, 2);
        assert.equal(
          filtered.facets.attributes.find((a: Body) => a.key === 'material' && a.value === 'wool')?.count,
          1,
        );
      });

      test('price buckets count by the lowest price, and each bucket range selects exactly its count', async () => {
        const { facets } = await list('pageSize=50');
        assert.deepEqual(
          facets.prices.map((b: Body) => [b.minPrice, b.maxPrice, b.count]),
          // prices 9.99 to 120.00: a width of 25.00 makes about five buckets over that range
          [
            [0, 2499, 1],
            [2500, 4999, 2],
            [10_000, 12_499, 1],
          ],
        );
        for (const b of facets.prices) {
          const range = await list(`minPrice=${b.minPrice}&maxPrice=${b.maxPrice}`);
          assert.equal(range.totalCount, b.count);
        }
      });

      test('autocomplete suggests active products by prefix and brands and categories by a word start', async () => {
        const res = await call(svc, 'GET', '/api/v1/search/autocomplete?q=rai');
        assert.equal(res.status, 200);
        assert.deepEqual(
          res.body.products.map((p: Body) => p.handle),
          ['rain-jacket'],
        );
        assert.deepEqual(
          res.body.categories.map((c: Body) => c.handle),
          ['rain-gear'],
        );
        const brands = (await call(svc, 'GET', '/api/v1/search/autocomplete?q=outf')).body.brands;
        assert.deepEqual(
          brands.map((b: Body) => b.handle),
          ['northwind'],
        );
        const none = await call(svc, 'GET', '/api/v1/search/autocomplete?q=%2B%2B');
        assert.deepEqual(none.body, { products: [], categories: [], brands: [] });
        expectProblem(await call(svc, 'GET', '/api/v1/search/autocomplete'), 400, 'VALIDATION_FAILED');
      });

      test('inventory.stock_changed feeds the in-stock filter; backorder counts as sellable; a late older reading is ignored', async () => {
        const t0 = new Date();
        await deliver(
          'inventory.stock_changed',
          'COTTON-TEE',
          { sku: 'COTTON-TEE', available: 5, onHand: 5, backorder: false },
          t0,
        );
        await deliver(
          'inventory.stock_changed',
          'WOOL-SCARF',
          { sku: 'WOOL-SCARF', available: 0, onHand: 0, backorder: true },
          t0,
        );
        await deliver(
          'inventory.stock_changed',
          'RAIN-JACKET',
          { sku: 'RAIN-JACKET', available: 0, onHand: 3, backorder: false },
          t0,
        );
        await waitFor(async () => (await list('inStock=true')).totalCount === 2, 5000, 'stock applied');
        assert.deepEqual(handles(await list('inStock=true')), ['cotton-tee', 'wool-scarf']);
        assert.deepEqual(handles(await list('inStock=false')), ['cotton-hoodie', 'rain-jacket']);

        await deliver(
          'inventory.stock_changed',
          'COTTON-TEE',
          { sku: 'COTTON-TEE', available: 0, onHand: 0, backorder: false },
          new Date(t0.getTime() + 1000),
        );
        await waitFor(async () => (await list('inStock=true')).totalCount === 1, 5000, 'sold out applied');
        // An older reading delivered late (a retry) does not bring the stock back.
        await deliver(
          'inventory.stock_changed',
          'COTTON-TEE',
          { sku: 'COTTON-TEE', available: 9, onHand: 9, backorder: false },
          new Date(t0.getTime() + 500),
        );
        // The in-process bus's publish returns once the handler ran; flush runs what it left.
        await svc.flush();
        assert.deepEqual(handles(await list('inStock=true')), ['wool-scarf']);
      });

      test('rating.updated feeds the rating sort, best first', async () => {
        await deliver('rating.updated', ids['wool-scarf']!, {
          productId: ids['wool-scarf'],
          average: 4.5,
          count: 10,
        });
        await deliver('rating.updated', ids['rain-jacket']!, {
          productId: ids['rain-jacket'],
          average: 4.8,
          count: 3,
        });
        await deliver('rating.updated', ids['cotton-tee']!, {
          productId: ids['cotton-tee'],
          average: 4.5,
          count: 2,
        });
        await waitFor(
          async () => (await list('sortBy=rating')).items[0].handle === 'rain-jacket',
          5000,
          'ratings applied',
        );
        const order = (await list('sortBy=rating')).items.map((p: Body) => p.handle);
        assert.deepEqual(order, ['rain-jacket', 'wool-scarf', 'cotton-tee', 'cotton-hoodie']);
      });

      test('editors read drafts and archived products by status; the public gets 401, a customer 403', async () => {
        const drafts = await call(svc, 'GET', `${BASE}?status=draft`, { as: ADMIN });
        assert.equal(drafts.status, 200);
        assert.deepEqual(
          drafts.body.items.map((p: Body) => p.handle),
          ['draft-poncho'],
        );
        assert.equal(drafts.headers['cache-control'], 'private, no-store');
        const one = await call(svc, 'GET', `${BASE}/draft-poncho?status=any`, { as: ADMIN });
        assert.equal(one.status, 200);
        assert.equal(one.body.status, 'draft');
        assert.equal(one.headers.etag, `"${one.body.version}"`);
        expectProblem(await call(svc, 'GET', `${BASE}/draft-poncho`), 404, 'CATALOG_PRODUCT_NOT_FOUND');
        expectProblem(await call(svc, 'GET', `${BASE}?status=draft`), 401, 'UNAUTHORIZED');
        expectProblem(
          await call(svc, 'GET', `${BASE}/draft-poncho?status=any`, { as: { roles: ['customer'] } }),
          403,
          'FORBIDDEN',
        );
        expectProblem(await call(svc, 'GET', `${BASE}?status=gone`), 400, 'VALIDATION_FAILED');
      });
    },
  );
}
