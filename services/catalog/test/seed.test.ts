import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService, type TestService } from '@mercato/testing';
import type { CatalogDB } from '../src/db.ts';
import { productRepository } from '../src/products/product-repository.ts';
import { productChanged } from '../src/products/product-writes.ts';
import { demoCatalog } from '../src/seed/demo-catalog.ts';
import { loadDemoCatalog } from '../src/seed/demo-seed.ts';
import { catalogService } from '../src/service.ts';
import { call } from './support.ts';

after(closeTestPglite);

const demo = demoCatalog();
const variantCount = demo.products.reduce((n, p) => n + p.variants.length, 0);
const activeCount = demo.products.filter((p) => p.status === 'active').length;

for (const kind of ['pglite', 'pg'] as const) {
  describe(`catalog demo seed (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: TestService<CatalogDB>;
    const timings: Record<string, number> = {};

    const count = async (table: 'products' | 'variants' | 'brands' | 'categories') => {
      const row = await svc.runtime.ctx.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    const created = () => svc.published.filter((e) => e.type === 'product.created').length;

    before(async () => {
      svc = await startTestService(catalogService, kind);
      // A crash after the first batches: the seed must continue with what is missing.
      await loadDemoCatalog(svc.runtime.ctx, { ...demo, products: demo.products.slice(0, 150) });
      let t = Date.now();
      await svc.runtime.seed();
      timings.first = Date.now() - t;
      await svc.flush();
      t = Date.now();
      await svc.runtime.seed();
      timings.second = Date.now() - t;
      await svc.flush();
    });
    after(async () => {
      await svc?.close();
    });

    test('loads exactly the generated catalog once, with one product.created per product', async (t) => {
      t.diagnostic(
        `seed after a partial load: ${timings.first} ms; a run on a loaded catalog: ${timings.second} ms`,
      );
      assert.equal(await count('products'), demo.products.length);
      assert.equal(await count('variants'), variantCount);
      assert.equal(await count('brands'), demo.brands.length);
      assert.equal(await count('categories'), demo.categories.length);
      assert.equal(created(), demo.products.length, 'no product is announced twice');
      const report = await loadDemoCatalog(svc.runtime.ctx);
      assert.deepEqual({ ...report, ms: 0 }, { brands: 0, categories: 0, products: 0, skipped: 0, ms: 0 });
      await svc.flush();
      assert.equal(created(), demo.products.length, 'a run on a loaded catalog writes no events');
    });

    test('the batch write makes the rows and event writeNewProduct would make', async () => {
      const db = svc.runtime.ctx.database.db;
      const sample = demo.products[1];
      assert.ok(sample);
      const row = await db
        .selectFrom('products')
        .select(['id', 'search_terms', 'version'])
        .where('handle', '=', sample.handle)
        .executeTakeFirstOrThrow();
      const brand = demo.brands.find((b) => b.handle === sample.brand);
      const category = demo.categories.find((c) => c.handle === sample.categories[0]);
      assert.equal(row.search_terms, `${brand?.name} ${category?.name}`);
      assert.equal(row.version, 1);
      const [product] = await productRepository.load(db, [row.id]);
      assert.ok(product);
      assert.deepEqual(
        product.variants.map(({ sku, options, price, compareAtPrice, weightGrams, barcode }) => ({
          sku,
          options,
          price,
          compareAtPrice,
          weightGrams,
          barcode,
        })),
        sample.variants.map(({ sku, options, price, compareAtPrice, weightGrams, barcode }) => ({
          sku,
          options,
          price,
          compareAtPrice,
          weightGrams,
          barcode,
        })),
      );
      // the same images, each embedded one stored as media and given by its URL
      assert.deepEqual(
        product.images.map((i) => i.alt),
        sample.images.map((i) => i.alt),
      );
      for (const i of product.images) assert.match(i.url, /^\/api\/v1\/media\//);
      assert.deepEqual(product.attributes, sample.attributes);
      const event = svc.published.find((e) => e.type === 'product.created' && e.subject === row.id);
      assert.deepEqual(event?.data, productChanged(product));
    });

    test('the store lists every active demo product, 20 to a page', async () => {
      const res = await call(svc, 'GET', '/api/v1/products?pageSize=20');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.totalCount, activeCount);
      assert.equal(res.body.items.length, 20);
      assert.ok(res.body.facets.brands.length > 0);
    });

    test('the category tree, product by handle and search work on the demo data', async () => {
      const first = demo.products.find((p) => p.status === 'active');
      assert.ok(first);
      const one = await call(svc, 'GET', `/api/v1/products/${first.handle}`);
      assert.equal(one.status, 200);
      assert.equal(one.body.variants.length, first.variants.length);
      // The demo's embedded SVGs are stored once as media and served by URL.
      assert.match(one.body.images[0].url, /^\/api\/v1\/media\/[0-9a-f-]{36}$/);
      const image = await svc.runtime.app.inject({ method: 'GET', url: one.body.images[0].url });
      assert.equal(image.statusCode, 200);
      assert.match(String(image.headers['content-type']), /^image\/svg\+xml/);
      assert.match(image.body, /^<svg /);

      const apparel = await call(svc, 'GET', '/api/v1/products?category=apparel&pageSize=1');
      assert.equal(
        apparel.body.totalCount,
        demo.products.filter(
          (p) =>
            p.status === 'active' &&
            p.categories.some((c) => demo.categories.find((x) => x.handle === c)?.parent === 'apparel'),
        ).length,
      );

      const mugs = await call(svc, 'GET', '/api/v1/products?search=mug&pageSize=20');
      assert.equal(mugs.status, 200);
      assert.ok(mugs.body.totalCount >= 5, `${mugs.body.totalCount} results for "mug"`);
      const cotton = await call(svc, 'GET', '/api/v1/products?search=organic%20cotton');
      assert.ok(cotton.body.totalCount > 0);
    });
  });
}
