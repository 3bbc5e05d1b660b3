import type { ProductChangedV1 } from '@mercato/contracts';
import type { Kysely } from '@mercato/platform/db';
import type { ServiceContext } from '@mercato/platform/http';
import { newId } from '@mercato/platform/ids';
import type { EventDraft, Outbox } from '@mercato/platform/messaging';
import { jsonb, type CatalogDB } from '../db.ts';
import { taxonomyRepository } from '../taxonomy/taxonomy-repository.ts';
import type { CreateProductInput } from '../products/product.ts';
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
      writeDemoProducts(
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

/**
 * Writes a batch of new products with multi-row inserts (a handful of statements per
 * batch instead of about fifteen per product), so the first embedded start stays fast.
 * The rows and the product.created events are the ones product-writes.ts's
 * writeNewProduct makes (version 1, search_terms = brand name then category names, the
 * event's skus in variant order); brand and category ids were resolved by the caller.
 * TODO: fold into product-writes.ts as a bulk writeNewProducts shared with the import.
 */
async function writeDemoProducts(
  trx: Kysely<CatalogDB>,
  outbox: Outbox,
  inputs: CreateProductInput[],
  names: ReadonlyMap<string, string>,
): Promise<void> {
  const products = [];
  const links = [];
  const variants = [];
  const events: EventDraft<ProductChangedV1>[] = [];
  for (const input of inputs) {
    const id = newId();
    const brandId = input.brandId ?? null;
    const categoryIds = input.categoryIds ?? [];
    const searchTerms = [brandId, ...categoryIds].flatMap((ref) => (ref && names.get(ref)) || []);
    products.push({
      id,
      handle: input.handle,
      title: input.title,
      description: input.description ?? null,
      status: input.status,
      brand_id: brandId,
      seller_id: input.sellerId ?? null,
      attributes: jsonb(input.attributes ?? {}),
      images: jsonb((input.images ?? []).map((i) => ({ url: i.url, alt: i.alt ?? '' }))),
      search_terms: searchTerms.join(' '),
      version: 1,
    });
    for (const category_id of categoryIds) links.push({ product_id: id, category_id });
    const own = (input.variants ?? []).map((v, i) => ({
      id: newId(),
      product_id: id,
      sku: v.sku,
      options: jsonb(v.options ?? {}),
      price_amount: v.price.amount,
      currency: v.price.currency,
      compare_at_amount: v.compareAtPrice?.amount ?? null,
      weight_grams: v.weightGrams ?? null,
      barcode: v.barcode ?? null,
      position: v.position ?? i,
    }));
    variants.push(...own);
    const skus = [...own].sort((a, b) => a.position - b.position).map((v) => v.sku);
    events.push({
      type: 'product.created',
      subject: id,
      data: {
        productId: id,
        handle: input.handle,
        skus,
        title: input.title,
        status: input.status,
        version: 1,
      },
    });
  }
  await trx.insertInto('products').values(products).execute();
  if (links.length > 0) await trx.insertInto('product_categories').values(links).execute();
  await trx.insertInto('variants').values(variants).execute();
  await outbox.addMany(trx, events);
}
