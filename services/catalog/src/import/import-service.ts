import type { Kysely } from '@mercato/platform/db';
import { type ServiceContext } from '@mercato/platform/service';
import type { Outbox } from '@mercato/platform/messaging';
import { isDeepStrictEqual } from 'node:util';
import { uniqueViolation, type CatalogDB } from '../db.ts';
import { CatalogErrors } from '../errors.ts';
import type { UpdateProductInput, UpdateVariantInput } from '../products/product.ts';
import {
  writeNewProduct,
  writeNewVariant,
  writeProductPatch,
  writeProductUpdated,
  writeVariantPatch,
} from '../products/product-writes.ts';
import type { BatchReport, ImportReport, RowReport } from './import.ts';
import { batchesOf, batchReport, importReport, rowReports } from './import-batches.ts';
import { readItems, type ImportFormat, type ImportItem } from './import-parsers.ts';
import { checkBatch, type CheckedRow } from './import-validate.ts';

/** Bulk import of products (upsert by handle), batch by batch, each all-or-nothing. */
export interface ImportService {
  run(format: ImportFormat, body: AsyncIterable<Buffer>, opts: { batchSize: number }): Promise<ImportReport>;
}

type Outcome = 'created' | 'updated' | 'unchanged';

/** Thrown inside a batch's transaction to roll it back with the rows to report. */
class BatchRejected extends Error {
  readonly errors: RowReport[];
  constructor(errors: RowReport[]) {
    super('import batch rejected');
    this.errors = errors;
  }
}

/** The product-level changes of a row against the stored product (only what differs). */
function productPatch(c: CheckedRow): UpdateProductInput {
  const current = c.existing!;
  const { row } = c;
  const patch: UpdateProductInput = {};
  if (row.title !== current.title) patch.title = row.title;
  if (row.description !== undefined && row.description !== current.description)
    patch.description = row.description;
  if (row.status !== undefined && row.status !== current.status && current.status !== 'archived')
    patch.status = row.status;
  if (c.brandId !== undefined && c.brandId !== current.brandId) patch.brandId = c.brandId;
  if (row.sellerId !== undefined && row.sellerId !== current.sellerId) patch.sellerId = row.sellerId;
  if (c.categoryIds !== undefined && !isDeepStrictEqual([...c.categoryIds].sort(), current.categoryIds))
    patch.categoryIds = c.categoryIds;
  if (row.attributes !== undefined && !isDeepStrictEqual(row.attributes, current.attributes))
    patch.attributes = row.attributes;
  const images = row.images?.map((i) => ({ url: i.url, alt: i.alt ?? '' }));
  if (images !== undefined && !isDeepStrictEqual(images, current.images)) patch.images = images;
  return patch;
}

/** Upserts one checked row; the events are the single-item use cases' own. */
async function upsert(trx: Kysely<CatalogDB>, outbox: Outbox, c: CheckedRow): Promise<Outcome> {
  const { row, existing } = c;
  if (!existing) {
    const { brand: _brand, categories: _categories, ...body } = row;
    await writeNewProduct(trx, outbox, {
      ...body,
      status: row.status ?? 'draft',
      ...(c.brandId === undefined ? {} : { brandId: c.brandId }),
      ...(c.categoryIds === undefined ? {} : { categoryIds: c.categoryIds }),
    });
    return 'created';
  }
  const patch = productPatch(c);
  const changedFields = Object.keys(patch).length > 0;
  if (changedFields) await writeProductPatch(trx, existing, patch);
  let added = 0;
  let variantsChanged = 0;
  for (const v of c.variants) {
    const current = existing.variants.find((x) => x.sku === v.sku);
    if (!current) {
      await writeNewVariant(trx, existing.id, v, existing.variants.length + added++);
      continue;
    }
    const change: UpdateVariantInput = {};
    if (!isDeepStrictEqual(v.price, current.price)) change.price = v.price;
    if (v.options !== undefined && !isDeepStrictEqual(v.options, current.options)) change.options = v.options;
    if (
      v.compareAtPrice !== undefined &&
      (v.compareAtPrice?.amount ?? null) !== (current.compareAtPrice?.amount ?? null)
    )
      change.compareAtPrice = v.compareAtPrice;
    if (v.weightGrams !== undefined && v.weightGrams !== current.weightGrams)
      change.weightGrams = v.weightGrams;
    if (v.barcode !== undefined && v.barcode !== current.barcode) change.barcode = v.barcode;
    if (v.position !== undefined && v.position !== current.position) change.position = v.position;
    if (Object.keys(change).length === 0) continue;
    await writeVariantPatch(trx, outbox, current, change);
    variantsChanged++;
  }
  // One product.updated for the product's own changes and its new SKUs together.
  if (changedFields || added > 0) await writeProductUpdated(trx, outbox, existing.id);
  return changedFields || added > 0 || variantsChanged > 0 ? 'updated' : 'unchanged';
}

export function createImportService(ctx: ServiceContext<CatalogDB>): ImportService {
  const { database, outbox } = ctx;
  const imports = ctx.metrics.counter({
    name: 'product_imports_total',
    help: 'Product imports by outcome: completed (every batch written), partial (some batches rejected), rejected (none written)',
    labelNames: ['outcome'],
  });
  const importRows = ctx.metrics.counter({
    name: 'product_import_rows_total',
    help: 'Rows of product imports by result: created, updated, unchanged, rejected',
    labelNames: ['result'],
  });

  /** Checks and writes one batch in one transaction; any bad row rolls all of it back. */
  async function importBatch(index: number, items: ImportItem[]): Promise<BatchReport> {
    try {
      const counts = await database.transaction(async (trx) => {
        const check = await checkBatch(trx, items);
        if (!check.ok)
          throw new BatchRejected([...check.errors].flatMap(([item, errs]) => rowReports(item, errs)));
        const n = { created: 0, updated: 0, unchanged: 0 };
        for (const c of check.rows) {
          try {
            n[await upsert(trx, outbox, c)]++;
          } catch (err) {
            // A concurrent writer took a handle or SKU since the checks: this row, this batch.
            const which = uniqueViolation(err);
            if (!which) throw err;
            const error =
              which === 'sku'
                ? { path: '/variants', message: 'a SKU was taken meanwhile', code: 'CATALOG_SKU_TAKEN' }
                : {
                    path: '/handle',
                    message: 'the handle was taken meanwhile',
                    code: 'CATALOG_HANDLE_TAKEN',
                  };
            throw new BatchRejected(rowReports(c.item, [error]));
          }
        }
        return n;
      });
      return batchReport(index, items, counts);
    } catch (err) {
      if (!(err instanceof BatchRejected)) throw err;
      const errors = err.errors.sort((a, b) => a.line - b.line);
      return batchReport(index, items, { errors });
    }
  }

  return {
    async run(format, body, { batchSize }) {
      const reports: BatchReport[] = [];
      for await (const batch of batchesOf(readItems(format, body), batchSize)) {
        reports.push(await importBatch(reports.length, batch));
      }
      if (reports.length === 0) throw CatalogErrors.CATALOG_IMPORT_EMPTY('the body holds no product row');
      const report = importReport(reports);
      const t = report.totals;
      const outcome =
        t.rejectedBatches === 0 ? 'completed' : t.rejectedBatches < reports.length ? 'partial' : 'rejected';
      imports.inc({ outcome });
      for (const result of ['created', 'updated', 'unchanged'] as const)
        importRows.inc({ result }, t[result]);
      importRows.inc({ result: 'rejected' }, t.rejectedRows);
      return report;
    },
  };
}
