import { Type, type Static, type TNumberOptions, type TObject, type TSchema } from 'typebox';

/** The largest value of a PostgreSQL `integer` (int4) column. */
export const INT32_MAX = 2_147_483_647;

/**
 * The largest money amount (minor units) a request may carry: 10^12 - 1, i.e. just under
 * ten billion in a two-decimal currency. Amounts are stored as `bigint`; this bound keeps a
 * total of up to 9,000 such amounts a safe JavaScript integer as well (2^53 - 1).
 */
export const MAX_MONEY_AMOUNT = 999_999_999_999;

/**
 * An integer an `integer` column holds, 0 to INT32_MAX unless narrowed: every integer a
 * request carries gets bounds at the edge, so an overflow is a 400 naming the field, not
 * a 500 from the database (`integer out of range`).
 */
export function Int32(opts: TNumberOptions = {}) {
  return Type.Integer({ minimum: 0, maximum: INT32_MAX, ...opts });
}

/** A money amount in minor units, 0 to MAX_MONEY_AMOUNT. */
export function MoneyAmount(opts: TNumberOptions = {}) {
  return Type.Integer({ minimum: 0, maximum: MAX_MONEY_AMOUNT, description: 'minor units (cents)', ...opts });
}

/** A JSON number kept where a double is exact for integers (±(2^53 - 1)): attribute values and the like. */
export function SafeNumber(opts: TNumberOptions = {}) {
  return Type.Number({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER, ...opts });
}

/** The problem+json body every error answer carries (RFC 9457 plus `code`, `errors`, `correlationId`). */
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
/** A problem+json body as a caller reads it. */
export type Problem = Static<typeof ProblemSchema>;

/** `?page=&pageSize=` as every list takes them. */
export const PageQuery = {
  page: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
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

/** Money in minor units: `{ amount: 1999, currency: "USD" }`. */
export const MoneySchema = Type.Object({
  amount: MoneyAmount(),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
});

/** HTTP methods a route contract can use. */
export type ContractMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One HTTP route as its callers see it: method, path (Fastify style, `:id` parameters),
 * the schemas of what goes in and of each successful answer, and the error statuses it
 * answers with a problem. The owning service mounts its route from the contract and a
 * caller's typed client is built from the same object, so the two cannot drift apart.
 */
export interface RouteContract {
  readonly method: ContractMethod;
  readonly path: string;
  readonly summary: string;
  readonly params?: TObject;
  readonly querystring?: TObject;
  readonly body?: TSchema;
  /** Successful answers by status (`{ 201: ReservationSchema }`); an empty answer is `Type.Null()`. */
  readonly response: Readonly<Record<number, TSchema>>;
  /** Statuses answered with a problem+json body. */
  readonly errors: readonly number[];
  /** Whether the route takes `Idempotency-Key` (ARCHITECTURE.md §5). */
  readonly idempotencyKey?: 'required' | 'optional';
}

/** A service's callable routes, by operation name. */
export type RouteContracts = Readonly<Record<string, RouteContract>>;

/** Declares a service's route contracts (typed identity: the literal types are kept). */
export function defineRoutes<const T extends RouteContracts>(routes: T): T {
  return routes;
}
