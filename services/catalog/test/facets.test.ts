import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService, type TestService } from '@mercato/testing';
import type { CatalogDB } from '../src/db.ts';
import { catalogService } from '../src/service.ts';
import { call, type Body } from './support.ts';

after(closeTestPglite);

interface Facets {
  brands: Array<{ handle: string; count: number }>;
  categories: Array<{ handle: string; count: number }>;
  attributes: Array<{ key: string; value: string; count: number }>;
  prices: Array<{ minPrice: number; maxPrice: number; count: number }>;
}

/** Every facet value as the filter that selects it (replacing that facet's own filter) and its count. */
function facetFilters(f: Facets): Array<{ facet: string; filter: string; count: number }> {
  return [
    ...f.brands.map((b) => ({ facet: 'brand', filter: `brand=${b.handle}`, count: b.count })),
    ...f.categories.map((c) => ({ facet: 'category', filter: `category=${c.handle}`, count: c.count })),
    ...f.prices.map((p) => ({
      facet: 'price',
      filter: `minPrice=${p.minPrice}&maxPrice=${p.maxPrice}`,
      count: p.count,
    })),
    ...f.attributes.map((a) => ({
      facet: `attr:${a.key}`,
      filter: `attr=${encodeURIComponent(`${a.key}:${a.value}`)}`,
      count: a.count,
    })),
  ];
}

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `catalog facets on the demo catalog (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: TestService<CatalogDB>;
      const list = async (query: string): Promise<Body> => {
        const res = await call(svc, 'GET', `/api/v1/products?pageSize=1&${query}`);
        assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
        return res.body;
      };

      /** Checks that each facet value's count is the total of the listing with that value chosen instead. */
      async function facetsAddUp(base: Record<string, string>): Promise<number> {
        const body = await list(Object.values(base).join('&'));
        const checks = facetFilters(body.facets as Facets);
        for (const { facet, filter, count } of checks) {
          const others = Object.entries(base)
            .filter(([name]) => name !== facet)
            .map(([, f]) => f);
          const total = (await list([...others, filter].join('&'))).totalCount;
          assert.equal(total, count, `${filter} with ${others.join('&') || 'nothing else'}`);
        }
        return checks.length;
      }

      before(async () => {
        svc = await startTestService(catalogService, kind);
        await svc.runtime.seed();
      });
      after(async () => {
        await svc?.close();
      });

      test('every facet value of the whole catalog counts what filtering by it totals (categories with subtrees)', async (t) => {
        const body = await list('');
        const f = body.facets as Facets;
        const departments = f.categories.filter((c) =>
          ['apparel', 'home-kitchen', 'electronics'].includes(c.handle),
        );
        assert.equal(departments.length, 3);
        for (const d of departments)
          assert.ok(d.count > 100, `${d.handle} counts its subcategories' products`);
        assert.ok(f.brands.length >= 40 && f.prices.length >= 3 && f.attributes.length > 20);
        const checked = await facetsAddUp({});
        t.diagnostic(`${checked} facet values checked`);
      });

      test('with a search and a filter on every facet, each facet counts as if its own value were chosen instead', async (t) => {
        const all = (await list('search=organic')).facets as Facets;
        const brand = all.brands[0]!.handle;
        const price = all.prices[0]!;
        const checked = await facetsAddUp({
          search: 'search=organic',
          brand: `brand=${brand}`,
        });
        const more = await facetsAddUp({
          search: 'search=cotton',
          category: 'category=apparel',
          price: `minPrice=${price.minPrice}&maxPrice=${price.maxPrice + 10_000}`,
        });
        t.diagnostic(`${checked + more} facet values checked`);
        // Disjunctive within a facet: a chosen brand leaves the other brands' counts as they were.
        const chosen = (await list(`search=organic&brand=${brand}`)).facets as Facets;
        assert.deepEqual(chosen.brands, all.brands);
      });

      test('a listing page of 20 is at most 15 KB of JSON (compact items, images by URL, facets=false)', async (t) => {
        for (const query of ['pageSize=20', 'pageSize=20&search=organic', 'pageSize=20&category=apparel']) {
          const res = await call(svc, 'GET', `/api/v1/products?${query}&facets=false`);
          assert.equal(res.status, 200);
          const bytes = Buffer.byteLength(JSON.stringify(res.body));
          const all = await call(svc, 'GET', `/api/v1/products?${query}`);
          t.diagnostic(
            `${query}: ${bytes} bytes, ${Buffer.byteLength(JSON.stringify(all.body))} with facets`,
          );
          assert.equal(res.body.items.length, Math.min(20, res.body.totalCount));
          assert.equal(res.body.facets, null);
          assert.ok(bytes <= 15_000, `${query}: ${bytes} bytes`);
          assert.match(res.body.items[0].image.url, /^\/api\/v1\/media\//);
        }
        const full = await call(svc, 'GET', '/api/v1/products?pageSize=2&view=full');
        assert.ok(Array.isArray(full.body.items[0].variants), 'view=full gives whole products');
      });

      test('price buckets suit the result: about five, of a round width, covering it without overlap', async () => {
        const cheap = (await list('category=mugs-cups')).facets as Facets;
        const whole = (await list('')).facets as Facets;
        for (const prices of [cheap.prices, whole.prices]) {
          assert.ok(prices.length >= 2 && prices.length <= 8, JSON.stringify(prices));
          const width = prices[0]!.maxPrice - prices[0]!.minPrice + 1;
          assert.ok(
            [1, 2, 2.5, 5].some((m) => width / m === 10 ** Math.round(Math.log10(width / m))),
            String(width),
          );
          for (const [i, p] of prices.entries()) {
            assert.equal(p.maxPrice - p.minPrice + 1, width);
            if (i > 0) assert.ok(p.minPrice > prices[i - 1]!.maxPrice);
          }
        }
        assert.ok(
          cheap.prices[0]!.maxPrice - cheap.prices[0]!.minPrice <
            whole.prices[0]!.maxPrice - whole.prices[0]!.minPrice,
        );
      });
    },
  );
}
