import { sql, type Kysely, type Selectable } from '@mercato/platform/db';
import type { BrandsTable, CatalogDB, CategoriesTable } from '../db.ts';
import type { Brand, Category } from './taxonomy.ts';

function toBrand(row: Selectable<BrandsTable>): Brand {
  return {
    id: row.id,
    handle: row.handle,
    name: row.name,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toCategory(row: Selectable<CategoriesTable>): Category {
  return {
    id: row.id,
    handle: row.handle,
    name: row.name,
    parentId: row.parent_id,
    position: row.position,
    path: row.path,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** SQL of brands and categories. Write methods take the caller's transaction. */
export const taxonomyRepository = {
  async listBrands(db: Kysely<CatalogDB>): Promise<Brand[]> {
    return (await db.selectFrom('brands').selectAll().orderBy('name').execute()).map(toBrand);
  },
  async findBrand(db: Kysely<CatalogDB>, id: string): Promise<Brand | undefined> {
    const row = await db.selectFrom('brands').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toBrand(row);
  },
  async insertBrand(trx: Kysely<CatalogDB>, id: string, handle: string, name: string): Promise<Brand> {
    return toBrand(
      await trx.insertInto('brands').values({ id, handle, name }).returningAll().executeTakeFirstOrThrow(),
    );
  },
  async updateBrand(trx: Kysely<CatalogDB>, id: string, handle: string, name: string): Promise<Brand> {
    const row = await trx
      .updateTable('brands')
      .set({ handle, name, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toBrand(row);
  },
  async deleteBrand(trx: Kysely<CatalogDB>, id: string): Promise<boolean> {
    await trx.updateTable('products').set({ brand_id: null }).where('brand_id', '=', id).execute();
    const res = await trx.deleteFrom('brands').where('id', '=', id).executeTakeFirst();
    return res.numDeletedRows > 0n;
  },

  async listCategories(db: Kysely<CatalogDB>): Promise<Category[]> {
    const rows = await db.selectFrom('categories').selectAll().orderBy('path').orderBy('position').execute();
    return rows.map(toCategory);
  },
  async findCategory(
    db: Kysely<CatalogDB>,
    id: string,
    opts: { forUpdate?: boolean } = {},
  ): Promise<Category | undefined> {
    let query = db.selectFrom('categories').selectAll().where('id', '=', id);
    if (opts.forUpdate) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row && toCategory(row);
  },
  async insertCategory(
    trx: Kysely<CatalogDB>,
    c: { id: string; handle: string; name: string; parentId: string | null; position: number; path: string },
  ): Promise<Category> {
    const row = await trx
      .insertInto('categories')
      .values({
        id: c.id,
        handle: c.handle,
        name: c.name,
        parent_id: c.parentId,
        position: c.position,
        path: c.path,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toCategory(row);
  },
  async updateCategory(
    trx: Kysely<CatalogDB>,
    id: string,
    c: { handle: string; name: string; parentId: string | null; position: number },
  ): Promise<void> {
    await trx
      .updateTable('categories')
      .set({
        handle: c.handle,
        name: c.name,
        parent_id: c.parentId,
        position: c.position,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .execute();
  },
  /** Rewrites the path prefix of a category and all its descendants (one statement). */
  async movePaths(trx: Kysely<CatalogDB>, oldPath: string, newPath: string): Promise<void> {
    await trx
      .updateTable('categories')
      .set({ path: sql<string>`${newPath} || substr(path, ${oldPath.length + 1})` })
      .where('path', 'like', `${oldPath}%`)
      .execute();
  },
  async deleteCategory(trx: Kysely<CatalogDB>, id: string): Promise<void> {
    await trx.deleteFrom('product_categories').where('category_id', '=', id).execute();
    await trx.deleteFrom('categories').where('id', '=', id).execute();
  },
  async hasChildren(db: Kysely<CatalogDB>, id: string): Promise<boolean> {
    return !!(await db.selectFrom('categories').select('id').where('parent_id', '=', id).executeTakeFirst());
  },
};
