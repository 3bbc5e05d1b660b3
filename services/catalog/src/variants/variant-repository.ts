import { sql, type Kysely } from '@mercato/platform/db';
import type { VariantSnapshot } from '@mercato/contracts';
import type { CatalogDB } from '../db.ts';

/** SQL of variant reads by SKU. */
export const variantRepository = {
  /** The variants of the given SKUs with their product's facts, in one statement. */
  async snapshots(db: Kysely<CatalogDB>, skus: readonly string[]): Promise<VariantSnapshot[]> {
    if (skus.length === 0) return [];
    const rows = await db
      .selectFrom('variants as v')
      .innerJoin('products as p', 'p.id', 'v.product_id')
      .select([
        'v.sku',
        'v.id as variant_id',
        'v.product_id',
        'p.handle',
        'p.title',
        'v.options',
        'v.price_amount',
        'v.compare_at_amount',
        'v.currency',
        'v.weight_grams',
        'p.brand_id',
        'p.status',
        sql<string | null>`p.images -> 0 ->> 'url'`.as('image'),
        (eb) =>
          eb
            .selectFrom('product_categories as pc')
            .select(
              sql<string[]>`coalesce(array_agg(pc.category_id::text order by pc.category_id), '{}')`.as(
                'ids',
              ),
            )
            .whereRef('pc.product_id', '=', 'p.id')
            .$asScalar()
            .as('category_ids'),
        (eb) =>
          eb
            .selectFrom('brands as b')
            .select('b.handle')
            .whereRef('b.id', '=', 'p.brand_id')
            .as('brand_handle'),
        // A category's path is its ancestors' ids and its own ('/root/child/'): every category on
        // the way down from the root to each of the product's categories.
        (eb) =>
          eb
            .selectFrom('product_categories as pc')
            .innerJoin('categories as own', 'own.id', 'pc.category_id')
            .innerJoin('categories as up', (join) =>
              join.on(sql<boolean>`own.path like '%/' || up.id::text || '/%'`),
            )
            .select(
              sql<string[]>`coalesce(array_agg(distinct up.handle order by up.handle), '{}')`.as('handles'),
            )
            .whereRef('pc.product_id', '=', 'p.id')
            .$asScalar()
            .as('category_handles'),
      ])
      .where('v.sku', '=', sql<string>`any(${[...skus]}::text[])`)
      .execute();
    return rows.map((r) => ({
      sku: r.sku,
      variantId: r.variant_id,
      productId: r.product_id,
      handle: r.handle,
      title: r.title,
      options: r.options as Record<string, string>,
      price: { amount: Number(r.price_amount), currency: r.currency },
      compareAtPrice:
        r.compare_at_amount === null ? null : { amount: Number(r.compare_at_amount), currency: r.currency },
      weightGrams: r.weight_grams,
      image: r.image,
      brandId: r.brand_id,
      brandHandle: r.brand_handle ?? null,
      categoryIds: r.category_ids,
      categoryHandles: r.category_handles,
      sellable: r.status === 'active',
    }));
  },
};
