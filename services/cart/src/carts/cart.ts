import {
  CartLineSchema,
  CartParams,
  CartSchema,
  CheckoutBody,
  DiscountCodeSchema,
  SkuSchema,
  TotalsSchema,
} from '@mercato/contracts';
import { Nullable, type MoneySchema } from '@mercato/platform/http';
import { Type, type Static } from 'typebox';

// The cart as callers read it (and the checkout route's body) are cart's contract (packages/contracts, cart-api.ts).
export { CartLineSchema, CartParams, CartSchema, CheckoutBody, TotalsSchema };

/** Most lines a cart holds, and most units a line holds (issue #17, item 2). */
export const MAX_LINES = 100;
export const MAX_QUANTITY = 999;

export type Money = Static<typeof MoneySchema>;

/** What the catalog said about a variant when its line was added (kept as is until accepted anew). */
export interface LineSnapshot {
  variantId: string;
  productId: string;
  title: string;
  options: Record<string, string>;
  image: string | null;
  unitPrice: Money;
  weightGrams: number | null;
  brandId: string | null;
  brandHandle: string | null;
  categoryIds: string[];
  categoryHandles: string[];
}

/** A line as stored. `deactivated` is set from catalog events between reads. */
export interface CartLine {
  sku: string;
  quantity: number;
  addedAt: string;
  snapshot: LineSnapshot;
  deactivated: boolean;
}

export type CartStatus = 'active' | 'merged' | 'checked_out';

/** A cart as stored (PostgreSQL row, and the same document in the cache). */
export interface CartRecord {
  id: string;
  customerId: string | null;
  status: CartStatus;
  currency: string;
  country: string | null;
  lines: CartLine[];
  /** Discount codes entered, upper case. */
  codes: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
  touchedAt: string;
  expiresAt: string;
  abandonedAt: string | null;
  mergedInto: string | null;
  checkoutId: string | null;
}

const CountrySchema = Type.String({
  pattern: '^[A-Z]{2}$',
  description: 'ISO 3166-1 alpha-2',
  examples: ['DE'],
});
const CurrencySchema = Type.String({ pattern: '^[A-Z]{3}$', examples: ['USD'] });
const Quantity = Type.Integer({
  minimum: 1,
  maximum: MAX_QUANTITY,
  description: `1 to ${MAX_QUANTITY}`,
  examples: [2],
});

export const LineParams = Type.Object({ id: Type.String({ format: 'uuid' }), sku: SkuSchema });

export const CreateCartBody = Type.Object(
  {
    currency: Type.Optional(CurrencySchema),
    country: Type.Optional(CountrySchema),
  },
  { additionalProperties: false },
);
export type CreateCartInput = Static<typeof CreateCartBody>;

export const UpdateCartBody = Type.Object(
  {
    country: Nullable(Type.String({ pattern: '^[A-Z]{2}$', description: 'where it ships: the tax country' })),
  },
  { additionalProperties: false },
);
export type UpdateCartInput = Static<typeof UpdateCartBody>;

export const AddLineBody = Type.Object(
  { sku: SkuSchema, quantity: Quantity },
  { additionalProperties: false, examples: [{ sku: 'OCT-M', quantity: 2 }] },
);
export type AddLineInput = Static<typeof AddLineBody>;

export const SetQuantityBody = Type.Object({ quantity: Quantity }, { additionalProperties: false });

export const MergeBody = Type.Object(
  { guestCartId: Type.String({ format: 'uuid', description: 'the cart used before signing in' }) },
  { additionalProperties: false },
);

export const CodeBody = Type.Object({ code: DiscountCodeSchema }, { additionalProperties: false });
export const CodeParams = Type.Object({ id: Type.String({ format: 'uuid' }), code: DiscountCodeSchema });

export type CartView = Static<typeof CartSchema>;
export type CartLineView = Static<typeof CartLineSchema>;
