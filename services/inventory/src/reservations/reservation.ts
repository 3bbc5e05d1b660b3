import { PageQuery } from '@mercato/platform/http';
import { Type, type Static } from 'typebox';
import { Quantity, SKU } from '../request-meta.ts';

const Allocation = Type.Object({
  warehouseCode: Type.String(),
  quantity: Type.Integer({ description: 'allocated here when the reservation was made' }),
  held: Type.Integer(),
  committed: Type.Integer(),
  released: Type.Integer(),
});

const Line = Type.Object({
  sku: Type.String(),
  quantity: Type.Integer(),
  held: Type.Integer(),
  committed: Type.Integer(),
  released: Type.Integer(),
  allocations: Type.Array(Allocation, {
    description: 'per warehouse, in priority order; a split line has several',
  }),
});

export const ReservationSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    reference: Type.String(),
    status: Type.Union([Type.Literal('held'), Type.Literal('committed'), Type.Literal('released')]),
    releaseReason: Type.Union([Type.String(), Type.Null()], {
      description:
        'why it was released: cancelled, expired, partial (every line given back), or the caller’s reason',
    }),
    expiresAt: Type.String({ format: 'date-time' }),
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    lines: Type.Array(Line),
  },
  { $id: 'Reservation' },
);
export type Reservation = Static<typeof ReservationSchema>;

const LineInput = Type.Object({ sku: SKU, quantity: Quantity }, { additionalProperties: false });

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
  status: Type.Optional(
    Type.Union([Type.Literal('held'), Type.Literal('committed'), Type.Literal('released')]),
  ),
  ...PageQuery,
});
export type ReservationFilter = Static<typeof ReservationQuery>;

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** A line whose quantity could not be held, as the 409 names it. */
export interface Shortage {
  lineNo: number;
  sku: string;
  requested: number;
  available: number;
}
