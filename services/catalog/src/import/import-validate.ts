import type { Kysely } from '@mercato/platform/db';
import { nulPath } from '@mercato/platform/http';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import type { CatalogDB } from '../db.ts';
import type { CreateVariantInput, Product } from '../products/product.ts';
import { productRepository } from '../products/product-repository.ts';
import { importRepository as repo } from './import-repository.ts';
import { variantsOf } from '../products/product-writes.ts';
import { ImportRowSchema, type ImportRow } from './import.ts';
import type { ImportItem, RowError } from './import-parsers.ts';

/** A row that passed every check, with its references resolved to ids. */
export interface CheckedRow {
  item: ImportItem;
  row: ImportRow;
  /** The product with this handle, when there is one (locked for the batch's transaction). */
  existing: Product | undefined;
  /** undefined: the row leaves it as it is (a new product: none). */
  brandId: string | null | undefined;
  categoryIds: string[] | undefined;
  /** `variants`, or the default variant from `price`; [] when the row has neither. */
  variants: CreateVariantInput[];
}

/** The checks' outcome: every row checked, or the errors of the bad ones. */
export type BatchCheck =
  { ok: true; rows: CheckedRow[] } | { ok: false; errors: Map<ImportItem, RowError[]> };

const validator = Compile(ImportRowSchema);

/** Schema errors as JSON pointers into the row, one message per path and problem. */
function schemaErrors(value: unknown): RowError[] {
  const out = new Map<string, RowError>();
  const push = (path: string, message: string) =>
    out.set(`${path}\n${message}`, { path, message, code: 'VALIDATION_FAILED' });
  const allowed = new Map<string, unknown[]>();
  for (const e of validator.Errors(value)) {
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'boolean') continue; // the additionalProperties error says it better
    if (e.keyword === 'required') {
      for (const p of params.requiredProperties as string[]) push(`${e.instancePath}/${p}`, 'is required');
    } else if (e.keyword === 'additionalProperties') {
      for (const p of params.additionalProperties as string[])
        push(`${e.instancePath}/${p}`, 'is not allowed');
    } else if (e.keyword === 'const') {
      allowed.set(e.instancePath, [...(allowed.get(e.instancePath) ?? []), params.allowedValue]);
    } else {
      push(e.instancePath, e.message);
    }
  }
  for (const [path, values] of allowed)
    push(path, `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`);
  return [...out.values()];
}

/** The path of a variant's SKU in the row (the default variant's: defaultSku, or the handle it comes from). */
function skuPath(row: ImportRow, index: number): string {
  if (row.variants) return `/variants/${index}/sku`;
  return row.defaultSku === undefined ? '/handle' : '/defaultSku';
}

/**
 * Checks a batch inside its transaction: the schema, brand and category references (ids or
 * handles), handles and SKUs repeated within the batch, SKUs of another product, and a price
 * for a new product without variants. Reads only through `trx`.
 */
export async function checkBatch(trx: Kysely<CatalogDB>, items: ImportItem[]): Promise<BatchCheck> {
  const errors = new Map<ImportItem, RowError[]>();
  const fail = (item: ImportItem, e: RowError) => errors.set(item, [...(errors.get(item) ?? []), e]);
  const shaped: { item: ImportItem; row: ImportRow; variants: CreateVariantInput[] }[] = [];
  const handleLine = new Map<string, number>();
  const skuLine = new Map<string, number>();

  for (const item of items) {
    for (const e of item.errors) fail(item, e);
    if (!item.value) continue;
    // The database stores no NUL: a row holding one is this row's error, not the import's 500.
    const nulAt = nulPath(item.value);
    if (nulAt !== undefined) {
      fail(item, {
        path: nulAt,
        message: 'must not contain the NUL character (U+0000)',
        code: 'VALIDATION_FAILED',
      });
      continue;
    }
    Value.Default(ImportRowSchema, item.value);
    const bad = schemaErrors(item.value);
    for (const e of bad) fail(item, e);
    if (bad.length > 0) continue;
    const row = item.value as ImportRow;
    if (row.brand !== undefined && row.brandId !== undefined)
      fail(item, { path: '/brand', message: 'give brand or brandId, not both', code: 'VALIDATION_FAILED' });
    if (row.categories !== undefined && row.categoryIds !== undefined)
      fail(item, {
        path: '/categories',
        message: 'give categories or categoryIds, not both',
        code: 'VALIDATION_FAILED',
      });
    const seenAt = handleLine.get(row.handle);
    if (seenAt !== undefined) {
      const message = `the handle is also on line ${seenAt} of this batch`;
      fail(item, { path: '/handle', message, code: 'CATALOG_HANDLE_TAKEN' });
    } else handleLine.set(row.handle, item.firstLine);
    const variants = variantsOf(row) ?? [];
    for (const [i, v] of variants.entries()) {
      const at = skuLine.get(v.sku);
      const message = `the SKU ${v.sku} is also on line ${at} of this batch`;
      if (at !== undefined) fail(item, { path: skuPath(row, i), message, code: 'CATALOG_SKU_TAKEN' });
      else skuLine.set(v.sku, item.variantLines?.[i] ?? item.firstLine);
    }
    shaped.push({ item, row, variants });
  }

  const rows = shaped.map(({ row }) => row);
  const brandsByHandle = await repo.idsByHandle(trx, 'brands', unique(rows.flatMap((r) => r.brand ?? [])));
  const catsByHandle = await repo.idsByHandle(
    trx,
    'categories',
    unique(rows.flatMap((r) => r.categories ?? [])),
  );
  const brandIds = await repo.existingIds(trx, 'brands', unique(rows.flatMap((r) => r.brandId ?? [])));
  const catIds = await repo.existingIds(trx, 'categories', unique(rows.flatMap((r) => r.categoryIds ?? [])));
  const productIds = await repo.productIdsByHandle(trx, unique(rows.map((r) => r.handle)));
  const products = await productRepository.load(trx, [...productIds.values()], { forUpdate: true });
  const byHandle = new Map(products.map((p) => [p.handle, p]));
  const owners = await repo.skuOwners(trx, unique(shaped.flatMap((s) => s.variants.map((v) => v.sku))));

  const checked: CheckedRow[] = [];
  for (const { item, row, variants } of shaped) {
    const existing = byHandle.get(row.handle);
    let brandId: string | null | undefined = row.brandId;
    if (row.brand !== undefined) {
      brandId = brandsByHandle.get(row.brand);
      if (!brandId) fail(item, notFound('/brand', 'brand', row.brand, 'CATALOG_BRAND_NOT_FOUND'));
    } else if (brandId && !brandIds.has(brandId)) {
      fail(item, notFound('/brandId', 'brand', brandId, 'CATALOG_BRAND_NOT_FOUND'));
    }
    let categoryIds = row.categoryIds;
    if (row.categories !== undefined) {
      categoryIds = row.categories.map((h, i) => {
        const id = catsByHandle.get(h);
        if (!id) fail(item, notFound(`/categories/${i}`, 'category', h, 'CATALOG_CATEGORY_NOT_FOUND'));
        return id ?? '';
      });
    } else {
      for (const [i, id] of (categoryIds ?? []).entries())
        if (!catIds.has(id))
          fail(item, notFound(`/categoryIds/${i}`, 'category', id, 'CATALOG_CATEGORY_NOT_FOUND'));
    }
    for (const [i, v] of variants.entries()) {
      const owner = owners.get(v.sku);
      if (owner && owner.productId !== existing?.id) {
        const message = `the SKU ${v.sku} belongs to another product (${owner.handle})`;
        fail(item, { path: skuPath(row, i), message, code: 'CATALOG_SKU_TAKEN' });
      }
    }
    if (!existing && variants.length === 0) {
      const message = 'is required when variants is absent (a new product)';
      fail(item, { path: '/price', message, code: 'CATALOG_PRICE_REQUIRED' });
    }
    checked.push({ item, row, existing, brandId, categoryIds, variants });
  }
  return errors.size > 0 ? { ok: false, errors } : { ok: true, rows: checked };
}

function notFound(path: string, what: string, ref: string, code: string): RowError {
  return { path, message: `no ${what} ${ref}`, code };
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
