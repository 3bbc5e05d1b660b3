import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from '@mercato/platform/db';
import type { CatalogDB } from '../db.ts';
import { CatalogErrors } from '../errors.ts';
import type { ResolvedSearch } from '../search/search-repository.ts';

/** A store listing request, as the use case takes it. */
export interface ListingQuery {
  page: number;
  pageSize: number;
  search?: string;
  /** Category ids or handles (each with its subtree); several are alternatives (OR). */
  category?: string[];
  /** Brand ids or handles; several are alternatives (OR). */
  brand?: string[];
  minPrice?: number;
  maxPrice?: number;
  /** `key:value` pairs; values of one key are alternatives (OR), different keys all apply (AND). */
  attr?: string[];
  inStock?: boolean;
  /** Which products: the store sees only active ones; admins may ask for the others. */
  status?: 'active' | 'draft' | 'archived' | 'any';
  sortBy: 'relevance' | 'price' | 'newest' | 'rating';
  sortOrder?: 'asc' | 'desc';
  /** compact items (default) or full products */
  view?: 'compact' | 'full';
  /** whether to count facets (default true) */
  facets?: boolean;
}

/** The brand and category filters resolved to ids and materialized paths. */
export interface ResolvedFilters {
  brandIds: string[] | undefined;
  categoryPaths: string[] | undefined;
}

/** A facet whose own filter a facet count leaves out (disjunctive within a facet). */
export type FacetName = 'brand' | 'category' | 'price' | `attr:${string}`;

export type Filtered = SelectQueryBuilder<CatalogDB, 'products', object>;

/** `material:cotton` → ['material', 'cotton'] grouped by key: { material: ['cotton', …] }. */
export function attributeFilters(pairs: readonly string[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const pair of pairs) {
    const at = pair.indexOf(':');
    const key = pair.slice(0, at);
    byKey.set(key, [...(byKey.get(key) ?? []), pair.slice(at + 1)]);
  }
  return byKey;
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/**
 * Resolves the brand and category filters (ids or handles) to ids and paths. Values that
 * name no brand or category are a 400 CATALOG_UNKNOWN_FILTER naming each of them.
 */
export async function resolveFilters(db: Kysely<CatalogDB>, q: ListingQuery): Promise<ResolvedFilters> {
  const lookup = async (table: 'brands' | 'categories', values: string[] | undefined) => {
    if (!values || values.length === 0) return { rows: undefined, unknown: [] };
    const ids = values.filter(isUuid).map((v) => v.toLowerCase());
    const rows = await db
      .selectFrom(table)
      .select(['id', 'handle', table === 'categories' ? 'path' : 'id as path'])
      .where((eb) => eb.or([eb('handle', 'in', values), ...(ids.length ? [eb('id', 'in', ids)] : [])]))
      .execute();
    const unknown = values.filter((v) => !rows.some((r) => r.handle === v || r.id === v.toLowerCase()));
    return { rows, unknown };
  };
  const brands = await lookup('brands', q.brand);
  const categories = await lookup('categories', q.category);
  const errors = [
    ...brands.unknown.map((v) => ({ path: '/brand', message: `no brand ${v}` })),
    ...categories.unknown.map((v) => ({ path: '/category', message: `no category ${v}` })),
  ];
  if (errors.length > 0) {
    throw CatalogErrors.CATALOG_UNKNOWN_FILTER(errors.map((e) => e.message).join('; '), { errors });
  }
  return {
    brandIds: brands.rows?.map((r) => r.id),
    categoryPaths: categories.rows?.map((r) => r.path),
  };
}

// Raw SQL below names no tables: the schema plugin qualifies only tables Kysely builds.

/** The lowest variant price of a product: the price the listing shows, filters and sorts by. */
export function minPrice(eb: ExpressionBuilder<CatalogDB, 'products'>) {
  return eb
    .selectFrom('variants')
    .select((v) => v.fn.min('variants.price_amount').as('m'))
    .whereRef('variants.product_id', '=', 'products.id');
}

/**
 * The products a listing request selects, before ordering and paging. `omit` leaves one
 * facet's own filter out: a facet counts what choosing another of its values would give.
 */
export function filteredProducts(
  db: Kysely<CatalogDB>,
  q: ListingQuery,
  search: ResolvedSearch | undefined,
  refs: ResolvedFilters,
  omit?: FacetName,
): Filtered {
  let filtered: Filtered = db.selectFrom('products');
  const status = q.status ?? 'active';
  if (status !== 'any') filtered = filtered.where('products.status', '=', status);
  if (q.search !== undefined) {
    // A search of only punctuation matches nothing rather than everything.
    filtered = search
      ? filtered.where(sql<boolean>`search @@ ${search.expanded}::tsquery`)
      : filtered.where(sql<boolean>`false`);
  }
  const { categoryPaths, brandIds } = refs;
  if (categoryPaths && omit !== 'category') {
    // Products in one of the categories or any descendant: their category's path starts with its path.
    filtered = filtered.where((eb) =>
      eb.exists(
        eb
          .selectFrom('product_categories as pc')
          .innerJoin('categories as c', 'c.id', 'pc.category_id')
          .select('pc.product_id')
          .whereRef('pc.product_id', '=', 'products.id')
          .where((c) => c.or(categoryPaths.map((p) => c('c.path', 'like', `${p}%`)))),
      ),
    );
  }
  if (brandIds && omit !== 'brand') filtered = filtered.where('products.brand_id', 'in', brandIds);
  const { minPrice: min, maxPrice: max } = q;
  if (min !== undefined && omit !== 'price')
    filtered = filtered.where((eb) => eb(minPrice(eb), '>=', String(min)));
  if (max !== undefined && omit !== 'price')
    filtered = filtered.where((eb) => eb(minPrice(eb), '<=', String(max)));
  for (const [key, values] of attributeFilters(q.attr ?? [])) {
    if (omit === `attr:${key}`) continue;
    filtered = filtered.where(sql<boolean>`products.attributes ->> ${key} in (${sql.join(values)})`);
  }
  if (q.inStock !== undefined) {
    // Sellable: some variant's SKU has stock available, or takes backorders.
    const sellable = (eb: ExpressionBuilder<CatalogDB, 'products'>) =>
      eb.exists(
        eb
          .selectFrom('variants as sv')
          .innerJoin('sku_stock as st', 'st.sku', 'sv.sku')
          .select('sv.id')
          .whereRef('sv.product_id', '=', 'products.id')
          .where((s) => s.or([s('st.available', '>', 0), s('st.backorder', '=', true)])),
      );
    filtered = filtered.where((eb) => (q.inStock ? sellable(eb) : eb.not(sellable(eb))));
  }
  return filtered;
}
