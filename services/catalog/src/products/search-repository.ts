import { fetchPage, sql, type RawBuilder } from '@mercato/platform/db';
import {
  resolveSearch,
  searchConfig,
  type ResolvedSearch,
  type SearchScope,
} from '../search/search-repository.ts';
import { highlightHtml, MARK_END, MARK_START } from '../search/search-terms.ts';
import { facetsOf, type Facets } from './listing-facets.ts';
import { filteredProducts, minPrice, resolveFilters, type ListingQuery } from './listing-filter.ts';

export { type ListingQuery } from './listing-filter.ts';

/** A suggestion's name with the matched words in <mark> (the rest HTML-escaped). */
interface Highlighted {
  highlighted: string;
}

/** What autocomplete suggests for a few typed letters. */
export interface Suggestions {
  products: Array<{ id: string; handle: string; title: string } & Highlighted>;
  categories: Array<{ id: string; handle: string; name: string } & Highlighted>;
  brands: Array<{ id: string; handle: string; name: string } & Highlighted>;
}

/**
 * Relevance, best first: the title is exactly the search, then every word is in the title,
 * then how well the typed words match (title A, brand and categories B, description and
 * attributes C), then how well the corrected ones do.
 */
function relevance(scope: SearchScope, s: ResolvedSearch): RawBuilder<unknown>[] {
  const cfg = searchConfig(scope);
  return [
    sql`strip(to_tsvector(${cfg}::regconfig, products.title)) = strip(to_tsvector(${cfg}::regconfig, ${s.text}))`,
    sql`ts_filter(products.search, '{a}') @@ ${s.expanded}::tsquery`,
    sql`ts_rank(products.search, ${s.exact}::tsquery)`,
    sql`ts_rank(products.search, ${s.expanded}::tsquery)`,
  ];
}

/** ts_headline of a column with every match marked (the whole text, not fragments). */
function marked(scope: SearchScope, column: string, s: ResolvedSearch) {
  return sql<string>`ts_headline(${searchConfig(scope)}::regconfig, ${sql.ref(column)}, ${s.expanded}::tsquery,
    ${`StartSel=${MARK_START}, StopSel=${MARK_END}, HighlightAll=true`})`;
}

/** SQL of the store listing and autocomplete. */
export const searchRepository = {
  /** One page of product ids in order, the total, the facets of the whole filtered result, and "did you mean". */
  async list(
    scope: SearchScope,
    q: ListingQuery,
  ): Promise<{ ids: string[]; totalCount: number; facets: Facets | null; didYouMean: string | null }> {
    const { db } = scope;
    const refs = await resolveFilters(db, q);
    const search = q.search === undefined ? undefined : await resolveSearch(scope, q.search);
    const filtered = filteredProducts(db, q, search, refs);
    const sortBy = q.sortBy === 'relevance' && !search ? 'newest' : q.sortBy;
    const dir = q.sortOrder ?? (sortBy === 'price' ? 'asc' : 'desc');
    const page = await fetchPage(filtered, q, (query) => {
      const base = query.select('products.id');
      const ordered =
        sortBy === 'relevance' && search
          ? relevance(scope, search).reduce((o, by) => o.orderBy(by, dir), base)
          : sortBy === 'price'
            ? base.orderBy((eb) => minPrice(eb), dir)
            : sortBy === 'rating'
              ? base.orderBy('products.rating_average', dir).orderBy('products.rating_count', dir)
              : base.orderBy('products.created_at', dir);
      // The id (a UUIDv7, time-ordered) breaks ties so pages never overlap.
      return ordered.orderBy('products.id', dir);
    });
    let didYouMean: string | null = null;
    if (page.totalCount === 0 && search?.suggestion) {
      // Offered only when the corrected search, with the same filters, finds something.
      const corrected = await resolveSearch(scope, search.suggestion);
      const hit = await filteredProducts(db, { ...q, search: search.suggestion }, corrected, refs)
        .select('products.id')
        .limit(1)
        .executeTakeFirst();
      if (hit) didYouMean = search.suggestion;
    }
    return {
      ids: page.rows.map((r) => r.id),
      totalCount: page.totalCount,
      facets:
        q.facets === false
          ? null
          : await facetsOf(db, (omit) => filteredProducts(db, q, search, refs, omit), q.attr ?? []),
      didYouMean,
    };
  },

  /**
   * Active products whose text matches the search (typos and synonyms as in the listing,
   * the last word a prefix), best first, and the categories and brands whose name does; each
   * with its matched words highlighted.
   */
  async suggest(scope: SearchScope, text: string, limit: number): Promise<Suggestions> {
    const { db } = scope;
    const search = await resolveSearch(scope, text);
    if (!search) return { products: [], categories: [], brands: [] };
    const products = await relevance(scope, search)
      .reduce(
        (o, by) => o.orderBy(by, 'desc'),
        db
          .selectFrom('products')
          .select(['products.id', 'products.handle', 'products.title'])
          .select(marked(scope, 'products.title', search).as('marked'))
          .where('products.status', '=', 'active')
          .where(sql<boolean>`products.search @@ ${search.expanded}::tsquery`),
      )
      .orderBy('products.id', 'desc')
      .limit(limit)
      .execute();
    const names = (table: 'categories' | 'brands') =>
      db
        .selectFrom(table)
        .select([`${table}.id`, `${table}.handle`, `${table}.name`])
        .select(marked(scope, `${table}.name`, search).as('marked'))
        .where(
          sql<boolean>`to_tsvector(${searchConfig(scope)}::regconfig, ${sql.ref(`${table}.name`)}) @@ ${search.expanded}::tsquery`,
        )
        .orderBy(`${table}.name`)
        .limit(limit)
        .execute();
    const [categories, brands] = [await names('categories'), await names('brands')];
    const withHtml = <T extends { marked: string }>({ marked: m, ...rest }: T) => ({
      ...rest,
      highlighted: highlightHtml(m),
    });
    return {
      products: products.map(withHtml),
      categories: categories.map(withHtml),
      brands: brands.map(withHtml),
    };
  },
};
