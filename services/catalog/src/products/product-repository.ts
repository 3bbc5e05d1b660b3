import { sql, type Kysely, type Selectable } from '@mercato/platform/db';
import { jsonb } from '@mercato/platform/db';
import { type CatalogDB, type ProductsTable, type VariantsTable } from '../db.ts';
import type { Money, Product, ProductStatus, Variant } from './product.ts';

export function toVariant(row: Selectable<VariantsTable>): Variant {
  return {
    id: row.id,
    productId: row.product_id,
    sku: row.sku,
    options: row.options as Variant['options'],
    price: { amount: Number(row.price_amount), currency: row.currency },
    compareAtPrice:
      row.compare_at_amount === null
        ? null
        : { amount: Number(row.compare_at_amount), currency: row.currency },
    weightGrams: row.weight_grams,
    barcode: row.barcode,
    position: row.position,
    version: row.version,
  };
}

function lowest(variants: Variant[]): Money | null {
  let min: Money | null = null;
  for (const v of variants) if (!min || v.price.amount < min.amount) min = v.price;
  return min;
}

export function toProduct(
  row: Selectable<ProductsTable>,
  variants: Variant[],
  categoryIds: string[],
): Product {
  return {
    id: row.id,
    handle: row.handle,
    title: row.title,
    description: row.description,
    status: row.status,
    brandId: row.brand_id,
    sellerId: row.seller_id,
    categoryIds,
    attributes: row.attributes as Product['attributes'],
    images: row.images as Product['images'],
    variants,
    price: lowest(variants),
    seoTitle: row.seo_title,
    seoDescription: row.seo_description,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The stored fields of a product, in API names. */
export interface ProductFields {
  handle: string;
  title: string;
  description: string | null;
  status: ProductStatus;
  brandId: string | null;
  sellerId: string | null;
  attributes: Product['attributes'];
  images: Product['images'];
  seoTitle: string | null;
  seoDescription: string | null;
  searchTerms: string;
}

function columns(f: ProductFields) {
  return {
    handle: f.handle,
    title: f.title,
    description: f.description,
    status: f.status,
    brand_id: f.brandId,
    seller_id: f.sellerId,
    attributes: jsonb(f.attributes),
    images: jsonb(f.images),
    seo_title: f.seoTitle,
    seo_description: f.seoDescription,
    search_terms: f.searchTerms,
  };
}

export interface VariantFields {
  sku: string;
  options: Variant['options'];
  price: Money;
  compareAtAmount: number | null;
  weightGrams: number | null;
  barcode: string | null;
  position: number;
}

/** A new product as rows: its fields, category ids and variants, ids chosen by the caller. */
export interface NewProductRow {
  id: string;
  fields: ProductFields;
  categoryIds: string[];
  variants: Array<{ id: string; fields: VariantFields }>;
}

function variantColumns(f: VariantFields) {
  return {
    sku: f.sku,
    options: jsonb(f.options),
    price_amount: f.price.amount,
    currency: f.price.currency,
    compare_at_amount: f.compareAtAmount,
    weight_grams: f.weightGrams,
    barcode: f.barcode,
    position: f.position,
  };
}

/** SQL of products, their categories and variants. Write methods take the caller's transaction. */
export const productRepository = {
  /** Products by ids, with variants and category ids, in the order of `ids`. */
  async load(db: Kysely<CatalogDB>, ids: string[], opts: { forUpdate?: boolean } = {}): Promise<Product[]> {
    if (ids.length === 0) return [];
    let query = db.selectFrom('products').selectAll().where('id', 'in', ids);
    if (opts.forUpdate) query = query.forUpdate();
    const rows = await query.execute();
    const variants = await db
      .selectFrom('variants')
      .selectAll()
      .where('product_id', 'in', ids)
      .orderBy('position')
      .orderBy('created_at')
      .execute();
    const links = await db
      .selectFrom('product_categories')
      .selectAll()
      .where('product_id', 'in', ids)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      if (!row) return [];
      const own = variants.filter((v) => v.product_id === id).map(toVariant);
      const cats = links.filter((l) => l.product_id === id).map((l) => l.category_id);
      return [toProduct(row, own, cats.sort())];
    });
  },

  /** The id of a product by id or handle (`status` restricts it, e.g. to active). */
  async findId(
    db: Kysely<CatalogDB>,
    idOrHandle: string,
    status?: ProductStatus,
  ): Promise<string | undefined> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrHandle);
    let query = db
      .selectFrom('products')
      .select('id')
      .where(isUuid ? 'id' : 'handle', '=', isUuid ? idOrHandle.toLowerCase() : idOrHandle);
    if (status) query = query.where('status', '=', status);
    return (await query.executeTakeFirst())?.id;
  },

  async findIdBySku(db: Kysely<CatalogDB>, sku: string, status: ProductStatus): Promise<string | undefined> {
    const row = await db
      .selectFrom('variants')
      .innerJoin('products', 'products.id', 'variants.product_id')
      .select('products.id')
      .where('variants.sku', '=', sku)
      .where('products.status', '=', status)
      .executeTakeFirst();
    return row?.id;
  },

  /** Brand and category names, the B-weighted part of the search vector. */
  async searchTerms(db: Kysely<CatalogDB>, brandId: string | null, categoryIds: string[]): Promise<string> {
    const names: string[] = [];
    if (brandId) {
      const brand = await db.selectFrom('brands').select('name').where('id', '=', brandId).executeTakeFirst();
      if (brand) names.push(brand.name);
    }
    if (categoryIds.length > 0) {
      const cats = await db.selectFrom('categories').select('name').where('id', 'in', categoryIds).execute();
      names.push(...cats.map((c) => c.name));
    }
    return names.join(' ');
  },

  /**
   * Recomputes `search_terms` of the products of a brand or category after it was renamed
   * (one query per product: renames are rare admin writes).
   */
  async refreshSearchTerms(trx: Kysely<CatalogDB>, of: { brandId: string } | { categoryId: string }) {
    const ids =
      'brandId' in of
        ? await trx.selectFrom('products').select('id').where('brand_id', '=', of.brandId).execute()
        : await trx
            .selectFrom('product_categories')
            .select('product_id as id')
            .where('category_id', '=', of.categoryId)
            .execute();
    for (const { id } of ids) {
      const row = await trx
        .selectFrom('products')
        .select('brand_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const cats = await trx
        .selectFrom('product_categories')
        .select('category_id')
        .where('product_id', '=', id)
        .execute();
      const terms = await productRepository.searchTerms(
        trx,
        row.brand_id,
        cats.map((c) => c.category_id),
      );
      await trx.updateTable('products').set({ search_terms: terms }).where('id', '=', id).execute();
    }
  },

  async countExisting(db: Kysely<CatalogDB>, table: 'brands' | 'categories', ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('id', 'in', ids)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  async insert(trx: Kysely<CatalogDB>, id: string, f: ProductFields): Promise<void> {
    await trx
      .insertInto('products')
      .values({ id, ...columns(f), version: 1 })
      .execute();
  },

  async update(trx: Kysely<CatalogDB>, id: string, version: number, f: ProductFields): Promise<void> {
    await trx
      .updateTable('products')
      .set({ ...columns(f), version: version + 1, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirstOrThrow();
  },

  /** Inserts new products with their category links and variants: three statements for any number. */
  async insertMany(trx: Kysely<CatalogDB>, rows: NewProductRow[]): Promise<void> {
    if (rows.length === 0) return;
    await trx
      .insertInto('products')
      .values(rows.map((r) => ({ id: r.id, ...columns(r.fields), version: 1 })))
      .execute();
    const links = rows.flatMap((r) =>
      r.categoryIds.map((category_id) => ({ product_id: r.id, category_id })),
    );
    if (links.length > 0) await trx.insertInto('product_categories').values(links).execute();
    await trx
      .insertInto('variants')
      .values(
        rows.flatMap((r) =>
          r.variants.map((v) => ({ id: v.id, product_id: r.id, ...variantColumns(v.fields) })),
        ),
      )
      .execute();
  },

  /** Names of brands and categories by id (the search terms of their products). */
  async namesOf(
    db: Kysely<CatalogDB>,
    brandIds: string[],
    categoryIds: string[],
  ): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    if (brandIds.length > 0) {
      const rows = await db.selectFrom('brands').select(['id', 'name']).where('id', 'in', brandIds).execute();
      for (const r of rows) names.set(r.id, r.name);
    }
    if (categoryIds.length > 0) {
      const rows = await db
        .selectFrom('categories')
        .select(['id', 'name'])
        .where('id', 'in', categoryIds)
        .execute();
      for (const r of rows) names.set(r.id, r.name);
    }
    return names;
  },

  async setCategories(trx: Kysely<CatalogDB>, productId: string, categoryIds: string[]): Promise<void> {
    await trx.deleteFrom('product_categories').where('product_id', '=', productId).execute();
    if (categoryIds.length === 0) return;
    await trx
      .insertInto('product_categories')
      .values(categoryIds.map((category_id) => ({ product_id: productId, category_id })))
      .execute();
  },

  async insertVariant(
    trx: Kysely<CatalogDB>,
    id: string,
    productId: string,
    f: VariantFields,
  ): Promise<Variant> {
    const row = await trx
      .insertInto('variants')
      .values({ id, product_id: productId, ...variantColumns(f) })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toVariant(row);
  },

  async findVariant(trx: Kysely<CatalogDB>, id: string, opts: { forUpdate?: boolean } = {}) {
    let query = trx.selectFrom('variants').selectAll().where('id', '=', id);
    if (opts.forUpdate) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row && toVariant(row);
  },

  async updateVariant(trx: Kysely<CatalogDB>, current: Variant, f: VariantFields): Promise<Variant> {
    const row = await trx
      .updateTable('variants')
      .set({ ...variantColumns(f), version: current.version + 1, updated_at: sql<Date>`now()` })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toVariant(row);
  },
};
