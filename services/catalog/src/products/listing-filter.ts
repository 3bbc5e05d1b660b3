import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from '@mercato/platform/db';
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
  /** `key:value` pairs; values of one key are alternatives (OR), different keys all apply (AND). */
  attr?: string[];
  inStock?: boolean;
  /** Which products: the store sees only active ones; admins may ask for the others. */
  status?: 'active' | 'draft' | 'archived' | 'any';
  sortBy: 'relevance' | 'price' | 'newest' | 'rating';
  sortOrder?: 'asc' | 'desc';
}

export type Filtered = SelectQueryBuilder<CatalogDB, 'products', object>;

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

// Raw SQL below names no tables: the schema plugin qualifies only tables Kysely builds.

/** The lowest variant price of a product: the price the listing shows, filters and sorts by. */
export function minPrice(eb: ExpressionBuilder<CatalogDB, 'products'>) {
  return eb
    .selectFrom('variants')
    .select((v) => v.fn.min('variants.price_amount').as('m'))
    .whereRef('variants.product_id', '=', 'products.id');
}

/** The products a listing request selects, before ordering and paging. */
export function filteredProducts(
  db: Kysely<CatalogDB>,
  q: ListingQuery,
  tsquery: string | undefined,
): Filtered {
  let filtered: Filtered = db.selectFrom('products');
  const status = q.status ?? 'active';
  if (status !== 'any') filtered = filtered.where('products.status', '=', status);
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
  for (const [key, values] of attributeFilters(q.attr ?? [])) {
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
