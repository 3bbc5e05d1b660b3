import { Type, type Static } from 'typebox';
import { WAREHOUSE_CODE } from '../request-meta.ts';

export const AddressSchema = Type.Object(
  {
    line1: Type.Optional(Type.String({ maxLength: 200 })),
    line2: Type.Optional(Type.String({ maxLength: 200 })),
    city: Type.Optional(Type.String({ maxLength: 100 })),
    region: Type.Optional(Type.String({ maxLength: 100 })),
    postalCode: Type.Optional(Type.String({ maxLength: 20 })),
    country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
  },
  { additionalProperties: false },
);

export const WarehouseSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    code: Type.String(),
    name: Type.String(),
    address: AddressSchema,
    priority: Type.Integer({ description: 'allocation order: lower first' }),
    active: Type.Boolean(),
    lowStockThreshold: Type.Integer({ description: 'default low-stock threshold of the SKUs stocked here' }),
    version: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Warehouse' },
);
export type Warehouse = Static<typeof WarehouseSchema>;

export const CreateWarehouseBody = Type.Object(
  {
    code: WAREHOUSE_CODE,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    address: Type.Optional(AddressSchema),
    priority: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 100 }),
    active: Type.Boolean({ default: true }),
    lowStockThreshold: Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 5 }),
  },
  { additionalProperties: false },
);
export type CreateWarehouseInput = Static<typeof CreateWarehouseBody>;

export const UpdateWarehouseBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    address: Type.Optional(AddressSchema),
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    active: Type.Optional(Type.Boolean()),
    lowStockThreshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWarehouseInput = Static<typeof UpdateWarehouseBody>;

export const CodeParams = Type.Object({ code: WAREHOUSE_CODE });
