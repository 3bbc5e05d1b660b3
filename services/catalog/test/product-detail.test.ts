import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService, testEvent, type TestService } from '@mercato/testing';
import type { CatalogDB } from '../src/db.ts';
import { catalogService } from '../src/service.ts';
import { ADMIN, call, type Body } from './support.ts';

after(closeTestPglite);

const usd = (amount: number) => ({ amount, currency: 'USD' });

for (const kind of ['pglite', 'pg'] as const) {
  describe(`catalog product detail reads (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: TestService<CatalogDB>;
    let exact: TestService<CatalogDB>;

    const stock = (s: TestService<CatalogDB>, sku: string, available: number, backorder = false) =>
      s.bus.publish(
        testEvent(
          'inventory.stock_changed',
          sku,
          { sku, available, onHand: available, backorder },
          {
            time: new Date().toISOString(),
          },
        ),
      );
    const read = async (s: TestService<CatalogDB>, path: string): Promise<Body> => {
      const res = await call(s, 'GET', `/api/v1/products/${path}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };

    async function seedInto(s: TestService<CatalogDB>): Promise<void> {
      const post = async (url: string, body: Record<string, unknown>) => {
        const res = await call(s, 'POST', url, { body });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return res.body;
      };
      const apparel = await post('/api/v1/categories', { handle: 'apparel', name: 'Apparel' });
      const tops = await post('/api/v1/categories', { handle: 'tops', name: 'Tops', parentId: apparel.id });
      const tees = await post('/api/v1/categories', { handle: 'tees', name: 'Tees', parentId: tops.id });
      const brand = await post('/api/v1/brands', { handle: 'acme', name: 'Acme' });
      const variant = (sku: string, size: string, colour: string, amount: number, compareAt?: number) => ({
        sku,
        options: { size, colour },
        price: usd(amount),
        ...(compareAt && { compareAtPrice: usd(compareAt) }),
      });
      const tee = await post('/api/v1/products', {
        handle: 'basic-tee',
        title: 'Basic tee',
        description: 'A plain tee. '.repeat(30),
        status: 'active',
        brandId: brand.id,
        categoryIds: [apparel.id, tees.id],
        variants: [
          variant('TEE-S-RED', 'S', 'Red', 1500),
          variant('TEE-M-RED', 'M', 'Red', 1500, 2000),
          variant('TEE-L-RED', 'L', 'Red', 1700, 2500),
          variant('TEE-M-BLUE', 'M', 'Blue', 1600),
        ],
      });
      assert.ok(tee.id);
      await stock(s, 'TEE-S-RED', 40);
      await stock(s, 'TEE-M-RED', 3);
      await stock(s, 'TEE-L-RED', 0, true);
      await s.flush();
    }

    before(async () => {
      svc = await startTestService(catalogService, kind);
      exact = await startTestService(catalogService, kind, { env: { CATALOG_STOCK_DISPLAY: 'exact' } });
      await seedInto(svc);
      await seedInto(exact);
    });
    after(async () => {
      await svc?.close();
      await exact?.close();
    });

    test('one read renders a shop page: brand, breadcrumbs, options with the variant of each combination, price ranges', async () => {
      const p = await read(svc, 'basic-tee');
      assert.deepEqual(p.brand, { id: p.brandId, handle: 'acme', name: 'Acme' });
      assert.deepEqual(
        p.breadcrumbs.map((c: Body) => c.handle),
        ['apparel', 'tops', 'tees'],
        'from the root to the deepest category',
      );
      assert.deepEqual(p.options, [
        { name: 'size', values: ['S', 'M', 'L'] },
        { name: 'colour', values: ['Red', 'Blue'] },
      ]);
      const bySku = Object.fromEntries(p.variants.map((v: Body) => [v.sku, v.id]));
      assert.deepEqual(p.variantByOptions, {
        'S / Red': bySku['TEE-S-RED'],
        'M / Red': bySku['TEE-M-RED'],
        'L / Red': bySku['TEE-L-RED'],
        'M / Blue': bySku['TEE-M-BLUE'],
      });
      assert.deepEqual(p.priceRange, { min: usd(1500), max: usd(1700) });
      assert.deepEqual(p.compareAtPriceRange, { min: usd(2000), max: usd(2500) });
      assert.deepEqual(p.rating, { average: 0, count: 0 });
    });

    test('availability per variant from inventory: bucketed levels by default, exact quantities by setting', async () => {
      const levels = (p: Body) => Object.fromEntries(p.variants.map((v: Body) => [v.sku, v.availability]));
      const bucketed = await read(svc, 'basic-tee');
      assert.equal(bucketed.availableForSale, true);
      assert.deepEqual(levels(bucketed), {
        'TEE-S-RED': { availableForSale: true, level: 'in_stock', quantity: null },
        'TEE-M-RED': { availableForSale: true, level: 'low_stock', quantity: null },
        'TEE-L-RED': { availableForSale: true, level: 'backorder', quantity: null },
        'TEE-M-BLUE': { availableForSale: false, level: 'out_of_stock', quantity: null },
      });
      assert.deepEqual(
        Object.values(levels(await read(exact, 'basic-tee'))).map((a) => (a as Body).quantity),
        [40, 3, 0, 0],
      );
      // A change of what the read shows reaches a cached read at once.
      await stock(svc, 'TEE-S-RED', 0);
      await svc.flush();
      assert.equal(levels(await read(svc, 'basic-tee'))['TEE-S-RED'].level, 'out_of_stock');
      await stock(exact, 'TEE-S-RED', 39);
      await exact.flush();
      assert.equal(levels(await read(exact, 'basic-tee'))['TEE-S-RED'].quantity, 39);
    });

    test('SEO fields default to the title and description and can be set; an old handle answers 301 to the new', async () => {
      const before = await read(svc, 'basic-tee');
      assert.deepEqual(before.seo, {
        title: 'Basic tee',
        description: 'A plain tee. '.repeat(30).slice(0, 160),
        handle: 'basic-tee',
      });
      const changed = await call(svc, 'PATCH', `/api/v1/products/${before.id}`, {
        body: { handle: 'classic-tee', seoTitle: 'Classic tee | Acme', seoDescription: 'The classic.' },
        headers: { 'if-match': `"${before.version}"` },
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      const moved = await call(svc, 'GET', '/api/v1/products/basic-tee');
      assert.equal(moved.status, 301);
      assert.equal(moved.headers.location, '/api/v1/products/classic-tee');
      const after = await read(svc, 'classic-tee');
      assert.deepEqual(after.seo, {
        title: 'Classic tee | Acme',
        description: 'The classic.',
        handle: 'classic-tee',
      });
      const editor = await call(svc, 'GET', `/api/v1/products/classic-tee?status=any`, { as: ADMIN });
      assert.equal(editor.body.seoTitle, 'Classic tee | Acme');
      assert.equal((await call(svc, 'GET', '/api/v1/products/never-was')).status, 404);
    });
  });
}
