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
        config: { auth: WRITE },
        schema: {
          tags: ['products'],
          summary:
            'Import products (upsert by handle) from JSON lines or CSV; each batch is all-or-nothing, with a per-row error report',
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
