import { Type, type Static, type TSchema } from 'typebox';

import { MoneySchema, PageOf, PageQuery, ProblemSchema } from '@mercato/contracts';

export { MoneySchema, PageOf, PageQuery, ProblemSchema };

/** A reference to the shared problem+json schema (registered on every kit app as `Problem`). */
export const ProblemRef = Type.Ref('Problem');

/**
 * The response map entries of the error statuses a route answers with a problem:
 * `response: { 200: Item, ...problemResponses(400, 404) }`.
 */
export function problemResponses<const S extends readonly number[]>(
  ...statuses: S
): { [K in S[number]]: typeof ProblemRef } {
  const out: Record<number, typeof ProblemRef> = {};
  for (const status of statuses) out[status] = ProblemRef;
  return out as { [K in S[number]]: typeof ProblemRef };
}

/** One page of a list: `{ items, page, pageSize, totalCount, totalPages }`. */
export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  totalCount: number;
  totalPages: number;
}

/** Builds a page from its items, the window asked for and the total count (use cases return it as is). */
export function pageResult<T>(items: T[], page: number, pageSize: number, totalCount: number): Page<T> {
  return { items, page, pageSize, totalCount, totalPages: Math.ceil(totalCount / pageSize) };
}

/** Headers of a route that changes a versioned resource (ARCHITECTURE.md §5: If-Match, 412 on mismatch). */
export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      maxLength: 40,
      description: 'the ETag (version) last read; a route that requires it answers 428 without it',
    }),
  ),
});

/** A scalar JSON Schema TypeBox builds: `{ type: 'integer', minimum: 0 }` and the like. */
type ScalarSchema = TSchema & { type: 'string' | 'integer' | 'number' | 'boolean' };

/**
 * A scalar or null, as one type list (`type: ['integer', 'null']`) rather than anyOf. The
 * kit validates with type coercion, and coercion runs per anyOf branch in order: a
 * `Union([Integer, Null])` turns null into 0 and `Union([String, Null])` into "", so a
 * client could never clear a field. With a type list, a value that already matches one
 * of the types is kept as it is.
 */
export function Nullable<T extends ScalarSchema>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
}
