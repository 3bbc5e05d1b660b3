import type { BatchReport, ImportReport, RowReport } from './import.ts';
import type { ImportItem, RowError } from './import-parsers.ts';

/**
 * Groups products into batches of at most `size` body rows; a product (all its CSV rows)
 * is never split, so a product with more rows than `size` makes a batch of its own.
 */
export async function* batchesOf(
  items: AsyncIterable<ImportItem>,
  size: number,
): AsyncGenerator<ImportItem[]> {
  let batch: ImportItem[] = [];
  let rows = 0;
  for await (const item of items) {
    if (batch.length > 0 && rows + item.rows > size) {
      yield batch;
      batch = [];
      rows = 0;
    }
    batch.push(item);
    rows += item.rows;
  }
  if (batch.length > 0) yield batch;
}

/**
 * The report rows of a product's errors: one per body line, so an error under
 * `/variants/<i>` of a CSV product names the line of that variant's row.
 */
export function rowReports(item: ImportItem, errors: RowError[]): RowReport[] {
  const byLine = new Map<number, RowError[]>();
  for (const e of errors) {
    const variant = /^\/variants\/(\d+)(\/|$)/.exec(e.path);
    const line = (variant && item.variantLines?.[Number(variant[1])]) || item.firstLine;
    byLine.set(line, [...(byLine.get(line) ?? []), e]);
  }
  return [...byLine.entries()]
    .sort(([a], [b]) => a - b)
    .map(([line, errs]) => ({ line, handle: item.handle ?? null, errors: errs }));
}

/** A batch's report line. */
export function batchReport(
  index: number,
  items: ImportItem[],
  outcome: { created: number; updated: number; unchanged: number } | { errors: RowReport[] },
): BatchReport {
  const base = {
    index,
    firstLine: items[0]!.firstLine,
    lastLine: items.at(-1)!.lastLine,
    rows: items.reduce((n, i) => n + i.rows, 0),
  };
  if ('errors' in outcome) {
    return { ...base, status: 'rejected', created: 0, updated: 0, unchanged: 0, errors: outcome.errors };
  }
  return { ...base, status: 'imported', ...outcome, errors: [] };
}

/** The whole report: the batches and their totals. */
export function importReport(batches: BatchReport[]): ImportReport {
  const totals = { rows: 0, created: 0, updated: 0, unchanged: 0, rejectedRows: 0, rejectedBatches: 0 };
  for (const b of batches) {
    totals.rows += b.rows;
    totals.created += b.created;
    totals.updated += b.updated;
    totals.unchanged += b.unchanged;
    if (b.status === 'rejected') {
      totals.rejectedRows += b.rows;
      totals.rejectedBatches += 1;
    }
  }
  return { batches, totals };
}
