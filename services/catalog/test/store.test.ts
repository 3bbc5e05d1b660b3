import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService, type TestService } from '@mercato/testing';
import type { CatalogDB } from '../src/db.ts';
import { catalogService } from '../src/service.ts';
import { call, expectProblem, productBody, type Body } from './support.ts';

const BASE = '/api/v1/products';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`catalog store listing and search (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: TestService<CatalogDB>;
    const ids: Record<string, string> = {};

    const post = async (url: string, body: Record<string, unknown>): Promise<Body> => {
      const res = await call(svc, 'POST', url, { body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body;
    };
    const list = async (query: string) => {
      const res = await call(svc, 'GET', `${BASE}?${query}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    const handles = (body: Body) => body.items.map((p: { handle: string }) => p.handle);

    // A small tree: apparel > shoes > running; apparel > hats; kitchen. Two brands.
    before(async () => {
      svc = await startTestService(catalogService, kind);
      const apparel = await post('/api/v1/categories', { handle: 'apparel', name: 'Apparel' });
      const shoes = await post('/api/v1/categories', {
        handle: 'shoes',
        name: 'Shoes',
        parentId: apparel.id,
      });
      const running = await post('/api/v1/categories', {
        handle: 'running',
        name: 'Running',
        parentId: shoes.id,
      });
      const hats = await post('/api/v1/categories', { handle: 'hats', name: 'Hats', parentId: apparel.id });
      const kitchen = await post('/api/v1/categories', { handle: 'kitchen', name: 'Kitchen' });
      const acme = await post('/api/v1/brands', { handle: 'acme', name: 'Acme' });
      const zenith = await post('/api/v1/brands', { handle: 'zenith', name: 'Zenith' });
      const make = async (handle: string, over: Record<string, unknown>) => {
        ids[handle] = (await post(BASE, productBody(handle, over))).id;
      };
      await make('trail-runner', {
        title: 'Trail runner sneakers',
        description: 'Grippy soles',
        categoryIds: [running.id],
        brandId: acme.id,
        price: { amount: 5000, currency: 'EUR' },
      });
      await make('city-shoe', {
        title: 'City shoe',
        description: 'Pairs well with sneakers and suits',
        categoryIds: [shoes.id],
        brandId: zenith.id,
        price: { amount: 3000, currency: 'EUR' },
      });
      await make('sun-hat', {
        title: 'Sun hat',
        categoryIds: [hats.id],
        brandId: acme.id,
        price: { amount: 1000, currency: 'EUR' },
      });
      await make('frying-pan', {
        title: 'Frying pan',
        categoryIds: [kitchen.id],
        price: { amount: 2999, currency: 'EUR' },
      });
      await make('draft-boot', { title: 'Draft sneakers', status: 'draft', categoryIds: [running.id] });
    });
    after(async () => {
      await svc?.close();
    });

    test('a title match ranks above a description match', async () => {
      const body = await list('search=sneakers');
      assert.deepEqual(handles(body), ['trail-runner', 'city-shoe']);
    });

    test('the last search word matches as a prefix (type-ahead) and brand names are searchable', async () => {
      assert.deepEqual(handles(await list('search=trail%20sneak')), ['trail-runner']);
      assert.deepEqual(handles(await list('search=zenith')), ['city-shoe']);
      assert.equal((await list('search=%2B%2B%2B')).totalCount, 0);
    });

    test('a category filter includes its whole subtree, by handle or id', async () => {
      const apparel = await list('category=apparel&sortBy=price');
      assert.deepEqual(handles(apparel), ['sun-hat', 'city-shoe', 'trail-runner']);
      assert.deepEqual(handles(await list('category=shoes&sortBy=price')), ['city-shoe', 'trail-runner']);
      assert.deepEqual(handles(await list('category=running')), ['trail-runner']);
      assert.deepEqual(handles(await list('category=hats&category=running&sortBy=price')), [
        'sun-hat',
        'trail-runner',
      ]);
    });

    test('a brand or category that does not exist is a 400 naming each', async () => {
      const res = await call(svc, 'GET', `${BASE}?category=no-such-category&brand=acme&brand=nobody`);
      const problem = expectProblem(res, 400, 'CATALOG_UNKNOWN_FILTER');
      assert.deepEqual(problem.errors, [
        { path: '/brand', message: 'no brand nobody' },
        { path: '/category', message: 'no category no-such-category' },
      ]);
    });

    test('the brand filter takes a handle or an id', async () => {
      assert.deepEqual(handles(await list('brand=acme&sortBy=price')), ['sun-hat', 'trail-runner']);
      const acmeId = (await list('brand=acme')).facets.brands[0].id;
      assert.equal((await list(`brand=${acmeId}`)).totalCount, 2);
    });

    test('price bounds are inclusive and apply to the lowest variant price', async () => {
      assert.deepEqual(handles(await list('minPrice=2999&maxPrice=5000&sortBy=price')), [
        'frying-pan',
        'city-shoe',
        'trail-runner',
      ]);
      assert.deepEqual(handles(await list('minPrice=3000&maxPrice=3000')), ['city-shoe']);
      assert.deepEqual(handles(await list('minPrice=3001&maxPrice=4999')), []);
      assert.deepEqual(handles(await list('maxPrice=1000')), ['sun-hat']);
      assert.deepEqual(handles(await list('sortBy=price&sortOrder=desc&pageSize=2')), [
        'trail-runner',
        'city-shoe',
      ]);
    });

    test('pagination reports totals across pages and pages do not overlap', async () => {
      const first = await list('pageSize=3&page=1&sortBy=newest');
      const second = await list('pageSize=3&page=2&sortBy=newest');
      assert.equal(first.totalCount, 4);
      assert.equal(first.totalPages, 2);
      assert.equal(first.items.length, 3);
      assert.equal(second.items.length, 1);
      assert.deepEqual(
        [...handles(first), ...handles(second)],
        ['frying-pan', 'sun-hat', 'city-shoe', 'trail-runner'],
      );
    });

    test('facets: categories roll up their subtree, a facet leaves its own filter out, others apply', async () => {
      const body = await list('category=apparel&pageSize=1');
      const counts = (facets: { handle: string; count: number }[]) =>
        Object.fromEntries(facets.map((f) => [f.handle, f.count]));
      assert.equal(body.items.length, 1);
      assert.deepEqual(counts(body.facets.brands), { acme: 2, zenith: 1 });
      // Every category still counts (choosing another is an alternative), each with its subtree.
      assert.deepEqual(counts(body.facets.categories), {
        apparel: 3,
        shoes: 2,
        running: 1,
        hats: 1,
        kitchen: 1,
      });
      const total = body.facets.brands.reduce((n: number, f: { count: number }) => n + f.count, 0);
      assert.equal(total, body.totalCount);
      // A brand chosen: the other brands keep their counts; the categories count that brand's products.
      const acme = await list('brand=acme');
      assert.deepEqual(counts(acme.facets.brands), { acme: 2, zenith: 1 });
      assert.deepEqual(counts(acme.facets.categories), { apparel: 2, shoes: 1, running: 1, hats: 1 });
      for (const f of acme.facets.categories) {
        assert.equal((await list(`brand=acme&category=${f.handle}`)).totalCount, f.count, f.handle);
      }
    });

    test('drafts are never listed', async () => {
      assert.ok(!handles(await list('pageSize=100')).includes('draft-boot'));
      assert.equal((await call(svc, 'GET', `${BASE}/${ids['draft-boot']}`)).status, 404);
    });

    test('an invalid listing query is a 400 with paths', async () => {
      const res = await call(svc, 'GET', `${BASE}?minPrice=-1&sortBy=rating`);
      assert.equal(res.status, 400);
      const paths = (res.body.errors as { path: string }[]).map((e) => e.path);
      assert.ok(
        paths.some((p) => p.startsWith('/querystring/')),
        paths.join(', '),
      );
    });
  });
}
