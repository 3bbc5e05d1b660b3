import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Value } from 'typebox/value';
import { CreateProductBody } from '../products/product.ts';
import { demoCatalog, generateDemoCatalog, mulberry32, toCreateInput } from './demo-catalog.ts';

describe('demo catalog generator', () => {
  const demo = demoCatalog();

  test('has at least 1,000 products in 30+ categories from 40+ brands, several per brand and category', () => {
    assert.ok(demo.products.length >= 1000, `${demo.products.length} products`);
    assert.ok(demo.categories.length >= 30, `${demo.categories.length} categories`);
    assert.ok(demo.brands.length >= 40, `${demo.brands.length} brands`);
    const perBrand = new Map<string, number>();
    const perCategory = new Map<string, number>();
    for (const p of demo.products) {
      perBrand.set(p.brand, (perBrand.get(p.brand) ?? 0) + 1);
      for (const c of p.categories) perCategory.set(c, (perCategory.get(c) ?? 0) + 1);
    }
    assert.equal(perBrand.size, demo.brands.length, 'every brand has products');
    assert.ok(Math.min(...perBrand.values()) >= 5);
    assert.ok(Math.min(...perCategory.values()) >= 5);
  });

  test('brands, categories, product handles and SKUs are unique; parents come before children', () => {
    const unique = (xs: string[]) => assert.equal(new Set(xs).size, xs.length);
    unique(demo.brands.map((b) => b.handle));
    unique(demo.categories.map((c) => c.handle));
    unique(demo.products.map((p) => p.handle));
    unique(demo.products.map((p) => p.title));
    unique(demo.products.flatMap((p) => p.variants.map((v) => v.sku)));
    unique(demo.products.flatMap((p) => p.variants.map((v) => v.barcode ?? '')));
    const seen = new Set<string>();
    for (const c of demo.categories) {
      if (c.parent !== null) assert.ok(seen.has(c.parent), `${c.handle} after its parent`);
      seen.add(c.handle);
    }
    const brands = new Set(demo.brands.map((b) => b.handle));
    for (const p of demo.products) {
      assert.ok(brands.has(p.brand));
      for (const c of p.categories) assert.ok(seen.has(c));
    }
  });

  test('every product is a valid create body (brand and categories resolved to ids)', () => {
    const fakeId = (i: number) => `0190a000-0000-7000-8000-${String(i).padStart(12, '0')}`;
    const brandIds = new Map(demo.brands.map((b, i) => [b.handle, fakeId(i)]));
    const categoryIds = new Map(demo.categories.map((c, i) => [c.handle, fakeId(1000 + i)]));
    for (const p of demo.products) {
      const body = toCreateInput(p, brandIds, categoryIds);
      assert.ok(
        Value.Check(CreateProductBody, body),
        `${p.handle}: ${JSON.stringify([...Value.Errors(CreateProductBody, body)][0])}`,
      );
      assert.ok(body.brandId);
      assert.equal(body.categoryIds?.length, 1);
    }
  });

  test('images are SVG data URLs under 2,000 characters; prices, sales and drafts are spread', () => {
    for (const p of demo.products) {
      assert.ok(p.images.length >= 1 && p.images.length <= 2);
      for (const image of p.images) {
        assert.match(image.url, /^data:image\/svg\+xml[;,]/);
        assert.ok(image.url.length < 2000, `${image.url.length} chars`);
        assert.ok(image.alt.length > 0);
      }
    }
    const prices = demo.products.flatMap((p) => p.variants.map((v) => v.price.amount));
    assert.ok(Math.min(...prices) < 1000 && Math.max(...prices) > 30_000);
    const onSale = demo.products.filter((p) =>
      p.variants.every((v) => v.compareAtPrice && v.compareAtPrice.amount > v.price.amount),
    );
    assert.ok(onSale.length > demo.products.length * 0.2 && onSale.length < demo.products.length * 0.4);
    const drafts = demo.products.filter((p) => p.status === 'draft').length;
    assert.ok(drafts > 0 && drafts < demo.products.length * 0.05, `${drafts} drafts`);
  });

  test('is deterministic: two runs give the same catalog, another seed a different one', () => {
    assert.deepEqual(generateDemoCatalog(), generateDemoCatalog());
    assert.deepEqual(generateDemoCatalog(), demo);
    assert.notDeepEqual(generateDemoCatalog(7).products[0], demo.products[0]);
    const a = mulberry32(42);
    const b = mulberry32(42);
    for (let i = 0; i < 5; i++) assert.equal(a(), b());
  });
});
