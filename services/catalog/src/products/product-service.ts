import { checkVersion, requireVersion, type ExpectedVersion as Expected } from '@mercato/platform/http';
import { type ServiceContext } from '@mercato/platform/service';
import type { CatalogDB } from '../db.ts';
import { CatalogErrors } from '../errors.ts';
import type {
  CreateProductInput,
  CreateVariantInput,
  Product,
  UpdateProductInput,
  UpdateVariantInput,
  Variant,
} from './product.ts';
import type { CatalogConfig } from '../config.ts';
import { detailRepository, productDetails } from './detail-repository.ts';
import type { ProductDetail } from './product-detail.ts';
import { productRepository as repo } from './product-repository.ts';
import {
  fieldsOf,
  guardUnique,
  loadProduct as loadOne,
  productChanged as changed,
  writeNewProduct,
  writeNewVariant,
  writeProductPatch,
  writeProductUpdated,
  writeVariantPatch,
} from './product-writes.ts';

/** Use cases of products and variants (admin writes and the store's single reads). */
export interface ProductService {
  create(input: CreateProductInput): Promise<Product>;
  update(id: string, patch: UpdateProductInput, expected: Expected): Promise<Product>;
  archive(id: string, expected: Expected): Promise<Product>;
  restore(id: string, expected: Expected): Promise<Product>;
  addVariant(productId: string, input: CreateVariantInput): Promise<Variant>;
  updateVariant(id: string, patch: UpdateVariantInput, expected: Expected): Promise<Variant>;
  /** The store's read of an active product: with brand, breadcrumbs, options, availability. */
  getActive(idOrHandle: string): Promise<ProductDetail>;
  getActiveBySku(sku: string): Promise<ProductDetail>;
  /** The current handle an old handle of an active product redirects to. */
  movedTo(handle: string): Promise<string | undefined>;
}

const notFound = (what: string) => CatalogErrors.CATALOG_PRODUCT_NOT_FOUND(`no product ${what}`);

export function createProductService(ctx: ServiceContext<CatalogDB, CatalogConfig>): ProductService {
  const { database, outbox } = ctx;
  const db = database.db;
  const view = {
    display: ctx.config.CATALOG_STOCK_DISPLAY,
    lowStock: ctx.config.CATALOG_LOW_STOCK_THRESHOLD,
  };
  const detail = async (id: string): Promise<ProductDetail> =>
    (await productDetails(db, [await loadOne(db, id)], view))[0]!;

  /** Writes a status change (archive/restore) and its event in one transaction. */
  async function setStatus(id: string, expected: Expected, to: 'archived' | 'draft'): Promise<Product> {
    return database.transaction(async (trx) => {
      const current = await loadOne(trx, id, true);
      checkVersion(expected, current.version);
      if ((to === 'archived') === (current.status === 'archived')) return current; // already there
      const searchTerms = await repo.searchTerms(trx, current.brandId, current.categoryIds);
      await repo.update(trx, id, current.version, { ...fieldsOf(current), status: to, searchTerms });
      if (to === 'draft') return writeProductUpdated(trx, outbox, id);
      const next = await loadOne(trx, id);
      const { productId, handle, skus, version } = changed(next);
      await outbox.add(trx, {
        type: 'product.deactivated',
        subject: id,
        data: { productId, handle, skus, version },
      });
      return next;
    });
  }

  return {
    async create(input) {
      return guardUnique(() => database.transaction((trx) => writeNewProduct(trx, outbox, input)));
    },

    async update(id, patch, expected) {
      return guardUnique(() =>
        database.transaction(async (trx) => {
          const current = await loadOne(trx, id, true);
          requireVersion(expected, current.version);
          await writeProductPatch(trx, current, patch);
          return writeProductUpdated(trx, outbox, id);
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
          const variant = await writeNewVariant(trx, productId, input, product.variants.length);
          await writeProductUpdated(trx, outbox, productId);
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
          const updated = await writeVariantPatch(trx, outbox, current, patch);
          if (updated.sku !== current.sku) await writeProductUpdated(trx, outbox, current.productId);
          return updated;
        }),
      );
    },

    async getActive(idOrHandle) {
      const id = await repo.findId(db, idOrHandle, 'active');
      if (!id) throw notFound(idOrHandle);
      return detail(id);
    },

    async getActiveBySku(sku) {
      const id = await repo.findIdBySku(db, sku, 'active');
      if (!id) throw notFound(`with SKU ${sku}`);
      return detail(id);
    },

    movedTo: (handle) => detailRepository.redirect(db, handle),
  };
}
