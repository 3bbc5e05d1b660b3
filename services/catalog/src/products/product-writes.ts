import type { PriceChangedV1, ProductChangedV1 } from '@mercato/contracts';
import type { Kysely } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { EventDraft, Outbox } from '@mercato/platform/messaging';
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
import { storeImages } from '../media/media-repository.ts';
import { detailRepository } from './detail-repository.ts';
import {
  productRepository as repo,
  type NewProductRow,
  type ProductFields,
  type VariantFields,
} from './product-repository.ts';

// The in-transaction writes of products and variants, shared by the single-item use cases
// (product-service.ts) and the bulk import: the same rows and the same events either way.
// Each takes the caller's transaction; none opens one.

type Trx = Kysely<CatalogDB>;

/** Runs a write; unique violations become 409 CATALOG_SKU_TAKEN or CATALOG_HANDLE_TAKEN. */
export async function guardUnique<T>(write: () => Promise<T>): Promise<T> {
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

/** The data of product.created / product.updated. */
export function productChanged(p: Product): ProductChangedV1 {
  return {
    productId: p.id,
    handle: p.handle,
    skus: p.variants.map((v) => v.sku),
    title: p.title,
    status: p.status,
    version: p.version,
  };
}

/** The variants a create body stands for: its `variants`, or the default variant from `price`. */
export function variantsOf(input: Pick<CreateProductInput, 'handle' | 'variants' | 'price' | 'defaultSku'>) {
  if (input.variants) return input.variants;
  return input.price ? [{ sku: defaultSkuOf(input), price: input.price }] : undefined;
}

/** The SKU of a default variant: `defaultSku`, else the handle in upper case. */
export function defaultSkuOf(input: Pick<CreateProductInput, 'handle' | 'defaultSku'>): string {
  return input.defaultSku ?? input.handle.toUpperCase();
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

/** A product's stored fields (all but the search terms, which the writer recomputes). */
export function fieldsOf(p: Product): Omit<ProductFields, 'searchTerms'> {
  const {
    handle,
    title,
    description,
    status,
    brandId,
    sellerId,
    attributes,
    images,
    seoTitle,
    seoDescription,
  } = p;
  return {
    handle,
    title,
    description,
    status,
    brandId,
    sellerId,
    attributes,
    images,
    seoTitle,
    seoDescription,
  };
}

/** Unknown brand or category ids are a 404 naming them, before anything is written. */
export async function checkRefs(trx: Trx, brandId: string | null, categoryIds: string[]): Promise<void> {
  if (brandId && (await repo.countExisting(trx, 'brands', [brandId])) === 0) {
    throw CatalogErrors.CATALOG_BRAND_NOT_FOUND(`no brand ${brandId}`);
  }
  if ((await repo.countExisting(trx, 'categories', categoryIds)) !== categoryIds.length) {
    throw CatalogErrors.CATALOG_CATEGORY_NOT_FOUND('one of categoryIds does not exist');
  }
}

/** A product by id (404 when absent); `forUpdate` locks its row. */
export async function loadProduct(trx: Trx, id: string, forUpdate = false): Promise<Product> {
  const [product] = await repo.load(trx, [id], { forUpdate });
  if (!product) throw CatalogErrors.CATALOG_PRODUCT_NOT_FOUND(`no product ${id}`);
  return product;
}

/**
 * Creates a product with its variants (the default variant when `variants` is absent: 400
 * CATALOG_PRICE_REQUIRED without a price) and writes product.created.
 */
export async function writeNewProduct(trx: Trx, outbox: Outbox, input: CreateProductInput): Promise<Product> {
  const brandId = input.brandId ?? null;
  const categoryIds = input.categoryIds ?? [];
  await checkRefs(trx, brandId, categoryIds);
  const names = await repo.namesOf(trx, brandId ? [brandId] : [], categoryIds);
  const [id] = await writeNewProducts(trx, outbox, [input], names);
  return loadProduct(trx, id!);
}

/**
 * Creates many products at once (multi-row inserts: the demo seed, bulk loads) with one
 * product.created each — the same rows and events as {@link writeNewProduct}, whose
 * checks the caller has made: brand and category ids exist, and `names` holds their names
 * (the products' search terms). Resolves to the new ids, in input order.
 */
export async function writeNewProducts(
  trx: Trx,
  outbox: Outbox,
  inputs: readonly CreateProductInput[],
  names: ReadonlyMap<string, string>,
): Promise<string[]> {
  // Embedded images (data URLs) are stored once as media; products keep their URLs.
  // One statement pair for every image of the batch.
  const given = inputs.map((input) => (input.images ?? []).map((i) => ({ url: i.url, alt: i.alt ?? '' })));
  const stored = await storeImages(trx, given.flat());
  const images = given.map((list, n) => {
    const start = given.slice(0, n).reduce((sum, l) => sum + l.length, 0);
    return stored.slice(start, start + list.length);
  });
  const rows: NewProductRow[] = inputs.map((input, n) => {
    const variants = variantsOf(input);
    if (!variants) {
      throw CatalogErrors.CATALOG_PRICE_REQUIRED('send variants, or a price for the default variant', {
        errors: [{ path: '/price', message: 'is required when variants is absent' }],
      });
    }
    const brandId = input.brandId ?? null;
    const categoryIds = input.categoryIds ?? [];
    return {
      id: newId(),
      fields: {
        handle: input.handle,
        title: input.title,
        description: input.description ?? null,
        status: input.status ?? 'draft',
        brandId,
        sellerId: input.sellerId ?? null,
        attributes: input.attributes ?? {},
        images: images[n]!,
        seoTitle: input.seoTitle ?? null,
        seoDescription: input.seoDescription ?? null,
        searchTerms: [brandId, ...categoryIds].flatMap((ref) => (ref && names.get(ref)) || []).join(' '),
      },
      categoryIds,
      variants: variants.map((v, i) => ({ id: newId(), fields: variantFields(v, i) })),
    };
  });
  await repo.insertMany(trx, rows);
  await outbox.addMany(
    trx,
    rows.map((r): EventDraft<'product.created'> => ({
      type: 'product.created',
      subject: r.id,
      data: {
        productId: r.id,
        handle: r.fields.handle,
        // in the order the product lists them: by position, then as written
        skus: r.variants
          .map((v) => v.fields)
          .sort((x, y) => x.position - y.position)
          .map((v) => v.sku),
        title: r.fields.title,
        status: r.fields.status,
        version: 1,
      },
    })),
  );
  return rows.map((r) => r.id);
}

/**
 * Writes a partial change of a product's own fields and categories (no event: the caller
 * writes one product.updated with {@link writeProductUpdated} once its changes are done).
 * An archived product keeps its status (it comes back only through restore).
 */
export async function writeProductPatch(
  trx: Trx,
  current: Product,
  patch: UpdateProductInput,
): Promise<void> {
  const next = { ...fieldsOf(current) };
  if (patch.handle !== undefined) next.handle = patch.handle;
  if (patch.title !== undefined) next.title = patch.title;
  if (patch.description !== undefined) next.description = patch.description;
  if (patch.brandId !== undefined) next.brandId = patch.brandId;
  if (patch.sellerId !== undefined) next.sellerId = patch.sellerId;
  if (patch.attributes !== undefined) next.attributes = patch.attributes;
  if (patch.images !== undefined) {
    next.images = await storeImages(
      trx,
      patch.images.map((i) => ({ url: i.url, alt: i.alt ?? '' })),
    );
  }
  if (patch.seoTitle !== undefined) next.seoTitle = patch.seoTitle;
  if (patch.seoDescription !== undefined) next.seoDescription = patch.seoDescription;
  if (patch.status !== undefined && current.status !== 'archived') next.status = patch.status;
  const categoryIds = patch.categoryIds ?? current.categoryIds;
  await checkRefs(trx, next.brandId, patch.categoryIds ?? []);
  const searchTerms = await repo.searchTerms(trx, next.brandId, categoryIds);
  await repo.update(trx, current.id, current.version, { ...next, searchTerms });
  // The old handle keeps working: reads of it answer 301 to the new one.
  if (next.handle !== current.handle)
    await detailRepository.addRedirect(trx, current.handle, next.handle, current.id);
  if (patch.categoryIds) await repo.setCategories(trx, current.id, categoryIds);
}

/** Adds a variant to a product (no event: see {@link writeProductUpdated}). */
export async function writeNewVariant(
  trx: Trx,
  productId: string,
  input: CreateVariantInput,
  position: number,
): Promise<Variant> {
  return repo.insertVariant(trx, newId(), productId, variantFields(input, position));
}

/** Writes product.updated with the product as it now is; returns it. */
export async function writeProductUpdated(trx: Trx, outbox: Outbox, productId: string): Promise<Product> {
  const product = await loadProduct(trx, productId);
  await outbox.add(trx, { type: 'product.updated', subject: productId, data: productChanged(product) });
  return product;
}

/**
 * Writes a partial change of a variant; a new price (amount or currency) writes
 * price.changed with the old and the new price. A new SKU is the caller's to announce
 * (product.updated, with {@link writeProductUpdated}).
 */
export async function writeVariantPatch(
  trx: Trx,
  outbox: Outbox,
  current: Variant,
  patch: UpdateVariantInput,
): Promise<Variant> {
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
  if (price.amount !== current.price.amount || price.currency !== current.price.currency) {
    const data: PriceChangedV1 = {
      productId: current.productId,
      sku: updated.sku,
      oldPrice: current.price,
      newPrice: updated.price,
    };
    await outbox.add(trx, { type: 'price.changed', subject: updated.sku, data });
  }
  return updated;
}
