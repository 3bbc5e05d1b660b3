import type { Kysely } from '@mercato/platform/db';
import type { CatalogDB } from '../db.ts';

/** The look-ups an import batch makes in one go (every row's references at once). */
export const importRepository = {
  /** Ids of brands or categories by handle (handle → id), for the handles that exist. */
  async idsByHandle(
    db: Kysely<CatalogDB>,
    table: 'brands' | 'categories',
    handles: string[],
  ): Promise<Map<string, string>> {
    if (handles.length === 0) return new Map();
    const rows = await db.selectFrom(table).select(['id', 'handle']).where('handle', 'in', handles).execute();
    return new Map(rows.map((r) => [r.handle, r.id]));
  },

  /** Which of these brand or category ids exist. */
  async existingIds(
    db: Kysely<CatalogDB>,
    table: 'brands' | 'categories',
    ids: string[],
  ): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await db.selectFrom(table).select('id').where('id', 'in', ids).execute();
    return new Set(rows.map((r) => r.id));
  },

  /** Product ids by handle (handle → id), for the handles that exist (any status). */
  async productIdsByHandle(db: Kysely<CatalogDB>, handles: string[]): Promise<Map<string, string>> {
    if (handles.length === 0) return new Map();
    const rows = await db
      .selectFrom('products')
      .select(['id', 'handle'])
      .where('handle', 'in', handles)
      .execute();
    return new Map(rows.map((r) => [r.handle, r.id]));
  },

  /** The product (id and handle) each of these SKUs belongs to, for the SKUs in use. */
  async skuOwners(
    db: Kysely<CatalogDB>,
    skus: string[],
  ): Promise<Map<string, { productId: string; handle: string }>> {
    if (skus.length === 0) return new Map();
    const rows = await db
      .selectFrom('variants')
      .innerJoin('products', 'products.id', 'variants.product_id')
      .select(['variants.sku', 'products.id', 'products.handle'])
      .where('variants.sku', 'in', skus)
      .execute();
    return new Map(rows.map((r) => [r.sku, { productId: r.id, handle: r.handle }]));
  },
};
