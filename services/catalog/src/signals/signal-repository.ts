import type { Kysely } from '@mercato/platform/db';
import type { CatalogDB } from '../db.ts';

/** SQL of the signals other services feed the listing: availability per SKU and product ratings. */
export const signalRepository = {
  /**
   * Stores a SKU's availability unless a newer reading is already stored (events can be
   * retried out of order). Answers whether the SKU's in-stock state flipped, which is
   * what cached listings and products depend on; undefined when the reading was stale.
   */
  async putStock(
    trx: Kysely<CatalogDB>,
    s: { sku: string; available: number; backorder: boolean; asOf: Date },
  ): Promise<{ flipped: boolean } | undefined> {
    const before = await trx
      .selectFrom('sku_stock')
      .select(['available', 'backorder', 'as_of'])
      .where('sku', '=', s.sku)
      .forUpdate()
      .executeTakeFirst();
    if (before && before.as_of > s.asOf) return undefined;
    await trx
      .insertInto('sku_stock')
      .values({ sku: s.sku, available: s.available, backorder: s.backorder, as_of: s.asOf })
      .onConflict((oc) =>
        oc.column('sku').doUpdateSet({ available: s.available, backorder: s.backorder, as_of: s.asOf }),
      )
      .execute();
    const sellable = (x: { available: number; backorder: boolean }) => x.available > 0 || x.backorder;
    // A SKU catalog never heard of counted as not sellable, so its first reading may flip it.
    return { flipped: sellable(s) !== (before ? sellable(before) : false) };
  },

  /** Stores a product's rating unless a newer one is stored; answers whether a product row changed. */
  async putRating(
    trx: Kysely<CatalogDB>,
    r: { productId: string; average: number; count: number; asOf: Date },
  ): Promise<boolean> {
    const result = await trx
      .updateTable('products')
      .set({ rating_average: r.average, rating_count: r.count, rating_as_of: r.asOf })
      .where('id', '=', r.productId)
      .where((eb) => eb.or([eb('rating_as_of', 'is', null), eb('rating_as_of', '<=', r.asOf)]))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },
};
