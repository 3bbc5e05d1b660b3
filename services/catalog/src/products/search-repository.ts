import { fetchPage, sql, type ExpressionBuilder, type Kysely } from '@mercato/platform/db';
import type { CatalogDB } from '../db.ts';

/** A store listing request, as the use case takes it. */
export interface ListingQuery {
  page: number;
  pageSize: number;
  search?: string;
  category?: string;
  brand?: string;
  minPrice?: number;
  maxPrice?: number;
  sortBy: 'relevance' | 'price' | 'newest';
  sortOrder?: 'asc' | 'desc';
}

export interface FacetCount {
  id: string;
  handle: string;
  name: string;
  count: number;
}

/**
 * The search text as a prefix-matching tsquery: each word must match (AND), the last one
 * as a prefix so type-ahead finds "sneak" → "sneakers". Only letters and digits pass, so
 * user input never reaches to_tsquery's own syntax.
 */
export function toPrefixQuery(search: string): string | undefined {
  const words = search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return undefined;
  return words.map((w, i) => (i === words.length - 1 ? `${w}:*` : w)).join(' & ');
}

// Raw SQL below names no tables: the schema plugin qualifies only tables Kysely builds.

/** The lowest variant price of a product: the price the listing shows, filters and sorts by. */
function minPrice(eb: ExpressionBuilder<CatalogDB, 'products'>) {
  return eb
    .selectFrom('variants')
    .select((v) => v.fn.min('variants.price_amount').as('m'))
    .whereRef('variants.product_id', '=', 'products.id');
}

/** SQL of the store listing: active products, filtered, ranked, paged, with facets. */
export const searchRepository = {
  async list(db: Kysely<CatalogDB>, q: ListingQuery) {
    const tsquery = q.search === undefined ? undefined : toPrefixQuery(q.search);
    let filtered = db.selectFrom('products').where('status', '=', 'active');
    if (q.search !== undefined) {
      // A search of only punctuation matches nothing rather than everything.
      filtered = tsquery
        ? filtered.where(sql<boolean>`search @@ to_tsquery('simple', ${tsquery})`)
        : filtered.where(sql<boolean>`false`);
    }
    const { category, brand, minPrice: min, maxPrice: max } = q;
    if (category !== undefined) {
      // Products in the category or any descendant: their category's path starts with its path.
      filtered = filtered.where((eb) =>
        eb.exists(
          eb
            .selectFrom('product_categories as pc')
            .innerJoin('categories as c', 'c.id', 'pc.category_id')
            .select('pc.product_id')
            .whereRef('pc.product_id', '=', 'products.id')
            .where(
              'c.path',
              'like',
              eb
                .selectFrom('categories as root')
                .select(sql<string>`root.path || '%'`.as('prefix'))
                .where((r) => r.or([r(sql`root.id::text`, '=', category), r('root.handle', '=', category)])),
            ),
        ),
      );
    }
    if (brand !== undefined) {
      filtered = filtered.where((eb) =>
        eb(
          'products.brand_id',
          'in',
          eb
            .selectFrom('brands as b')
            .select('b.id')
            .where((r) => r.or([r(sql`b.id::text`, '=', brand), r('b.handle', '=', brand)])),
        ),
      );
    }
    if (min !== undefined) filtered = filtered.where((eb) => eb(minPrice(eb), '>=', String(min)));
    if (max !== undefined) filtered = filtered.where((eb) => eb(minPrice(eb), '<=', String(max)));

    const sortBy = q.sortBy === 'relevance' && !tsquery ? 'newest' : q.sortBy;
    const dir = q.sortOrder ?? (sortBy === 'price' ? 'asc' : 'desc');
    const page = await fetchPage(filtered, q, (query) => {
      const base = query.select('products.id');
      const ordered =
        sortBy === 'relevance'
          ? base.orderBy(sql`ts_rank(search, to_tsquery('simple', ${tsquery}))`, dir)
          : sortBy === 'price'
            ? base.orderBy((eb) => minPrice(eb), dir)
            : base.orderBy('created_at', dir);
      // The id (a UUIDv7, time-ordered) breaks ties so pages never overlap.
      return ordered.orderBy('products.id', dir);
    });

    const brandFacet = await filtered
      .innerJoin('brands', 'brands.id', 'products.brand_id')
      .select(['brands.id', 'brands.handle', 'brands.name', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy(['brands.id', 'brands.handle', 'brands.name'])
      .orderBy('brands.name')
      .execute();
    const categoryFacet = await filtered
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
    const facet = (r: { id: string; handle: string; name: string; n: string }): FacetCount => ({
      id: r.id,
      handle: r.handle,
      name: r.name,
      count: Number(r.n),
    });
    return {
      ids: page.rows.map((r) => r.id),
      totalCount: page.totalCount,
      facets: { brands: brandFacet.map(facet), categories: categoryFacet.map(facet) },
    };
  },
};
