import { type ServiceContext } from '@mercato/platform/service';
import { newId } from '@mercato/platform/ids';
import type { CatalogDB } from '../db.ts';
import { createMediaService } from '../media/media-service.ts';
import { taxonomyRepository } from '../taxonomy/taxonomy-repository.ts';
import { writeNewProducts } from '../products/product-writes.ts';
import { demoCatalog, toCreateInput, type DemoCatalog, type DemoProduct } from './demo-catalog.ts';

/** Products per transaction: a crash loses at most one batch, and PGlite stays fast. */
const BATCH = 100;

/** What one seed run added. */
export interface SeedReport {
  brands: number;
  categories: number;
  products: number;
  skipped: number;
  ms: number;
}

/**
 * Loads the demo catalog (brands, category tree, products with variants). Idempotent:
 * brands, categories and products are recognised by handle and only missing ones are
 * written, so a run after a crash continues where the last committed batch ended and a
 * run on a loaded catalog costs one query. A demo product whose SKU is already taken by
 * another product is skipped. Every product gets its product.created event in the outbox,
 * in the transaction that writes it.
 */
export async function seedCatalog(ctx: ServiceContext<CatalogDB>): Promise<void> {
  await loadDemoCatalog(ctx);
  // A catalog seeded before media existed embeds its images: they move to media once.
  const moved = await createMediaService(ctx).moveEmbedded();
  if (moved > 0) ctx.logger.info({ moved }, 'embedded product images moved to media');
}

export async function loadDemoCatalog(
  ctx: ServiceContext<CatalogDB>,
  demo: DemoCatalog = demoCatalog(),
): Promise<SeedReport> {
  const started = Date.now();
  const { database, outbox, logger } = ctx;
  const db = database.db;
  const report: SeedReport = { brands: 0, categories: 0, products: 0, skipped: 0, ms: 0 };

  const handles = demo.products.map((p) => p.handle);
  const present = new Set(
    (await db.selectFrom('products').select('handle').where('handle', 'in', handles).execute()).map(
      (r) => r.handle,
    ),
  );
  if (present.size === handles.length) return report;

  const brandIds = new Map<string, string>();
  const categoryIds = new Map<string, string>();
  /** Brand and category names by id: the search terms of their products. */
  const names = new Map<string, string>();
  await database.transaction(async (trx) => {
    const brandRows = await trx
      .selectFrom('brands')
      .select(['id', 'handle', 'name'])
      .where(
        'handle',
        'in',
        demo.brands.map((b) => b.handle),
      )
      .execute();
    for (const row of brandRows) {
      brandIds.set(row.handle, row.id);
      names.set(row.id, row.name);
    }
    for (const b of demo.brands) {
      if (brandIds.has(b.handle)) continue;
      const brand = await taxonomyRepository.insertBrand(trx, newId(), b.handle, b.name);
      brandIds.set(b.handle, brand.id);
      names.set(brand.id, brand.name);
      report.brands++;
    }

    const categoryRows = await trx
      .selectFrom('categories')
      .select(['id', 'handle', 'name', 'path'])
      .where(
        'handle',
        'in',
        demo.categories.map((c) => c.handle),
      )
      .execute();
    const paths = new Map<string, string>();
    for (const row of categoryRows) {
      categoryIds.set(row.handle, row.id);
      names.set(row.id, row.name);
      paths.set(row.handle, row.path);
    }
    // Parents come first in the list, so a child's parent path is known when it is made.
    for (const c of demo.categories) {
      if (categoryIds.has(c.handle)) continue;
      const parentId = c.parent === null ? null : (categoryIds.get(c.parent) ?? null);
      const id = newId();
      const path = `${(c.parent !== null && paths.get(c.parent)) || '/'}${id}/`;
      await taxonomyRepository.insertCategory(trx, {
        id,
        handle: c.handle,
        name: c.name,
        parentId,
        position: c.position,
        path,
      });
      categoryIds.set(c.handle, id);
      names.set(id, c.name);
      paths.set(c.handle, path);
      report.categories++;
    }
  });

  const missing = demo.products.filter((p) => !present.has(p.handle));
  const taken = await takenSkus(ctx, missing);
  const todo = missing.filter((p) => {
    const clash = p.variants.some((v) => taken.has(v.sku));
    if (clash) logger.warn({ handle: p.handle }, 'demo product skipped: one of its SKUs is taken');
    return !clash;
  });
  report.skipped = missing.length - todo.length;

  for (let i = 0; i < todo.length; i += BATCH) {
    const batch = todo.slice(i, i + BATCH);
    await database.transaction((trx) =>
      writeNewProducts(
        trx,
        outbox,
        batch.map((p) => toCreateInput(p, brandIds, categoryIds)),
        names,
      ),
    );
    report.products += batch.length;
  }

  report.ms = Date.now() - started;
  logger.info(report, 'demo catalog loaded');
  return report;
}

async function takenSkus(ctx: ServiceContext<CatalogDB>, products: DemoProduct[]): Promise<Set<string>> {
  const skus = products.flatMap((p) => p.variants.map((v) => v.sku));
  const taken = new Set<string>();
  // Chunks keep each statement well under the bind-parameter limit.
  for (let i = 0; i < skus.length; i += 5000) {
    const rows = await ctx.database.db
      .selectFrom('variants')
      .select('sku')
      .where('sku', 'in', skus.slice(i, i + 5000))
      .execute();
    for (const r of rows) taken.add(r.sku);
  }
  return taken;
}
