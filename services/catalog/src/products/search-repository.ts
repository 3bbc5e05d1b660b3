import { fetchPage, sql, type Kysely } from '@mercato/platform/db';
import type { CatalogDB } from '../db.ts';
import { facetsOf, type Facets } from './listing-facets.ts';
import { filteredProducts, minPrice, toPrefixQuery, type ListingQuery } from './listing-filter.ts';

export { toPrefixQuery, type ListingQuery } from './listing-filter.ts';

/** What autocomplete suggests for a few typed letters. */
export interface Suggestions {
  products: Array<{ id: string; handle: string; title: string }>;
  categories: Array<{ id: string; handle: string; name: string }>;
  brands: Array<{ id: string; handle: string; name: string }>;
}

/** SQL of the store listing and autocomplete. */
export const searchRepository = {
  /** One page of product ids in order, the total and the facets of the whole filtered result. */
  async list(
    db: Kysely<CatalogDB>,
    q: ListingQuery,
  ): Promise<{ ids: string[]; totalCount: number; facets: Facets }> {
    const tsquery = q.search === undefined ? undefined : toPrefixQuery(q.search);
    const filtered = filteredProducts(db, q, tsquery);
    const sortBy = q.sortBy === 'relevance' && !tsquery ? 'newest' : q.sortBy;
    const dir = q.sortOrder ?? (sortBy === 'price' ? 'asc' : 'desc');
    const page = await fetchPage(filtered, q, (query) => {
      const base = query.select('products.id');
      const ordered =
        sortBy === 'relevance'
          ? base.orderBy(sql`ts_rank(search, to_tsquery('simple', ${tsquery}))`, dir)
          : sortBy === 'price'
            ? base.orderBy((eb) => minPrice(eb), dir)
            : sortBy === 'rating'
              ? base.orderBy('products.rating_average', dir).orderBy('products.rating_count', dir)
              : base.orderBy('products.created_at', dir);
      // The id (a UUIDv7, time-ordered) breaks ties so pages never overlap.
      return ordered.orderBy('products.id', dir);
    });
    return {
      ids: page.rows.map((r) => r.id),
      totalCount: page.totalCount,
      facets: await facetsOf(db, filtered),
    };
  },

  /** Active products whose text matches the typed prefix (best first), and brands and categories by name. */
  async suggest(db: Kysely<CatalogDB>, text: string, limit: number): Promise<Suggestions> {
    const tsquery = toPrefixQuery(text);
    if (!tsquery) return { products: [], categories: [], brands: [] };
    const products = await db
      .selectFrom('products')
      .select(['id', 'handle', 'title'])
      .where('status', '=', 'active')
      .where(sql<boolean>`search @@ to_tsquery('simple', ${tsquery})`)
      .orderBy(sql`ts_rank(search, to_tsquery('simple', ${tsquery}))`, 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    // A name matches when one of its words starts with the text's last word (and holds the others).
    const words = tsquery.split(' & ').map((w) => w.replace(/:\*$/, ''));
    const nameMatches = (column: string) =>
      sql<boolean>`${sql.join(
        words.map(
          (w) =>
            sql`(lower(${sql.ref(column)}) like ${`${w}%`} or lower(${sql.ref(column)}) like ${`% ${w}%`})`,
        ),
        sql` and `,
      )}`;
    const categories = await db
      .selectFrom('categories')
      .select(['id', 'handle', 'name'])
      .where(nameMatches('categories.name'))
      .orderBy('name')
      .limit(limit)
      .execute();
    const brands = await db
      .selectFrom('brands')
      .select(['id', 'handle', 'name'])
      .where(nameMatches('brands.name'))
      .orderBy('name')
      .limit(limit)
      .execute();
    return { products, categories, brands };
  },
};
