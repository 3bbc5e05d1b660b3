import { DiscountCodeSchema, PromotionKindSchema, SkuSchema } from '@mercato/contracts';
import { MoneySchema, Nullable } from '@mercato/platform/http';
import { Type, type Static } from 'typebox';

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

export const CartParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
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

export const CheckoutBody = Type.Object(
  { checkoutId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);

const LineIssues = Type.Object({
  priceChanged: Type.Union([Type.Object({ old: MoneySchema, new: MoneySchema }), Type.Null()], {
    description: 'the catalog price differs from the price the line was added at (the cart keeps its price)',
  }),
  unavailable: Type.Boolean({ description: 'the variant is gone, not for sale, or has no stock at all' }),
  insufficientStock: Type.Union([Type.Object({ available: Type.Integer() }), Type.Null()], {
    description: 'fewer units are available than the line holds',
  }),
});

const LineAmounts = Type.Object({
  subtotal: Type.Integer({ description: 'unit price × quantity' }),
  discount: Type.Integer({ description: "this line's share of the discount total" }),
  tax: Type.Integer({ description: "this line's share of the tax" }),
  total: Type.Integer({ description: 'subtotal − discount (+ tax when prices exclude it)' }),
});

export const CartLineSchema = Type.Object({
  sku: Type.String(),
  quantity: Type.Integer(),
  variantId: Type.String(),
  productId: Type.String(),
  title: Type.String(),
  options: Type.Record(Type.String(), Type.String()),
  image: Type.Union([Type.String(), Type.Null()]),
  unitPrice: MoneySchema,
  weightGrams: Type.Union([Type.Integer(), Type.Null()]),
  addedAt: Type.String({ format: 'date-time' }),
  amounts: LineAmounts,
  issues: LineIssues,
});

export const TotalsSchema = Type.Object({
  currency: Type.String(),
  subtotal: Type.Integer(),
  discount: Type.Integer(),
  shipping: Type.Integer({ description: 'estimate: 0 until shipping rates exist' }),
  tax: Type.Integer(),
  total: Type.Integer(),
  taxIncluded: Type.Boolean({
    description: 'prices include tax (tax.prices_include_tax): tax is part of total, not added',
  }),
  taxRate: Type.Integer({
    description: "the country's rate in basis points (1900 = 19 %); 0 without a country",
  }),
  taxCountry: Type.Union([Type.String(), Type.Null()]),
});
export type Totals = Static<typeof TotalsSchema>;

export const CartSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    customerId: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal('active'), Type.Literal('merged'), Type.Literal('checked_out')]),
    currency: Type.String(),
    country: Type.Union([Type.String(), Type.Null()]),
    version: Type.Integer(),
    lines: Type.Array(CartLineSchema),
    totals: TotalsSchema,
    codes: Type.Array(Type.String(), { description: 'discount codes entered (upper case)' }),
    discounts: Type.Object({
      applied: Type.Array(
        Type.Object({
          promotionId: Type.String(),
          name: Type.String(),
          kind: PromotionKindSchema,
          code: Type.Union([Type.String(), Type.Null()], { description: 'null: automatic' }),
          amount: Type.Integer(),
        }),
      ),
      refused: Type.Array(
        Type.Object({ code: Type.String(), reason: Type.String(), message: Type.String() }),
        { description: 'entered codes that do not apply now, with the discount service’s coded reason' },
      ),
    }),
    revalidation: Type.Object(
      {
        catalog: Type.Boolean({ description: 'prices were checked against the catalog now' }),
        inventory: Type.Boolean({ description: 'availability was checked against inventory now' }),
        discount: Type.Boolean({ description: 'discounts were evaluated now (false: discount total 0)' }),
      },
      { description: 'false when that service could not be asked: the cart is shown as stored' },
    ),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Cart' },
);
export type CartView = Static<typeof CartSchema>;
export type CartLineView = Static<typeof CartLineSchema>;
