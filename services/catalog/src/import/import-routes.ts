import { problemResponses } from '@mercato/platform/http';
import { CommonErrors } from '@mercato/platform/errors';
import type { ServiceApp } from '@mercato/platform/http';
import { WRITE } from '../request-meta.ts';
import { ImportQuery, ImportReportSchema } from './import.ts';
import { limitBytes, type ImportFormat } from './import-parsers.ts';
import type { ImportService } from './import-service.ts';

/** The largest import body (bytes); the rest of the API keeps the app's 1 MB. */
export const IMPORT_BODY_LIMIT = 50 * 1024 * 1024;

const FORMATS: Record<string, ImportFormat> = {
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'text/csv': 'csv',
};

const JSONL_EXAMPLE =
  '{"handle":"organic-cotton-tee","title":"Organic cotton tee","status":"active","attributes":{"material":"cotton"},' +
  '"variants":[{"sku":"OCT-S","options":{"size":"S"},"price":{"amount":1999,"currency":"USD"}},' +
  '{"sku":"OCT-M","options":{"size":"M"},"price":{"amount":1999,"currency":"USD"}}]}\n' +
  '{"handle":"linen-napkins","title":"Linen napkins, set of 4","price":{"amount":2450,"currency":"USD"}}\n';

const CSV_EXAMPLE =
  'handle,title,status,sku,option.size,price_amount,currency,attr.material\n' +
  'organic-cotton-tee,Organic cotton tee,active,OCT-S,S,1999,USD,cotton\n' +
  'organic-cotton-tee,,,OCT-M,M,1999,USD,\n' +
  'linen-napkins,"Linen napkins, set of 4",,,,2450,USD,linen\n';

const jsonLines = {
  schema: {
    type: 'string',
    description:
      'one product per line, in the shape of the POST /api/v1/products body; the brand and the categories ' +
      'may also be given by handle (`brand`, `categories`); blank lines are skipped',
    examples: [JSONL_EXAMPLE],
  },
};

/** The import's body as documented: the route reads it as a stream, so no schema validates it. */
const ImportBody = {
  description: 'The products to import, up to 50 MB (services/catalog/README.md, Import)',
  content: {
    'application/x-ndjson': jsonLines,
    'application/jsonl': jsonLines,
    'text/csv': {
      schema: {
        type: 'string',
        description:
          'a header line, then rows; consecutive rows with the same handle are one product and its variants. ' +
          'Columns: handle, title, description, status, brand, categories (handles separated by |), sku, ' +
          'price_amount (minor units), currency, compare_at_amount, weight_grams, barcode, option.<name>, ' +
          'attr.<name>, image_url, image_alt',
        examples: [CSV_EXAMPLE],
      },
    },
  },
};

/** POST /api/v1/products/import (catalog:write): JSON lines or CSV, streamed, batch by batch. */
export function registerImportRoutes(app: ServiceApp, imports: ImportService): void {
  // Its own scope: only these media types reach the route (others are 415), and the body
  // is handed through as the raw stream, read while the batches are written.
  void app.register(async (scope: ServiceApp) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(Object.keys(FORMATS), (request, payload, done) => {
      if (Number(request.headers['content-length']) > IMPORT_BODY_LIMIT) {
        return done(
          CommonErrors.PAYLOAD_TOO_LARGE(`the import body exceeds ${IMPORT_BODY_LIMIT} bytes`),
          undefined,
        );
      }
      done(null, payload);
    });

    scope.post(
      '/api/v1/products/import',
      {
        bodyLimit: IMPORT_BODY_LIMIT,
        config: { auth: WRITE, documentedBody: ImportBody },
        schema: {
          tags: ['products'],
          summary:
            'Import products (upsert by handle) from JSON lines or CSV; each batch is all-or-nothing, with a per-row error report',
          description:
            'A new handle creates a product, an existing one updates the fields a row gives and its variants by SKU. ' +
            'Each batch of at most `batchSize` rows is checked and written in one transaction: a bad row rejects its ' +
            'batch, and the report names every bad row; good batches commit. Another content type is 415.',
          querystring: ImportQuery,
          response: { 200: ImportReportSchema, ...problemResponses(400, 401, 403, 413, 415) },
        },
      },
      async (request) => {
        const type = String(request.headers['content-type']).split(';')[0]!.trim().toLowerCase();
        const body = limitBytes(request.body as AsyncIterable<Buffer>, IMPORT_BODY_LIMIT);
        return imports.run(FORMATS[type]!, body, { batchSize: request.query.batchSize });
      },
    );
  });
}
