import type { Kysely } from '@mercato/platform/db';
import type { CatalogDB } from '../db.ts';
import {
  toDetail,
  type DetailExtras,
  type ProductDetail,
  type Ref,
  type StockDisplay,
  type Stock,
} from './product-detail.ts';
import type { Product } from './product.ts';

/** Products as detail reads (see product-detail.ts), in the order given. */
export async function productDetails(
  db: Kysely<CatalogDB>,
  products: Product[],
  view: { display: StockDisplay; lowStock: number },
): Promise<ProductDetail[]> {
  const extras = await detailRepository.extras(db, products);
  return products.map((p) => toDetail(p, extras.get(p.id)!, view.display, view.lowStock));
}

/** SQL of what a detail read adds to products: brand, breadcrumbs, stock, rating, SEO. Five statements for any number. */
export const detailRepository = {
  async extras(db: Kysely<CatalogDB>, products: Product[]): Promise<Map<string, DetailExtras>> {
    const out = new Map<string, DetailExtras>();
    if (products.length === 0) return out;
    const ids = products.map((p) => p.id);
    const brandIds = [...new Set(products.flatMap((p) => (p.brandId ? [p.brandId] : [])))];
    const categoryIds = [...new Set(products.flatMap((p) => p.categoryIds))];
    const skus = products.flatMap((p) => p.variants.map((v) => v.sku));
    const [rows, brands, own, stock] = await Promise.all([
      db
        .selectFrom('products')
        .select(['id', 'rating_average', 'rating_count', 'seo_title', 'seo_description'])
        .where('id', 'in', ids)
        .execute(),
      brandIds.length
        ? db.selectFrom('brands').select(['id', 'handle', 'name']).where('id', 'in', brandIds).execute()
        : [],
      categoryIds.length
        ? db.selectFrom('categories').select(['id', 'path']).where('id', 'in', categoryIds).execute()
        : [],
      skus.length
        ? db
            .selectFrom('sku_stock')
            .select(['sku', 'available', 'backorder'])
            .where('sku', 'in', skus)
            .execute()
        : [],
    ]);
    // The deepest category of each product (then the smallest path, so the choice is stable).
    const paths = new Map(own.map((c) => [c.id, c.path]));
    const deepest = new Map<string, string[]>();
    for (const p of products) {
      const best = p.categoryIds
        .map((id) => paths.get(id) ?? '')
        .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))[0];
      deepest.set(p.id, best ? best.split('/').filter(Boolean) : []);
    }
    const crumbIds = [...new Set([...deepest.values()].flat())];
    const crumbs = crumbIds.length
      ? await db
          .selectFrom('categories')
          .select(['id', 'handle', 'name'])
          .where('id', 'in', crumbIds)
          .execute()
      : [];
    const crumbById = new Map<string, Ref>(crumbs.map((c) => [c.id, c]));
    const brandById = new Map<string, Ref>(brands.map((b) => [b.id, b]));
    const stockBySku = new Map<string, Stock>(
      stock.map((s) => [s.sku, { available: s.available, backorder: s.backorder }]),
    );
    const rowById = new Map(rows.map((r) => [r.id, r]));
    for (const p of products) {
      const row = rowById.get(p.id);
      out.set(p.id, {
        brand: (p.brandId && brandById.get(p.brandId)) || null,
        breadcrumbs: (deepest.get(p.id) ?? []).flatMap((id) => crumbById.get(id) ?? []),
        stock: stockBySku,
        rating: { average: Number(row?.rating_average ?? 0), count: row?.rating_count ?? 0 },
        seoTitle: row?.seo_title ?? null,
        seoDescription: row?.seo_description ?? null,
      });
    }
    return out;
  },

  /** The current handle of the active product an old handle redirects to. */
  async redirect(db: Kysely<CatalogDB>, handle: string): Promise<string | undefined> {
    const row = await db
      .selectFrom('product_handle_redirects as r')
      .innerJoin('products', 'products.id', 'r.product_id')
      .select('products.handle')
      .where('r.handle', '=', handle)
      .where('products.status', '=', 'active')
      .executeTakeFirst();
    return row?.handle;
  },

  /** Records that a product's old handle now redirects to it (a product that takes the handle later wins). */
  async addRedirect(
    trx: Kysely<CatalogDB>,
    oldHandle: string,
    newHandle: string,
    productId: string,
  ): Promise<void> {
    await trx.deleteFrom('product_handle_redirects').where('handle', '=', newHandle).execute();
    await trx
      .insertInto('product_handle_redirects')
      .values({ handle: oldHandle, product_id: productId })
      .onConflict((oc) => oc.column('handle').doUpdateSet({ product_id: productId }))
      .execute();
  },
};
