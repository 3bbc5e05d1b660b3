import type { Kysely } from '@mercato/platform/db';
import type { CatalogDB } from '../db.ts';

/** SQL of the signals other services feed the listing: availability per SKU and product ratings. */
export const signalRepository = {
  /**
   * Stores SKUs' availability readings, each unless a newer reading is already stored
   * (events can be retried out of order; of several readings of a SKU the newest counts, as
   * if stored one after the other). Answers whether some SKU's in-stock state flipped,
   * which is what cached listings and products depend on (`shown`: what reads show of a
   * SKU's stock — by default whether it is sellable; product reads also show its level). Two statements for any number of
   * readings: the stored rows locked (in SKU order, as every writer takes them), then one upsert.
   */
  async putStock(
    trx: Kysely<CatalogDB>,
    readings: Array<{ sku: string; available: number; backorder: boolean; asOf: Date }>,
    shown: (x: { available: number; backorder: boolean } | undefined) => string = (x) =>
      String(!!x && (x.available > 0 || x.backorder)),
  ): Promise<{ flipped: boolean }> {
    const newest = new Map<string, (typeof readings)[number]>();
    for (const r of readings) {
      const seen = newest.get(r.sku);
      if (!seen || r.asOf >= seen.asOf) newest.set(r.sku, r);
    }
    const skus = [...newest.keys()].sort();
    const before = new Map(
      (
        await trx
          .selectFrom('sku_stock')
          .select(['sku', 'available', 'backorder', 'as_of'])
          .where('sku', 'in', skus)
          .orderBy('sku')
          .forUpdate()
          .execute()
      ).map((r) => [r.sku, r]),
    );
    // A reading older than the stored one changes nothing.
    const fresh = skus
      .map((sku) => newest.get(sku)!)
      .filter((r) => {
        const stored = before.get(r.sku);
        return !stored || stored.as_of <= r.asOf;
      });
    if (fresh.length === 0) return { flipped: false };
    await trx
      .insertInto('sku_stock')
      .values(
        fresh.map((r) => ({ sku: r.sku, available: r.available, backorder: r.backorder, as_of: r.asOf })),
      )
      .onConflict((oc) =>
        oc.column('sku').doUpdateSet((eb) => ({
          available: eb.ref('excluded.available'),
          backorder: eb.ref('excluded.backorder'),
          as_of: eb.ref('excluded.as_of'),
        })),
      )
      .execute();
    // A SKU catalog never heard of shows as not sellable, so its first reading may flip it.
    return { flipped: fresh.some((r) => shown(r) !== shown(before.get(r.sku))) };
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
