import { QuantitySchema, SkuSchema } from '@mercato/contracts';
import { Type } from 'typebox';

export { SkuSchema as SKU, QuantitySchema as Quantity };

/** Stock changes and reservations need inventory:write (admins, sellers, the checkout saga's client). */
export const WRITE = { permission: 'inventory:write' } as const;
/** Admin reads (levels per warehouse, the ledger, reservations) need inventory:read. */
export const READ = { permission: 'inventory:read' } as const;

export const WAREHOUSE_CODE = Type.String({ pattern: '^[A-Z0-9][A-Z0-9_-]{0,31}$' });
export const Note = Type.String({ maxLength: 500 });
