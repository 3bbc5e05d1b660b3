import { Type, type Static } from 'typebox';
import { HANDLE_PATTERN } from '../request-meta.ts';
import { CreateProductBody } from '../products/product.ts';

const Handle = Type.String({ pattern: HANDLE_PATTERN });

/**
 * One import row (a JSONL line, or a CSV product): the POST /products body, where the brand
 * and the categories may also be given by handle (`brand`, `categories`). `status` has no
 * default here: an existing product keeps its status when the row has none (a new one is a draft).
 */
export const ImportRowSchema = Type.Object(
  {
    ...CreateProductBody.properties,
    status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('active')])),
    brand: Type.Optional(Handle),
    categories: Type.Optional(Type.Array(Handle, { maxItems: 20, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type ImportRow = Static<typeof ImportRowSchema>;

export const ImportQuery = Type.Object({
  batchSize: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 200,
    description: 'body rows per all-or-nothing batch (a product is never split across batches)',
  }),
});

const RowErrorSchema = Type.Object({
  path: Type.String({ description: "JSON pointer into the row's product body ('' = the whole row)" }),
  message: Type.String(),
  code: Type.Optional(Type.String()),
});

const RowReportSchema = Type.Object({
  line: Type.Integer({ description: 'line of the body (1-based; a CSV header is line 1)' }),
  handle: Type.Union([Type.String(), Type.Null()]),
  errors: Type.Array(RowErrorSchema),
});
export type RowReport = Static<typeof RowReportSchema>;

const BatchReportSchema = Type.Object({
  index: Type.Integer(),
  firstLine: Type.Integer(),
  lastLine: Type.Integer(),
  rows: Type.Integer(),
  status: Type.Union([Type.Literal('imported'), Type.Literal('rejected')]),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  errors: Type.Array(RowReportSchema),
});
export type BatchReport = Static<typeof BatchReportSchema>;

export const ImportReportSchema = Type.Object({
  batches: Type.Array(BatchReportSchema),
  totals: Type.Object({
    rows: Type.Integer(),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    rejectedRows: Type.Integer({ description: 'rows of rejected batches (none of them was imported)' }),
    rejectedBatches: Type.Integer(),
  }),
});
export type ImportReport = Static<typeof ImportReportSchema>;
