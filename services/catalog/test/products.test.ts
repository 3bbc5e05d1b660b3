import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService, type TestService } from '@mercato/testing';
import type { CatalogDB } from '../src/db.ts';
import { catalogService } from '../src/service.ts';
import { call, eventsFor, expectProblem, productBody } from './support.ts';

const BASE = '/api/v1/products';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`catalog admin API (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: TestService<CatalogDB>;

    before(async () => {
      svc = await startTestService(catalogService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    const create = (handle: string, over: Record<string, unknown> = {}) =>
      call(svc, 'POST', BASE, { body: productBody(handle, over) });
    const patch = (url: string, body: Record<string, unknown>, version?: number) =>
      call(svc, 'PATCH', url, { body, headers: version === undefined ? {} : { 'if-match': `"${version}"` } });

    test('creating a product without variants makes one default variant whose SKU is the handle in upper case', async () => {
      const res = await create('blue-mug', { description: 'A mug', images: [{ url: '/img/mug.svg' }] });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.headers.location, `${BASE}/${res.body.id}`);
      assert.equal(res.headers.etag, '"1"');
      assert.equal(res.body.status, 'active');
      assert.deepEqual(res.body.images, [{ url: '/img/mug.svg', alt: '' }]);
      assert.equal(res.body.variants.length, 1);
      assert.equal(res.body.variants[0].sku, 'BLUE-MUG');
      assert.deepEqual(res.body.price, { amount: 1000, currency: 'EUR' });
      const got = await call(svc, 'GET', `${BASE}/blue-mug`);
      assert.equal(got.status, 200);
      // The store's read is the product with what a shop page renders added.
      const stored = Object.fromEntries(Object.keys(res.body).map((k) => [k, got.body[k]]));
      assert.deepEqual(stored, { ...res.body, variants: stored.variants });
      assert.deepEqual(
        got.body.variants.map(({ availability: _, ...v }: Record<string, unknown>) => v),
        res.body.variants,
      );
      assert.deepEqual((await call(svc, 'GET', `${BASE}/sku/BLUE-MUG`)).body.id, res.body.id);
    });

    test('creating a product publishes product.created once, carrying its SKUs', async () => {
      const res = await create('evt-shirt', {
        variants: [
          { sku: 'EVT-S', options: { size: 'S' }, price: { amount: 1500, currency: 'EUR' } },
          { sku: 'EVT-M', options: { size: 'M' }, price: { amount: 1400, currency: 'EUR' } },
        ],
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual(res.body.price, { amount: 1400, currency: 'EUR' });
      const events = await eventsFor(svc, 'product.created', res.body.id);
      assert.equal(events.length, 1);
      assert.deepEqual(events[0]?.data, {
        productId: res.body.id,
        handle: 'evt-shirt',
        skus: ['EVT-S', 'EVT-M'],
        title: 'Product evt-shirt',
        status: 'active',
        version: 1,
      });
    });

    test('PATCH with the current If-Match updates and bumps the version; a stale one is 412, none is 428', async () => {
      const { body } = await create('patch-me');
      const ok = await patch(
        `${BASE}/${body.id}`,
        { title: 'Patched', attributes: { material: 'steel' } },
        1,
      );
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.headers.etag, '"2"');
      assert.equal(ok.body.title, 'Patched');
      assert.deepEqual(ok.body.attributes, { material: 'steel' });
      expectProblem(await patch(`${BASE}/${body.id}`, { title: 'Stale' }, 1), 412, 'PRECONDITION_FAILED');
      expectProblem(await patch(`${BASE}/${body.id}`, { title: 'Blind' }), 428, 'PRECONDITION_REQUIRED');
      assert.equal((await call(svc, 'GET', `${BASE}/${body.id}`)).body.title, 'Patched');
      assert.equal((await eventsFor(svc, 'product.updated', body.id)).length, 1);
    });

    test('a duplicate handle is 409 CATALOG_HANDLE_TAKEN and a duplicate SKU is 409 CATALOG_SKU_TAKEN', async () => {
      assert.equal((await create('dup-handle')).status, 201);
      expectProblem(await create('dup-handle', { defaultSku: 'OTHER-SKU' }), 409, 'CATALOG_HANDLE_TAKEN');
      expectProblem(await create('dup-sku', { defaultSku: 'DUP-HANDLE' }), 409, 'CATALOG_SKU_TAKEN');
      const { body } = await create('dup-variant');
      const res = await call(svc, 'POST', `${BASE}/${body.id}/variants`, {
        body: { sku: 'DUP-HANDLE', price: { amount: 1, currency: 'EUR' } },
      });
      expectProblem(res, 409, 'CATALOG_SKU_TAKEN');
      assert.equal((await call(svc, 'GET', `${BASE}/dup-sku`)).status, 404);
    });

    test('invalid input is a 400 problem naming the paths', async () => {
      const res = await call(svc, 'POST', BASE, {
        body: { handle: 'Bad Handle', title: '', price: { amount: -1, currency: 'euro' }, colour: 'red' },
      });
      const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
      const paths = (problem.errors as { path: string }[]).map((e) => e.path);
      for (const p of ['/body/handle', '/body/title', '/body/price/amount', '/body/price/currency']) {
        assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
      }
      const noPrice = await call(svc, 'POST', BASE, { body: { handle: 'no-price', title: 'No price' } });
      assert.deepEqual(expectProblem(noPrice, 400, 'CATALOG_PRICE_REQUIRED').errors, [
        { path: '/price', message: 'is required when variants is absent' },
      ]);
    });

    test('archiving hides a product from the store API and publishes product.deactivated; restore makes it a draft', async () => {
      const { body } = await create('to-archive');
      const archived = await call(svc, 'POST', `${BASE}/${body.id}/archive`);
      assert.equal(archived.status, 200, JSON.stringify(archived.body));
      assert.equal(archived.body.status, 'archived');
      expectProblem(await call(svc, 'GET', `${BASE}/to-archive`), 404, 'CATALOG_PRODUCT_NOT_FOUND');
      expectProblem(await call(svc, 'GET', `${BASE}/${body.id}`), 404, 'CATALOG_PRODUCT_NOT_FOUND');
      expectProblem(await call(svc, 'GET', `${BASE}/sku/TO-ARCHIVE`), 404, 'CATALOG_PRODUCT_NOT_FOUND');
      const listed = await call(svc, 'GET', `${BASE}?search=to-archive&pageSize=100`);
      assert.equal(listed.body.items.filter((p: { id: string }) => p.id === body.id).length, 0);
      const [event] = await eventsFor(svc, 'product.deactivated', body.id);
      assert.deepEqual((event?.data as { skus: string[] }).skus, ['TO-ARCHIVE']);
      const restored = await call(svc, 'POST', `${BASE}/${body.id}/restore`, {
        headers: { 'if-match': '"2"' },
      });
      assert.equal(restored.body.status, 'draft');
      assert.equal((await call(svc, 'GET', `${BASE}/to-archive`)).status, 404);
      const activated = await patch(`${BASE}/${body.id}`, { status: 'active' }, 3);
      assert.equal(activated.status, 200);
      assert.equal((await call(svc, 'GET', `${BASE}/to-archive`)).status, 200);
    });

    test('draft products are invisible to the store API', async () => {
      await create('a-draft', { status: 'draft' });
      expectProblem(await call(svc, 'GET', `${BASE}/a-draft`), 404, 'CATALOG_PRODUCT_NOT_FOUND');
    });

    test('a price change publishes price.changed with both prices; other variant edits do not', async () => {
      const { body } = await create('priced');
      const variant = body.variants[0];
      const url = `/api/v1/variants/${variant.id}`;
      const res = await patch(url, { price: { amount: 1250, currency: 'EUR' } }, 1);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.headers.etag, '"2"');
      expectProblem(await patch(url, { barcode: '123' }, 1), 412, 'PRECONDITION_FAILED');
      assert.equal((await patch(url, { barcode: '123' }, 2)).status, 200);
      const events = await eventsFor(svc, 'price.changed', 'PRICED');
      assert.equal(events.length, 1);
      assert.deepEqual(events[0]?.data, {
        productId: body.id,
        sku: 'PRICED',
        oldPrice: { amount: 1000, currency: 'EUR' },
        newPrice: { amount: 1250, currency: 'EUR' },
      });
      assert.deepEqual((await call(svc, 'GET', `${BASE}/priced`)).body.price, {
        amount: 1250,
        currency: 'EUR',
      });
    });

    test('null clears optional fields (description, weight, barcode) instead of becoming 0 or ""', async () => {
      const { body } = await create('clearable', {
        description: 'Heavy',
        variants: [
          { sku: 'CLEAR-1', price: { amount: 500, currency: 'EUR' }, weightGrams: 900, barcode: '42' },
        ],
      });
      const cleared = await patch(`${BASE}/${body.id}`, { description: null }, 1);
      assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
      assert.equal(cleared.body.description, null);
      const variant = await patch(
        `/api/v1/variants/${body.variants[0].id}`,
        { weightGrams: null, barcode: null },
        1,
      );
      assert.equal(variant.status, 200, JSON.stringify(variant.body));
      assert.equal(variant.body.weightGrams, null);
      assert.equal(variant.body.barcode, null);
      const zero = await patch(`/api/v1/variants/${body.variants[0].id}`, { weightGrams: 0 }, 2);
      assert.equal(zero.body.weightGrams, 0);
    });

    test('writes without a token are 401 and with a customer token 403', async () => {
      const anon = await call(svc, 'POST', BASE, { body: productBody('anon'), as: 'anonymous' });
      assert.equal(anon.status, 401);
      const customer = await call(svc, 'POST', BASE, {
        body: productBody('cust'),
        as: { roles: ['customer'] },
      });
      assert.equal(customer.status, 403);
    });
  });
}
