import { sql, type Kysely } from '@mercato/platform/db';
import type { CatalogDB } from '../db.ts';
import { minPrice, type Filtered } from './listing-filter.ts';

export interface FacetCount {
  id: string;
  handle: string;
  name: string;
  count: number;
}

export interface AttributeFacet {
  key: string;
  value: string;
  count: number;
}

/** A price range of the price facet, given as the minPrice/maxPrice filter that selects it. */
export interface PriceBucket {
  minPrice: number;
  /** inclusive; null for the open-ended top bucket */
  maxPrice: number | null;
  count: number;
}

export interface Facets {
  brands: FacetCount[];
  categories: FacetCount[];
  attributes: AttributeFacet[];
  prices: PriceBucket[];
}

/** Lower edges of the price buckets, in minor units (the last bucket is open-ended). */
export const PRICE_EDGES = [0, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000];
/** At most this many values per attribute key, the most frequent first. */
const VALUES_PER_ATTRIBUTE = 20;

const toFacet = (r: { id: string; handle: string; name: string; n: string | number }): FacetCount => ({
  id: r.id,
  handle: r.handle,
  name: r.name,
  count: Number(r.n),
});

/**
 * Facet counts over the whole filtered result (not just the page): each count is what the
 * same filter plus that facet value would total. Categories count direct membership.
 */
export async function facetsOf(db: Kysely<CatalogDB>, filtered: Filtered): Promise<Facets> {
  const brands = await filtered
    .innerJoin('brands', 'brands.id', 'products.brand_id')
    .select(['brands.id', 'brands.handle', 'brands.name', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['brands.id', 'brands.handle', 'brands.name'])
    .orderBy('brands.name')
    .execute();
  const categories = await filtered
    .innerJoin('product_categories', 'product_categories.product_id', 'products.id')
    .innerJoin('categories', 'categories.id', 'product_categories.category_id')
    .select([
      'categories.id',
      'categories.handle',
      'categories.name',
      (eb) => eb.fn.countAll<string>().as('n'),
    ])
    .groupBy(['categories.id', 'categories.handle', 'categories.name'])
    .orderBy('categories.name')
    .execute();
  const attributes = await filtered
    .innerJoinLateral(
      () => sql<{ key: string; value: string }>`jsonb_each_text(products.attributes)`.as('a'),
      (join) => join.onTrue(),
    )
    .select(['a.key', 'a.value', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['a.key', 'a.value'])
    .execute();
  const prices = await db
    .selectFrom(filtered.select((eb) => minPrice(eb).as('m')).as('t'))
    .select(
      PRICE_EDGES.map((lo, i) => {
        const hi = PRICE_EDGES[i + 1];
        const inBucket = hi === undefined ? sql`t.m >= ${lo}` : sql`t.m >= ${lo} and t.m < ${hi}`;
        return sql<string>`count(*) filter (where ${inBucket})`.as(`b${i}`);
      }),
    )
    .executeTakeFirst();

  const byKey = new Map<string, AttributeFacet[]>();
  for (const r of attributes) {
    byKey.set(r.key, [...(byKey.get(r.key) ?? []), { key: r.key, value: r.value, count: Number(r.n) }]);
  }
  const attributeFacets = [...byKey.keys()]
    .sort()
    .flatMap((key) =>
      (byKey.get(key) ?? [])
        .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
        .slice(0, VALUES_PER_ATTRIBUTE),
    );
  const counts = (prices ?? {}) as Record<string, string | number>;
  return {
    brands: brands.map(toFacet),
    categories: categories.map(toFacet),
    attributes: attributeFacets,
    prices: PRICE_EDGES.map((lo, i) => {
      const hi = PRICE_EDGES[i + 1];
      return {
        minPrice: lo,
        maxPrice: hi === undefined ? null : hi - 1,
        count: Number(counts[`b${i}`] ?? 0),
      };
    }).filter((b) => b.count > 0),
  };
}
