import { Type, type Static, type TSchema } from 'typebox';

/** The problem+json body, for OpenAPI response declarations. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
    correlationId: Type.Optional(Type.String()),
  },
  { $id: 'Problem' },
);

/** `?page=&pageSize=` as every list takes them. */
export const PageQuery = {
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
};

/** `{ items, page, pageSize, totalCount, totalPages }` around an item schema. */
export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    page: Type.Integer(),
    pageSize: Type.Integer(),
    totalCount: Type.Integer(),
    totalPages: Type.Integer(),
  });
}

/** Builds a page response from items and a total count. */
export function pageResult<T>(items: T[], page: number, pageSize: number, totalCount: number) {
  return { items, page, pageSize, totalCount, totalPages: Math.ceil(totalCount / pageSize) };
}

/** Money in minor units: `{ amount: 1999, currency: "USD" }`. */
export const MoneySchema = Type.Object({
  amount: Type.Integer(),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
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
