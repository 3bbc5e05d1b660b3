import { sql, type Kysely } from '@mercato/platform/db';
import type { CatalogDB } from '../db.ts';
import { attributeFilters, minPrice, type FacetName, type Filtered } from './listing-filter.ts';

export interface FacetCount {
  id: string;
  handle: string;
  name: string;
  count: number;
}

export interface CategoryFacet extends FacetCount {
  parentId: string | null;
}

export interface AttributeFacet {
  key: string;
  value: string;
  count: number;
}

/** A price range of the price facet, given as the minPrice/maxPrice filter that selects it. */
export interface PriceBucket {
  /** inclusive, minor units */
  minPrice: number;
  /** inclusive, minor units */
  maxPrice: number;
  count: number;
}

export interface Facets {
  brands: FacetCount[];
  categories: CategoryFacet[];
  attributes: AttributeFacet[];
  prices: PriceBucket[];
}

/** At most this many values per attribute key, the most frequent first. */
const VALUES_PER_ATTRIBUTE = 20;
/** About this many price buckets over the result's price range. */
const PRICE_BUCKETS = 5;

/**
 * Price bucket width for a range of prices (minor units): a "nice" step (1, 2, 2.5 or 5 times
 * a power of ten, at least 1.00) that splits it into about {@link PRICE_BUCKETS} buckets.
 */
export function priceStep(min: number, max: number): number {
  const raw = Math.max(100, (max - min) / PRICE_BUCKETS);
  const power = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10;
  return nice * power;
}

/** The filter of a facet left out (see filteredProducts' `omit`). */
export type FilteredWithout = (omit?: FacetName) => Filtered;

/**
 * Facet counts over the whole filtered result (not just the page). Conjunctive across facets,
 * disjunctive within one: each facet is counted with every filter but its own, so a count is
 * exactly the `totalCount` of the listing with that value chosen instead. A category counts
 * its whole subtree, as the category filter selects it.
 */
export async function facetsOf(
  db: Kysely<CatalogDB>,
  filtered: FilteredWithout,
  attr: string[],
): Promise<Facets> {
  const brands = await filtered('brand')
    .innerJoin('brands', 'brands.id', 'products.brand_id')
    .select(['brands.id', 'brands.handle', 'brands.name', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['brands.id', 'brands.handle', 'brands.name'])
    .orderBy('brands.name')
    .execute();
  // Each category with every product of its subtree: a product counts once per ancestor.
  const categories = await filtered('category')
    .innerJoin('product_categories as pc', 'pc.product_id', 'products.id')
    .innerJoin('categories as own', 'own.id', 'pc.category_id')
    .innerJoin('categories', (join) => join.on(sql<boolean>`own.path like categories.path || '%'`))
    .select([
      'categories.id',
      'categories.handle',
      'categories.name',
      'categories.parent_id',
      sql<string>`count(distinct products.id)`.as('n'),
    ])
    .groupBy([
      'categories.id',
      'categories.handle',
      'categories.name',
      'categories.parent_id',
      'categories.path',
    ])
    .orderBy('categories.path')
    .execute();
  const attributeRows = async (query: Filtered, key?: string) =>
    query
      .innerJoinLateral(
        () => sql<{ key: string; value: string }>`jsonb_each_text(products.attributes)`.as('a'),
        (join) => join.onTrue(),
      )
      .select(['a.key', 'a.value', (eb) => eb.fn.countAll<string>().as('n')])
      .$if(key !== undefined, (qb) => qb.where('a.key', '=', key!))
      .groupBy(['a.key', 'a.value'])
      .execute();
  const selectedKeys = [...attributeFilters(attr).keys()];
  const attributes = (await attributeRows(filtered())).filter((r) => !selectedKeys.includes(r.key));
  for (const key of selectedKeys) attributes.push(...(await attributeRows(filtered(`attr:${key}`), key)));

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
  return {
    brands: brands.map((r) => ({ id: r.id, handle: r.handle, name: r.name, count: Number(r.n) })),
    categories: categories.map((r) => ({
      id: r.id,
      handle: r.handle,
      name: r.name,
      parentId: r.parent_id,
      count: Number(r.n),
    })),
    attributes: attributeFacets,
    prices: await priceBuckets(db, filtered('price')),
  };
}

/** Non-empty price buckets of a width that suits the result's price range. */
async function priceBuckets(db: Kysely<CatalogDB>, filtered: Filtered): Promise<PriceBucket[]> {
  const prices = filtered.select((eb) => minPrice(eb).as('m'));
  const range = await db
    .selectFrom(prices.as('t'))
    .select([sql<string | null>`min(t.m)`.as('lo'), sql<string | null>`max(t.m)`.as('hi')])
    .executeTakeFirst();
  if (!range || range.lo === null || range.hi === null) return [];
  const [lo, hi] = [Number(range.lo), Number(range.hi)];
  const step = priceStep(lo, hi);
  const rows = await db
    .selectFrom(prices.as('t'))
    .where(sql<boolean>`t.m is not null`)
    .select([sql<string>`floor(t.m / ${step})`.as('b'), sql<string>`count(*)`.as('n')])
    // by the output column: the step is a parameter, and two parameters are two expressions
    .groupBy(sql`1`)
    .orderBy(sql`1`)
    .execute();
  return rows.map((r) => {
    const minPrice = Number(r.b) * step;
    return { minPrice, maxPrice: minPrice + step - 1, count: Number(r.n) };
  });
}
