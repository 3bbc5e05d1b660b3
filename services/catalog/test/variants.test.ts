import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService, type TestService } from '@mercato/testing';
import type { CatalogDB } from '../src/db.ts';
import { catalogService } from '../src/service.ts';
import { call, expectProblem, productBody } from './support.ts';

const LOOKUP = '/api/v1/variants/lookup';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`catalog variant lookup (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: TestService<CatalogDB>;
    let categoryId: string;
    let brandId: string;
    let productId: string;

    before(async () => {
      svc = await startTestService(catalogService, kind);
      const kitchen = await call(svc, 'POST', '/api/v1/categories', {
        body: { handle: 'kitchen', name: 'Kitchen' },
      });
      assert.equal(kitchen.status, 201, JSON.stringify(kitchen.body));
      const category = await call(svc, 'POST', '/api/v1/categories', {
        body: { handle: 'mugs', name: 'Mugs', parentId: kitchen.body.id },
      });
      assert.equal(category.status, 201, JSON.stringify(category.body));
      categoryId = category.body.id;
      const brand = await call(svc, 'POST', '/api/v1/brands', { body: { handle: 'acme', name: 'Acme' } });
      assert.equal(brand.status, 201, JSON.stringify(brand.body));
      brandId = brand.body.id;
      const created = await call(svc, 'POST', '/api/v1/products', {
        body: productBody('lookup-mug', {
          title: 'Lookup Mug',
          categoryIds: [categoryId],
          brandId,
          images: [{ url: '/img/mug-front.svg' }, { url: '/img/mug-back.svg' }],
          variants: [
            {
              sku: 'LK-S',
              options: { size: 'S' },
              price: { amount: 1500, currency: 'EUR' },
              weightGrams: 300,
            },
            {
              sku: 'LK-M',
              options: { size: 'M' },
              price: { amount: 1700, currency: 'EUR' },
              compareAtPrice: { amount: 2000, currency: 'EUR' },
            },
          ],
        }),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      productId = created.body.id;
      const draft = await call(svc, 'POST', '/api/v1/products', {
        body: productBody('lookup-draft', {
          status: 'draft',
          variants: [{ sku: 'LK-DRAFT', price: { amount: 900, currency: 'EUR' } }],
        }),
      });
      assert.equal(draft.status, 201, JSON.stringify(draft.body));
    });
    after(async () => {
      await svc?.close();
    });

    test('answers the asked SKUs in the order asked, with current prices and product facts, without a token', async () => {
      const res = await call(svc, 'POST', LOOKUP, {
        body: { skus: ['LK-M', 'NOPE-1', 'LK-S'] },
        as: 'anonymous',
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.items.map((v: { sku: string }) => v.sku),
        ['LK-M', 'LK-S'],
      );
      assert.deepEqual(res.body.missing, ['NOPE-1']);
      const [m, s] = res.body.items;
      assert.equal(m.productId, productId);
      assert.equal(m.title, 'Lookup Mug');
      assert.equal(m.handle, 'lookup-mug');
      assert.deepEqual(m.options, { size: 'M' });
      assert.deepEqual(m.price, { amount: 1700, currency: 'EUR' });
      assert.deepEqual(m.compareAtPrice, { amount: 2000, currency: 'EUR' });
      assert.equal(m.image, '/img/mug-front.svg');
      assert.deepEqual(m.categoryIds, [categoryId]);
      assert.deepEqual(m.categoryHandles, ['kitchen', 'mugs'], 'its categories with their ancestors');
      assert.equal(m.brandId, brandId);
      assert.equal(m.brandHandle, 'acme');
      assert.equal(m.sellable, true);
      assert.equal(s.weightGrams, 300);
      assert.equal(s.compareAtPrice, null);
    });

    test('a price change shows in the next lookup; a product that is not active is not sellable', async () => {
      const variantId = (await call(svc, 'POST', LOOKUP, { body: { skus: ['LK-S'] } })).body.items[0]
        .variantId;
      const changed = await call(svc, 'PATCH', `/api/v1/variants/${variantId}`, {
        body: { price: { amount: 1450, currency: 'EUR' } },
        headers: { 'if-match': '"1"' },
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      const res = await call(svc, 'POST', LOOKUP, { body: { skus: ['LK-S', 'LK-DRAFT'] } });
      assert.equal(res.body.items[0].price.amount, 1450);
      assert.equal(res.body.items[1].sellable, false);
    });

    test('bad input is a 400 problem naming the field: no SKUs, a repeated SKU, too many, a blank one', async () => {
      for (const skus of [
        [],
        ['LK-S', 'LK-S'],
        Array.from({ length: 201 }, (_, i) => `S${i}`),
        ['has space'],
      ]) {
        await expectProblem(await call(svc, 'POST', LOOKUP, { body: { skus } }), 400, 'VALIDATION_FAILED');
      }
      await expectProblem(
        await call(svc, 'POST', LOOKUP, { body: { skus: ['A'], extra: 1 } }),
        400,
        'VALIDATION_FAILED',
      );
    });
  });
}
