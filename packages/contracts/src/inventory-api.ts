import { Type, type Static } from 'typebox';
import { defineRoutes, PageOf, PageQuery } from './http.ts';

// The routes of inventory that other services call (the checkout saga, the cart): their
// schemas live here so inventory mounts them and callers' typed clients read them from
// one place.

/** A stock keeping unit as inventory accepts it. */
export const SkuSchema = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^\\S+$',
  examples: ['OCT-M'],
});
/** Units of one line. */
export const QuantitySchema = Type.Integer({ minimum: 1, maximum: 1_000_000_000 });

const ReservationStatus = Type.Union([
  Type.Literal('held'),
  Type.Literal('committed'),
  Type.Literal('released'),
]);

const Allocation = Type.Object({
  warehouseCode: Type.String(),
  quantity: Type.Integer({ description: 'allocated here when the reservation was made' }),
  held: Type.Integer(),
  committed: Type.Integer(),
  released: Type.Integer(),
});

const ReservationLine = Type.Object({
  sku: Type.String(),
  quantity: Type.Integer(),
  held: Type.Integer(),
  committed: Type.Integer(),
  released: Type.Integer(),
  allocations: Type.Array(Allocation, {
    description: 'per warehouse, in priority order; a split line has several',
  }),
});

/** A reservation: stock held for a reference (a checkout) until it is committed, released or expires. */
export const ReservationSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    reference: Type.String(),
    status: ReservationStatus,
    releaseReason: Type.Union([Type.String(), Type.Null()], {
      description:
        'why it was released: cancelled, expired, partial (every line given back), or the caller’s reason',
    }),
    expiresAt: Type.String({ format: 'date-time' }),
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    lines: Type.Array(ReservationLine),
  },
  { $id: 'Reservation' },
);
export type Reservation = Static<typeof ReservationSchema>;

const LineInput = Type.Object({ sku: SkuSchema, quantity: QuantitySchema }, { additionalProperties: false });

export const CreateReservationBody = Type.Object(
  {
    reference: Type.String({ minLength: 1, maxLength: 200, description: 'e.g. the checkout id' }),
    lines: Type.Array(LineInput, { minItems: 1, maxItems: 100 }),
    ttlSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 900 }),
  },
  { additionalProperties: false },
);
export type CreateReservationInput = Static<typeof CreateReservationBody>;

export const ReleaseBody = Type.Object(
  {
    lines: Type.Optional(
      Type.Array(LineInput, {
        minItems: 1,
        maxItems: 100,
        description: 'give back only these quantities (partial release); absent: everything still held',
      }),
    ),
    reason: Type.Optional(
      Type.String({
        pattern: '^[a-z][a-z_]{0,39}$',
        description: 'default cancelled, or partial with lines',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ReleaseInput = Static<typeof ReleaseBody>;

export const ReservationQuery = Type.Object({
  reference: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  status: Type.Optional(ReservationStatus),
  ...PageQuery,
});
export type ReservationFilter = Static<typeof ReservationQuery>;

const ReservationParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const AvailabilityItem = Type.Object({
  sku: Type.String(),
  available: Type.Integer({ description: 'over active warehouses; 0 for an unknown SKU' }),
  backorder: Type.Boolean(),
  active: Type.Boolean({ description: 'false for an unknown or deactivated SKU' }),
});
export type Availability = Static<typeof AvailabilityItem>;
export const AvailabilityResponse = Type.Object({ items: Type.Array(AvailabilityItem) });
export const AvailabilityBody = Type.Object(
  { skus: Type.Array(SkuSchema, { minItems: 1, maxItems: 200 }) },
  { additionalProperties: false },
);

/** Inventory's routes that other services call. */
export const inventoryApi = defineRoutes({
  reserve: {
    method: 'POST',
    path: '/api/v1/inventory/reservations',
    summary:
      'Hold stock for every line or none (Idempotency-Key required); 409 INVENTORY_INSUFFICIENT_STOCK names each short line',
    body: CreateReservationBody,
    response: { 201: ReservationSchema },
    errors: [400, 401, 403, 409, 422],
    idempotencyKey: 'required',
  },
  listReservations: {
    method: 'GET',
    path: '/api/v1/inventory/reservations',
    summary: 'Reservations, newest first, by reference (e.g. a checkout id) and status',
    querystring: ReservationQuery,
    response: { 200: PageOf(ReservationSchema) },
    errors: [400, 401, 403],
  },
  getReservation: {
    method: 'GET',
    path: '/api/v1/inventory/reservations/:id',
    summary: 'A reservation with its lines and per-warehouse allocations',
    params: ReservationParams,
    response: { 200: ReservationSchema },
    errors: [400, 401, 403, 404],
  },
  commitReservation: {
    method: 'POST',
    path: '/api/v1/inventory/reservations/:id/commit',
    summary: 'The held stock leaves on hand (a confirmed order); a repeat answers the current state',
    params: ReservationParams,
    response: { 200: ReservationSchema },
    errors: [400, 401, 403, 404, 409],
    idempotencyKey: 'optional',
  },
  releaseReservation: {
    method: 'POST',
    path: '/api/v1/inventory/reservations/:id/release',
    summary:
      'Give back everything still held (a repeat answers the current state), or with lines only some quantities',
    params: ReservationParams,
    body: ReleaseBody,
    response: { 200: ReservationSchema },
    errors: [400, 401, 403, 404, 409],
    idempotencyKey: 'optional',
  },
  availability: {
    method: 'POST',
    path: '/api/v1/inventory/availability',
    summary: 'Available quantity of many SKUs (public), for lists too long for a query string',
    body: AvailabilityBody,
    response: { 200: AvailabilityResponse },
    errors: [400],
  },
});
