import { Nullable, PageQuery } from '@mercato/platform/http';
import { Type, type Static } from 'typebox';
import { Note, Quantity, SKU, WAREHOUSE_CODE } from '../request-meta.ts';

export const LevelSchema = Type.Object({
  warehouseCode: Type.String(),
  warehouseName: Type.String(),
  priority: Type.Integer(),
  warehouseActive: Type.Boolean(),
  onHand: Type.Integer(),
  reserved: Type.Integer(),
  available: Type.Integer(),
  lowStockThreshold: Type.Integer({ description: "the SKU's own threshold, else the warehouse default" }),
});
export type Level = Static<typeof LevelSchema>;

export const SkuStockSchema = Type.Object(
  {
    sku: Type.String(),
    productId: Type.Union([Type.String(), Type.Null()]),
    active: Type.Boolean({ description: 'false once catalog deactivated the product: not reservable' }),
    backorder: Type.Boolean(),
    lowStockThreshold: Type.Union([Type.Integer(), Type.Null()], {
      description: 'the SKU threshold for every warehouse; null = each warehouse default',
    }),
    onHand: Type.Integer({ description: 'over active warehouses' }),
    reserved: Type.Integer({ description: 'over active warehouses' }),
    available: Type.Integer({ description: 'on hand minus reserved over active warehouses' }),
    warehouses: Type.Array(LevelSchema, { description: 'per warehouse, in allocation order' }),
  },
  { $id: 'SkuStock' },
);
export type SkuStock = Static<typeof SkuStockSchema>;

export const UpdateSkuBody = Type.Object(
  {
    backorder: Type.Optional(Type.Boolean()),
    // Nullable, not a Union: with the kit's type coercion a Union would turn null into 0.
    lowStockThreshold: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000_000 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSkuInput = Static<typeof UpdateSkuBody>;

export const SkuParams = Type.Object({ sku: SKU });

export {
  AvailabilityBody,
  AvailabilityItem,
  AvailabilityResponse,
  type Availability,
} from '@mercato/contracts';
export const AvailabilityQuery = Type.Object({
  skus: Type.String({ minLength: 1, maxLength: 10_000, description: 'comma-separated SKUs (at most 200)' }),
});

export const MovementKindSchema = Type.Union(
  ['restock', 'count', 'transfer_in', 'transfer_out', 'damage', 'loss', 'commit'].map((k) => Type.Literal(k)),
);

export const MovementSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    sku: Type.String(),
    warehouseCode: Type.String(),
    kind: Type.String(),
    delta: Type.Integer({ description: 'change of on hand' }),
    onHandAfter: Type.Integer({ description: 'on hand in this warehouse after the movement' }),
    reservationId: Type.Union([Type.String(), Type.Null()]),
    transferId: Type.Union([Type.String(), Type.Null()]),
    actor: Type.String({ description: 'principal id of who did it' }),
    reason: Type.Union([Type.String(), Type.Null()]),
    note: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'StockMovement' },
);
export type Movement = Static<typeof MovementSchema>;

const WarehouseLevel = Type.Object({
  sku: Type.String(),
  warehouseCode: Type.String(),
  onHand: Type.Integer(),
  reserved: Type.Integer(),
  available: Type.Integer(),
});
export type WarehouseLevel = Static<typeof WarehouseLevel>;

export const AdjustmentBody = Type.Object(
  {
    sku: SKU,
    warehouseCode: WAREHOUSE_CODE,
    kind: Type.Union(
      [Type.Literal('restock'), Type.Literal('count'), Type.Literal('damage'), Type.Literal('loss')],
      {
        description: 'restock adds, damage and loss remove, count sets the counted quantity',
      },
    ),
    quantity: Type.Integer({
      minimum: 0,
      maximum: 1_000_000_000,
      description: 'units added or removed; for count the quantity counted (0 allowed)',
    }),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);
export type AdjustmentInput = Static<typeof AdjustmentBody>;
export const AdjustmentResponse = Type.Object({ movement: MovementSchema, level: WarehouseLevel });

export const TransferBody = Type.Object(
  {
    sku: SKU,
    fromWarehouseCode: WAREHOUSE_CODE,
    toWarehouseCode: WAREHOUSE_CODE,
    quantity: Quantity,
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);
export type TransferInput = Static<typeof TransferBody>;
export const TransferResponse = Type.Object({
  transferId: Type.String({ format: 'uuid' }),
  movements: Type.Array(MovementSchema),
  levels: Type.Array(WarehouseLevel),
});

export const MovementQuery = Type.Object({
  sku: Type.Optional(SKU),
  warehouseCode: Type.Optional(WAREHOUSE_CODE),
  kind: Type.Optional(MovementKindSchema),
  reservationId: Type.Optional(Type.String({ format: 'uuid' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'inclusive' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'exclusive' })),
  ...PageQuery,
});
export type MovementFilter = Static<typeof MovementQuery>;
