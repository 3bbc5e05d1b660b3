import type { PriceChangedV1, ProductChangedV1 } from '@mercato/contracts';
import type { Kysely } from '@mercato/platform/db';
import {
  checkVersion,
  requireVersion,
  type ExpectedVersion as Expected,
  type ServiceContext,
} from '@mercato/platform/http';
import { newId } from '@mercato/platform/ids';
import { uniqueViolation, type CatalogDB } from '../db.ts';
import { CatalogErrors } from '../errors.ts';
import type {
  CreateProductInput,
  CreateVariantInput,
  Product,
  UpdateProductInput,
  UpdateVariantInput,
  Variant,
} from './product.ts';
import { productRepository as repo, type ProductFields, type VariantFields } from './product-repository.ts';

/** Use cases of products and variants (admin writes and the store's single reads). */
export interface ProductService {
  create(input: CreateProductInput): Promise<Product>;
  update(id: string, patch: UpdateProductInput, expected: Expected): Promise<Product>;
  archive(id: string, expected: Expected): Promise<Product>;
  restore(id: string, expected: Expected): Promise<Product>;
  addVariant(productId: string, input: CreateVariantInput): Promise<Variant>;
  updateVariant(id: string, patch: UpdateVariantInput, expected: Expected): Promise<Variant>;
  getActive(idOrHandle: string): Promise<Product>;
  getActiveBySku(sku: string): Promise<Product>;
}

const notFound = (what: string) => CatalogErrors.CATALOG_PRODUCT_NOT_FOUND(`no product ${what}`);

/** Runs a write; unique violations become 409 CATALOG_SKU_TAKEN or CATALOG_HANDLE_TAKEN. */
async function guardUnique<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const which = uniqueViolation(err);
    if (which === 'sku') throw CatalogErrors.CATALOG_SKU_TAKEN('a variant with this SKU already exists');
    if (which === 'handle')
      throw CatalogErrors.CATALOG_HANDLE_TAKEN('a product with this handle already exists');
    throw err;
  }
}

function variantFields(v: CreateVariantInput, position: number): VariantFields {
  return {
    sku: v.sku,
    options: v.options ?? {},
    price: v.price,
    compareAtAmount: v.compareAtPrice?.amount ?? null,
    weightGrams: v.weightGrams ?? null,
    barcode: v.barcode ?? null,
    position: v.position ?? position,
  };
}

function changed(p: Product): ProductChangedV1 {
  return {
    productId: p.id,
    handle: p.handle,
    skus: p.variants.map((v) => v.sku),
    title: p.title,
    status: p.status,
    version: p.version,
  };
}

export function createProductService(ctx: ServiceContext<CatalogDB>): ProductService {
  const { database, outbox } = ctx;
  const db = database.db;

  /** Unknown brand or category ids are a 404 naming them, before anything is written. */
  async function checkRefs(trx: Kysely<CatalogDB>, brandId: string | null, categoryIds: string[]) {
    if (brandId && (await repo.countExisting(trx, 'brands', [brandId])) === 0) {
      throw CatalogErrors.CATALOG_BRAND_NOT_FOUND(`no brand ${brandId}`);
    }
    if ((await repo.countExisting(trx, 'categories', categoryIds)) !== categoryIds.length) {
      throw CatalogErrors.CATALOG_CATEGORY_NOT_FOUND('one of categoryIds does not exist');
    }
  }

  async function loadOne(trx: Kysely<CatalogDB>, id: string, forUpdate = false): Promise<Product> {
    const [product] = await repo.load(trx, [id], { forUpdate });
    if (!product) throw notFound(id);
    return product;
  }

  function fieldsOf(p: Product): Omit<ProductFields, 'searchTerms'> {
    const { handle, title, description, status, brandId, sellerId, attributes, images } = p;
    return { handle, title, description, status, brandId, sellerId, attributes, images };
  }

  /** Writes a status change (archive/restore) and its event in one transaction. */
  async function setStatus(id: string, expected: Expected, to: 'archived' | 'draft'): Promise<Product> {
    return database.transaction(async (trx) => {
      const current = await loadOne(trx, id, true);
      checkVersion(expected, current.version);
      if ((to === 'archived') === (current.status === 'archived')) return current; // already there
      const searchTerms = await repo.searchTerms(trx, current.brandId, current.categoryIds);
      await repo.update(trx, id, current.version, { ...fieldsOf(current), status: to, searchTerms });
      const next = await loadOne(trx, id);
      if (to === 'archived') {
        const { productId, handle, skus, version } = changed(next);
        await outbox.add(trx, {
          type: 'product.deactivated',
          subject: id,
          data: { productId, handle, skus, version },
        });
      } else {
        await outbox.add(trx, { type: 'product.updated', subject: id, data: changed(next) });
      }
      return next;
    });
  }

  return {
    async create(input) {
      const sku = input.defaultSku ?? input.handle.toUpperCase();
      const variants = input.variants ?? (input.price ? [{ sku, price: input.price }] : undefined);
      if (!variants) {
        throw CatalogErrors.CATALOG_PRICE_REQUIRED('send variants, or a price for the default variant', {
          errors: [{ path: '/price', message: 'is required when variants is absent' }],
        });
      }
      const id = newId();
      const brandId = input.brandId ?? null;
      const categoryIds = input.categoryIds ?? [];
      return guardUnique(() =>
        database.transaction(async (trx) => {
          await checkRefs(trx, brandId, categoryIds);
          await repo.insert(trx, id, {
            handle: input.handle,
            title: input.title,
            description: input.description ?? null,
            status: input.status,
            brandId,
            sellerId: input.sellerId ?? null,
            attributes: input.attributes ?? {},
            images: (input.images ?? []).map((i) => ({ url: i.url, alt: i.alt })),
            searchTerms: await repo.searchTerms(trx, brandId, categoryIds),
          });
          await repo.setCategories(trx, id, categoryIds);
          for (const [i, v] of variants.entries())
            await repo.insertVariant(trx, newId(), id, variantFields(v, i));
          const product = await loadOne(trx, id);
          await outbox.add(trx, { type: 'product.created', subject: id, data: changed(product) });
          return product;
        }),
      );
    },

    async update(id, patch, expected) {
      return guardUnique(() =>
        database.transaction(async (trx) => {
          const current = await loadOne(trx, id, true);
          requireVersion(expected, current.version);
          const next = { ...fieldsOf(current) };
          if (patch.handle !== undefined) next.handle = patch.handle;
          if (patch.title !== undefined) next.title = patch.title;
          if (patch.description !== undefined) next.description = patch.description;
          if (patch.brandId !== undefined) next.brandId = patch.brandId;
          if (patch.sellerId !== undefined) next.sellerId = patch.sellerId;
          if (patch.attributes !== undefined) next.attributes = patch.attributes;
          if (patch.images !== undefined) next.images = patch.images.map((i) => ({ url: i.url, alt: i.alt }));
          // An archived product comes back only through /restore.
          if (patch.status !== undefined && current.status !== 'archived') next.status = patch.status;
          const categoryIds = patch.categoryIds ?? current.categoryIds;
          await checkRefs(trx, next.brandId, patch.categoryIds ?? []);
          const searchTerms = await repo.searchTerms(trx, next.brandId, categoryIds);
          await repo.update(trx, id, current.version, { ...next, searchTerms });
          if (patch.categoryIds) await repo.setCategories(trx, id, categoryIds);
          const product = await loadOne(trx, id);
          await outbox.add(trx, { type: 'product.updated', subject: id, data: changed(product) });
          return product;
        }),
      );
    },

    archive: (id, expected) => setStatus(id, expected, 'archived'),
    // A restored product comes back as a draft: it is re-activated on purpose, not by accident.
    restore: (id, expected) => setStatus(id, expected, 'draft'),

    async addVariant(productId, input) {
      return guardUnique(() =>
        database.transaction(async (trx) => {
          const product = await loadOne(trx, productId, true);
          const variant = await repo.insertVariant(
            trx,
            newId(),
            productId,
            variantFields(input, product.variants.length),
          );
          await outbox.add(trx, {
            type: 'product.updated',
            subject: productId,
            data: changed(await loadOne(trx, productId)),
          });
          return variant;
        }),
      );
    },

    async updateVariant(id, patch, expected) {
      return guardUnique(() =>
        database.transaction(async (trx) => {
          const current = await repo.findVariant(trx, id, { forUpdate: true });
          if (!current) throw CatalogErrors.CATALOG_VARIANT_NOT_FOUND(`no variant ${id}`);
          requireVersion(expected, current.version);
          const price = patch.price ?? current.price;
          const updated = await repo.updateVariant(trx, current, {
            sku: patch.sku ?? current.sku,
            options: patch.options ?? current.options,
            price,
            compareAtAmount:
              patch.compareAtPrice === undefined
                ? (current.compareAtPrice?.amount ?? null)
                : (patch.compareAtPrice?.amount ?? null),
            weightGrams: patch.weightGrams === undefined ? current.weightGrams : patch.weightGrams,
            barcode: patch.barcode === undefined ? current.barcode : patch.barcode,
            position: patch.position ?? current.position,
          });
          const priceMoved =
            price.amount !== current.price.amount || price.currency !== current.price.currency;
          if (priceMoved) {
            const data: PriceChangedV1 = {
              productId: current.productId,
              sku: updated.sku,
              oldPrice: current.price,
              newPrice: updated.price,
            };
            await outbox.add(trx, { type: 'price.changed', subject: updated.sku, data });
          }
          if (updated.sku !== current.sku) {
            const product = await loadOne(trx, current.productId);
            await outbox.add(trx, { type: 'product.updated', subject: product.id, data: changed(product) });
          }
          return updated;
        }),
      );
    },

    async getActive(idOrHandle) {
      const id = await repo.findId(db, idOrHandle, 'active');
      if (!id) throw notFound(idOrHandle);
      return loadOne(db, id);
    },

    async getActiveBySku(sku) {
      const id = await repo.findIdBySku(db, sku, 'active');
      if (!id) throw notFound(`with SKU ${sku}`);
      return loadOne(db, id);
    },
  };
}
