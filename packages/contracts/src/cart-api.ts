import { Type, type Static } from 'typebox';
import { PromotionKindSchema } from './discount-api.ts';
import { defineRoutes, MoneySchema } from './http.ts';

// The cart routes other services call (the checkout saga reads a cart revalidated and closes
// it): their schemas live here so cart mounts them and the saga's typed client reads them from
// one place. Everything else about carts (lines, codes, merge) is cart's own.

export const CartParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const CheckoutBody = Type.Object(
  { checkoutId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
export type CartCheckoutInput = Static<typeof CheckoutBody>;

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
export type Cart = Static<typeof CartSchema>;

/** Cart's routes that other services call. */
export const cartApi = defineRoutes({
  get: {
    method: 'GET',
    path: '/api/v1/carts/:id',
    summary:
      'A cart with each line checked against current prices and stock (priceChanged, unavailable, insufficientStock) and its totals (ETag = version)',
    params: CartParams,
    response: { 200: CartSchema },
    errors: [400, 404],
  },
  checkout: {
    method: 'POST',
    path: '/api/v1/carts/:id/checkout',
    summary:
      'Close the cart for a checkout (cart.checked_out); a repeat with the same checkoutId answers the closed cart',
    params: CartParams,
    body: CheckoutBody,
    response: { 200: CartSchema },
    errors: [400, 404, 409, 412, 422],
  },
});
