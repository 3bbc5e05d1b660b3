import { type ServiceContext } from '@mercato/platform/service';
import { newId } from '@mercato/platform/ids';
import { uniqueViolation, type CatalogDB } from '../db.ts';
import { CatalogErrors } from '../errors.ts';
import { productRepository } from '../products/product-repository.ts';
import { taxonomyRepository as repo } from './taxonomy-repository.ts';
import type {
  Brand,
  Category,
  CreateBrandInput,
  CreateCategoryInput,
  UpdateBrandInput,
  UpdateCategoryInput,
} from './taxonomy.ts';

/** Use cases of brands and the category tree. */
export interface TaxonomyService {
  listBrands(): Promise<Brand[]>;
  getBrand(id: string): Promise<Brand>;
  createBrand(input: CreateBrandInput): Promise<Brand>;
  updateBrand(id: string, patch: UpdateBrandInput): Promise<Brand>;
  deleteBrand(id: string): Promise<void>;
  listCategories(): Promise<Category[]>;
  getCategory(id: string): Promise<Category>;
  createCategory(input: CreateCategoryInput): Promise<Category>;
  updateCategory(id: string, patch: UpdateCategoryInput): Promise<Category>;
  deleteCategory(id: string): Promise<void>;
}

const brandNotFound = (id: string) => CatalogErrors.CATALOG_BRAND_NOT_FOUND(`no brand ${id}`);
const categoryNotFound = (id: string) => CatalogErrors.CATALOG_CATEGORY_NOT_FOUND(`no category ${id}`);

/** Runs a write; a duplicate handle becomes 409 CATALOG_HANDLE_TAKEN. */
async function guardHandle<T>(handle: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (uniqueViolation(err)) throw CatalogErrors.CATALOG_HANDLE_TAKEN(`handle ${handle} is taken`);
    throw err;
  }
}

export function createTaxonomyService(ctx: ServiceContext<CatalogDB>): TaxonomyService {
  const { database } = ctx;
  const db = database.db;

  async function parentPath(parentId: string | null): Promise<string> {
    if (parentId === null) return '/';
    const parent = await repo.findCategory(db, parentId);
    if (!parent) throw categoryNotFound(parentId);
    return parent.path;
  }

  const service: TaxonomyService = {
    listBrands: () => repo.listBrands(db),
    async getBrand(id) {
      const brand = await repo.findBrand(db, id);
      if (!brand) throw brandNotFound(id);
      return brand;
    },
    createBrand: (input) =>
      guardHandle(input.handle, () =>
        database.transaction((trx) => repo.insertBrand(trx, newId(), input.handle, input.name)),
      ),
    async updateBrand(id, patch) {
      const current = await service.getBrand(id);
      const handle = patch.handle ?? current.handle;
      return guardHandle(handle, () =>
        database.transaction(async (trx) => {
          const brand = await repo.updateBrand(trx, id, handle, patch.name ?? current.name);
          // Brand names are part of the search vector of its products.
          if (brand.name !== current.name) await productRepository.refreshSearchTerms(trx, { brandId: id });
          return brand;
        }),
      );
    },
    async deleteBrand(id) {
      const deleted = await database.transaction((trx) => repo.deleteBrand(trx, id));
      if (!deleted) throw brandNotFound(id);
    },

    listCategories: () => repo.listCategories(db),
    async getCategory(id) {
      const category = await repo.findCategory(db, id);
      if (!category) throw categoryNotFound(id);
      return category;
    },
    async createCategory(input) {
      const parentId = input.parentId ?? null;
      const id = newId();
      const path = `${await parentPath(parentId)}${id}/`;
      return guardHandle(input.handle, () =>
        database.transaction((trx) =>
          repo.insertCategory(trx, {
            id,
            handle: input.handle,
            name: input.name,
            parentId,
            position: input.position,
            path,
          }),
        ),
      );
    },
    async updateCategory(id, patch) {
      const handle = patch.handle ?? '';
      await guardHandle(handle, () =>
        database.transaction(async (trx) => {
          const current = await repo.findCategory(trx, id, { forUpdate: true });
          if (!current) throw categoryNotFound(id);
          const parentId = patch.parentId === undefined ? current.parentId : patch.parentId;
          if (parentId !== current.parentId) {
            const base = parentId === null ? '/' : (await repo.findCategory(trx, parentId))?.path;
            if (base === undefined) throw categoryNotFound(parentId ?? '');
            // The new parent inside the moved subtree (or the category itself) would make a cycle.
            if (base.startsWith(current.path)) {
              throw CatalogErrors.CATALOG_CATEGORY_CYCLE(`category ${id} cannot move under its own subtree`);
            }
            await repo.movePaths(trx, current.path, `${base}${id}/`);
          }
          await repo.updateCategory(trx, id, {
            handle: patch.handle ?? current.handle,
            name: patch.name ?? current.name,
            parentId,
            position: patch.position ?? current.position,
          });
          if (patch.name !== undefined && patch.name !== current.name) {
            await productRepository.refreshSearchTerms(trx, { categoryId: id });
          }
        }),
      );
      return service.getCategory(id);
    },
    async deleteCategory(id) {
      await service.getCategory(id);
      if (await repo.hasChildren(db, id)) {
        throw CatalogErrors.CATALOG_CATEGORY_HAS_CHILDREN(`category ${id} still has subcategories`);
      }
      await database.transaction((trx) => repo.deleteCategory(trx, id));
    },
  };
  return service;
}
