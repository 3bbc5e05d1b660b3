import { Type, type Static } from 'typebox';

// Event data objects leave additionalProperties open (ARCHITECTURE.md §6).

const Sku = Type.String({ minLength: 1 });
const Quantity = Type.Integer({ minimum: 1 });

/** One allocated piece of a reservation line: which warehouse holds how many. */
const Allocation = Type.Object({
  sku: Sku,
  warehouseCode: Type.String(),
  quantity: Quantity,
});

/** `inventory.reserved` v1: stock is held for a reference (subject = the reservation id). */
export const InventoryReservedV1 = Type.Object(
  {
    reservationId: Type.String({ format: 'uuid' }),
    reference: Type.String(),
    expiresAt: Type.String({ format: 'date-time' }),
    lines: Type.Array(Type.Object({ sku: Sku, quantity: Quantity })),
    allocations: Type.Array(Allocation, { description: 'per warehouse; a split line has several' }),
  },
  { $id: 'InventoryReservedV1' },
);
export type InventoryReservedV1 = Static<typeof InventoryReservedV1>;

/** `inventory.released` v1: held stock went back to availability (subject = the reservation id). */
export const InventoryReleasedV1 = Type.Object(
  {
    reservationId: Type.String({ format: 'uuid' }),
    reference: Type.String(),
    reason: Type.String({ description: 'expired, cancelled, order_cancelled, partial…' }),
    lines: Type.Array(Type.Object({ sku: Sku, quantity: Quantity }), {
      description: 'what this release gave back (a partial release lists only part)',
    }),
  },
  { $id: 'InventoryReleasedV1' },
);
export type InventoryReleasedV1 = Static<typeof InventoryReleasedV1>;

/** `inventory.committed` v1: held stock left on-hand for a confirmed order (subject = the reservation id). */
export const InventoryCommittedV1 = Type.Object(
  {
    reservationId: Type.String({ format: 'uuid' }),
    reference: Type.String(),
    lines: Type.Array(Type.Object({ sku: Sku, quantity: Quantity })),
  },
  { $id: 'InventoryCommittedV1' },
);
export type InventoryCommittedV1 = Static<typeof InventoryCommittedV1>;

/** `inventory.stock_changed` v1: a SKU's availability over all active warehouses changed (subject = the SKU). */
export const InventoryStockChangedV1 = Type.Object(
  {
    sku: Sku,
    available: Type.Integer({ minimum: 0, description: 'on hand minus reserved, summed over warehouses' }),
    onHand: Type.Integer({ minimum: 0 }),
    backorder: Type.Boolean({ description: 'sellable even when nothing is available' }),
  },
  { $id: 'InventoryStockChangedV1' },
);
export type InventoryStockChangedV1 = Static<typeof InventoryStockChangedV1>;

/** `inventory.low_stock` v1: availability crossed the threshold downwards (once per crossing; subject = the SKU). */
export const InventoryLowStockV1 = Type.Object(
  {
    sku: Sku,
    warehouseCode: Type.String(),
    available: Type.Integer({ minimum: 0 }),
    threshold: Type.Integer({ minimum: 0 }),
  },
  { $id: 'InventoryLowStockV1' },
);
export type InventoryLowStockV1 = Static<typeof InventoryLowStockV1>;
