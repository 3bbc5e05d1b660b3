import { CommonErrors } from '@mercato/platform/errors';
import { parse, CsvError } from 'csv-parse';
import { Readable, pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { CatalogErrors } from '../errors.ts';

/** The body formats of POST /products/import. */
export type ImportFormat = 'jsonl' | 'csv';

/** One problem of an import row: a JSON pointer into the row's product body, a message, a code. */
export interface RowError {
  path: string;
  message: string;
  code?: string;
}

/**
 * One product as read from the body: a JSONL line, or the consecutive CSV rows of one
 * handle. `value` is in the shape of the POST /products body (plus `brand` and
 * `categories` by handle); `errors` are reading errors (the row is then bad as it is).
 */
export interface ImportItem {
  firstLine: number;
  lastLine: number;
  /** Body rows this product takes (JSONL 1, CSV one per variant row). */
  rows: number;
  handle: string | undefined;
  value: Record<string, unknown> | undefined;
  /** CSV: the line of each variant, by its index in `value.variants`. */
  variantLines?: number[];
  errors: RowError[];
}

const unreadable = (message: string): RowError => ({
  path: '',
  message,
  code: 'CATALOG_IMPORT_ROW_UNREADABLE',
});

/** Passes the body through, failing with 413 once it exceeds `limit` bytes. */
export async function* limitBytes(body: AsyncIterable<Buffer | string>, limit: number) {
  let seen = 0;
  for await (const chunk of body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    seen += buf.length;
    if (seen > limit) throw CommonErrors.PAYLOAD_TOO_LARGE(`the import body exceeds ${limit} bytes`);
    yield buf;
  }
}

/** The products of an import body, read as it streams in (never the whole body at once). */
export function readItems(format: ImportFormat, body: AsyncIterable<Buffer>): AsyncGenerator<ImportItem> {
  return format === 'csv' ? readCsv(body) : readJsonLines(body);
}

/** Lines of a UTF-8 stream without their line ends, numbered from 1. */
async function* lines(body: AsyncIterable<Buffer>): AsyncGenerator<[number, string]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let n = 0;
  for await (const chunk of body) {
    rest += decoder.write(chunk);
    let start = 0;
    for (let end = rest.indexOf('\n'); end >= 0; end = rest.indexOf('\n', start)) {
      yield [++n, rest.slice(start, end)];
      start = end + 1;
    }
    rest = rest.slice(start);
  }
  rest += decoder.end();
  if (rest.length > 0) yield [++n, rest];
}

async function* readJsonLines(body: AsyncIterable<Buffer>): AsyncGenerator<ImportItem> {
  for await (const [line, raw] of lines(body)) {
    const text = (line === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
    if (text === '') continue;
    const item: ImportItem = {
      firstLine: line,
      lastLine: line,
      rows: 1,
      handle: undefined,
      value: undefined,
      errors: [],
    };
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        item.errors.push(unreadable('the line is not a JSON object'));
      } else {
        item.value = value as Record<string, unknown>;
        if (typeof item.value.handle === 'string') item.handle = item.value.handle;
      }
    } catch (err) {
      item.errors.push(unreadable(`the line is not valid JSON: ${(err as Error).message}`));
    }
    yield item;
  }
}

const PRODUCT_COLUMNS = [
  'handle',
  'title',
  'description',
  'status',
  'brand',
  'categories',
  'image_url',
  'image_alt',
];
const VARIANT_COLUMNS = ['sku', 'price_amount', 'currency', 'compare_at_amount', 'weight_grams', 'barcode'];
const KNOWN = new Set([...PRODUCT_COLUMNS, ...VARIANT_COLUMNS]);

function checkHeader(header: string[]): void {
  const bad = header.flatMap((name, i) => {
    const known = KNOWN.has(name) || /^(option|attr)\.\S+$/.test(name);
    if (!known) return [{ path: `/${name}`, message: `column ${i + 1} is not a known column` }];
    if (header.indexOf(name) !== i) return [{ path: `/${name}`, message: `column ${i + 1} repeats it` }];
    return [];
  });
  if (!header.includes('handle')) bad.push({ path: '/handle', message: 'the handle column is required' });
  if (bad.length > 0) throw CatalogErrors.CATALOG_IMPORT_BAD_HEADER(undefined, { errors: bad });
}

/** A whole number when the cell is one (minor units, grams), else the text (the schema reports it). */
const integer = (cell: string): number | string => (/^-?\d{1,15}$/.test(cell) ? Number(cell) : cell);

/** Attribute cells are typed: numbers and booleans when they read as such, else text. */
function typed(cell: string): string | number | boolean {
  if (cell === 'true' || cell === 'false') return cell === 'true';
  return /^-?\d+(\.\d+)?$/.test(cell) && Number.isFinite(Number(cell)) ? Number(cell) : cell;
}

type Row = { line: number; cells: Map<string, string> };

/** The product body of one handle's CSV rows: the first row carries the product fields. */
function csvProduct(rows: Row[]): Record<string, unknown> {
  const first = rows[0]!.cells;
  const out: Record<string, unknown> = {};
  const put = (key: string, column: string, map: (cell: string) => unknown = (c) => c) => {
    const cell = first.get(column);
    if (cell !== undefined) out[key] = map(cell);
  };
  put('handle', 'handle');
  put('title', 'title');
  put('description', 'description');
  put('status', 'status');
  put('brand', 'brand');
  put('categories', 'categories', (c) =>
    c
      .split('|')
      .map((h) => h.trim())
      .filter(Boolean),
  );
  const attributes: Record<string, unknown> = {};
  const images: { url: string; alt: string }[] = [];
  for (const [column, cell] of first)
    if (column.startsWith('attr.')) attributes[column.slice(5)] = typed(cell);
  for (const { cells } of rows) {
    const url = cells.get('image_url');
    if (url !== undefined) images.push({ url, alt: cells.get('image_alt') ?? '' });
  }
  if (Object.keys(attributes).length > 0) out.attributes = attributes;
  if (images.length > 0) out.images = images;
  const variants = rows.map(({ cells }) => csvVariant(cells));
  // One row without a SKU: the default variant (SKU = handle in upper case).
  if (rows.length === 1 && !first.has('sku')) {
    if (variants[0]!.price !== undefined) out.price = variants[0]!.price;
  } else out.variants = variants;
  return out;
}

function csvVariant(cells: Map<string, string>): Record<string, unknown> {
  const v: Record<string, unknown> = {};
  const currency = cells.get('currency');
  if (cells.has('sku')) v.sku = cells.get('sku');
  const amount = cells.get('price_amount');
  if (amount !== undefined || currency !== undefined) {
    v.price = {
      ...(amount === undefined ? {} : { amount: integer(amount) }),
      ...(currency ? { currency } : {}),
    };
  }
  const compareAt = cells.get('compare_at_amount');
  if (compareAt !== undefined) v.compareAtPrice = { amount: integer(compareAt), currency };
  const weight = cells.get('weight_grams');
  if (weight !== undefined) v.weightGrams = integer(weight);
  if (cells.has('barcode')) v.barcode = cells.get('barcode');
  const options: Record<string, string> = {};
  for (const [column, cell] of cells) if (column.startsWith('option.')) options[column.slice(7)] = cell;
  if (Object.keys(options).length > 0) v.options = options;
  return v;
}

function csvItem(rows: Row[]): ImportItem {
  const value = csvProduct(rows);
  return {
    firstLine: rows[0]!.line,
    lastLine: rows.at(-1)!.line,
    rows: rows.length,
    handle: rows[0]!.cells.get('handle'),
    value,
    variantLines: rows.map((r) => r.line),
    errors: [],
  };
}

/** CSV (first line the header); consecutive rows of one handle are one product's variants. */
async function* readCsv(body: AsyncIterable<Buffer>): AsyncGenerator<ImportItem> {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  // pipeline destroys the parser with the body's error (e.g. 413), so the loop below throws it.
  pipeline(Readable.from(body), parser, () => {});
  let header: string[] | undefined;
  let group: Row[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!header) {
        header = record.map((h) => h.trim());
        checkHeader(header);
        continue;
      }
      const cells = new Map<string, string>();
      // Empty cells are absent fields (a product keeps what it has).
      for (const [i, name] of header.entries())
        if (record[i] !== undefined && record[i] !== '') cells.set(name, record[i]!);
      const row = { line: info.lines, cells };
      const handle = cells.get('handle');
      if (group.length > 0 && (handle === undefined || handle !== group[0]!.cells.get('handle'))) {
        yield csvItem(group);
        group = [];
      }
      group.push(row);
    }
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    if (group.length > 0) yield csvItem(group);
    const line = (err as CsvError & { lines?: number }).lines ?? 0;
    yield {
      firstLine: line,
      lastLine: line,
      rows: 1,
      handle: undefined,
      value: undefined,
      errors: [unreadable(`the CSV cannot be read from here on: ${err.message}`)],
    };
    return;
  }
  if (group.length > 0) yield csvItem(group);
}
