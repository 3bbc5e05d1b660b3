import { Type, type Static } from 'typebox';
import { defineRoutes } from './http.ts';

// The routes of discount that other services call (the cart prices its lines with evaluate,
// the checkout saga reserves, commits and releases): their schemas live here so discount
// mounts them and callers' typed clients read them from one place.

const Currency = Type.String({ pattern: '^[A-Z]{3}$', examples: ['USD'] });
const Uuid = Type.String({ format: 'uuid' });
const Amount = Type.Integer({ minimum: 0, description: 'minor units of the request currency' });

/** A discount code as a shopper types it: case does not matter, surrounding blanks are ignored. */
export const DiscountCodeSchema = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^\\s*[A-Za-z0-9_-]+\\s*$',
  examples: ['WELCOME10'],
});

/** A checkout id as the saga passes it (the redemption's idempotency key). */
export const CheckoutIdSchema = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^[A-Za-z0-9._:-]+$',
  examples: ['0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b'],
});

/** One cart line as discount needs it: what it is (for conditions) and what it costs. */
export const DiscountLineSchema = Type.Object(
  {
    lineId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: "the caller's line id, echoed in allocations",
      }),
    ),
    sku: Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S+$' }),
    productId: Uuid,
    categoryIds: Type.Array(Uuid, { maxItems: 50, description: "the product's own categories" }),
    categoryHandles: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        maxItems: 100,
        description:
          "handles of the product's categories and their ancestors (catalog's variant lookup), so a promotion on a parent category matches",
      }),
    ),
    brandId: Type.Union([Uuid, Type.Null()]),
    brandHandle: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()])),
    unitPrice: Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'minor units' }),
    quantity: Type.Integer({ minimum: 1, maximum: 999 }),
  },
  { additionalProperties: false },
);
export type DiscountLine = Static<typeof DiscountLineSchema>;

const evaluateFields = {
  currency: Currency,
  customerId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'absent or null: a guest' })),
  firstOrder: Type.Optional(
    Type.Boolean({
      description:
        "whether this is the customer's first order, when the caller knows; absent: discount decides from its own redemption history",
    }),
  ),
  codes: Type.Array(DiscountCodeSchema, {
    maxItems: 10,
    default: [],
    description: 'codes the shopper entered',
  }),
  lines: Type.Array(DiscountLineSchema, { minItems: 1, maxItems: 100 }),
  shippingAmount: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 100_000_000,
      description: 'the shipping price, for free-shipping promotions',
    }),
  ),
};

export const EvaluateBody = Type.Object(evaluateFields, {
  additionalProperties: false,
  examples: [
    {
      currency: 'USD',
      customerId: null,
      codes: ['WELCOME10'],
      lines: [
        {
          lineId: 'l1',
          sku: 'OCT-M',
          productId: '0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b',
          categoryIds: [],
          brandId: null,
          unitPrice: 2500,
          quantity: 2,
        },
      ],
    },
  ],
});
export type EvaluateInput = Static<typeof EvaluateBody>;

export const PromotionKindSchema = Type.Union([
  Type.Literal('percentage'),
  Type.Literal('fixed_amount'),
  Type.Literal('free_shipping'),
  Type.Literal('buy_x_get_y'),
]);
export type PromotionKind = Static<typeof PromotionKindSchema>;

const LineAllocation = Type.Object({
  lineIndex: Type.Integer({ minimum: 0, description: 'position of the line in the request' }),
  lineId: Type.Union([Type.String(), Type.Null()]),
  sku: Type.String(),
  amount: Amount,
});

/** One promotion that applies, and how much of it each line carries. */
export const AppliedDiscountSchema = Type.Object({
  promotionId: Uuid,
  name: Type.String(),
  kind: PromotionKindSchema,
  code: Type.Union([Type.String(), Type.Null()], {
    description: 'the code (upper case) that unlocked it; null: automatic',
  }),
  amount: Type.Integer({ minimum: 0, description: 'off the lines; equals the sum of allocations' }),
  allocations: Type.Array(LineAllocation, {
    description: 'lines carrying a non-zero share, in request order',
  }),
  shippingAmount: Type.Integer({ minimum: 0, description: 'off the shipping price (free shipping)' }),
});
export type AppliedDiscount = Static<typeof AppliedDiscountSchema>;

/** A code that does not apply, and why (a code from docs/errors.md). */
export const RefusedCodeSchema = Type.Object({
  code: Type.String({ description: 'the code as entered, upper case' }),
  reason: Type.String({ examples: ['DISCOUNT_EXPIRED'] }),
  message: Type.String(),
});
export type RefusedCode = Static<typeof RefusedCodeSchema>;

/** A line's subtotal and its share of every applied discount. */
const LineResult = Type.Object({
  lineIndex: Type.Integer({ minimum: 0 }),
  lineId: Type.Union([Type.String(), Type.Null()]),
  sku: Type.String(),
  subtotal: Amount,
  discount: Amount,
  total: Amount,
});

/**
 * What the discounts come to. Rounding: each discount's amount is whole minor units and is
 * split over lines by the largest-remainder rule, so allocations always sum exactly to
 * the amount; `discountTotal` is the sum of the applied amounts and of the lines' `discount`.
 */
export const EvaluationSchema = Type.Object(
  {
    currency: Currency,
    subtotal: Amount,
    discountTotal: Amount,
    shippingDiscount: Amount,
    freeShipping: Type.Boolean(),
    total: Type.Integer({ minimum: 0, description: 'subtotal minus discountTotal (shipping excluded)' }),
    lines: Type.Array(LineResult),
    applied: Type.Array(AppliedDiscountSchema),
    refused: Type.Array(RefusedCodeSchema),
  },
  { $id: 'DiscountEvaluation' },
);
export type Evaluation = Static<typeof EvaluationSchema>;

export const RedemptionStatusSchema = Type.Union([
  Type.Literal('held'),
  Type.Literal('committed'),
  Type.Literal('released'),
]);
export type RedemptionStatus = Static<typeof RedemptionStatusSchema>;

/** The discounts held for one checkout: they count against every limit until released. */
export const RedemptionSchema = Type.Object(
  {
    id: Uuid,
    checkoutId: Type.String(),
    status: RedemptionStatusSchema,
    customerId: Type.Union([Uuid, Type.Null()]),
    orderId: Type.Union([Type.String(), Type.Null()]),
    releaseReason: Type.Union([Type.String(), Type.Null()], {
      description: 'cancelled, expired, or the caller’s reason',
    }),
    expiresAt: Type.String({ format: 'date-time', description: 'a held redemption is released after this' }),
    evaluation: EvaluationSchema,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'DiscountRedemption' },
);
export type Redemption = Static<typeof RedemptionSchema>;

export const ReserveBody = Type.Object(
  {
    checkoutId: CheckoutIdSchema,
    ttlSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 900 }),
    ...evaluateFields,
  },
  { additionalProperties: false },
);
export type ReserveInput = Static<typeof ReserveBody>;

export const CommitBody = Type.Object(
  { orderId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
export type CommitInput = Static<typeof CommitBody>;

export const RedemptionReleaseBody = Type.Object(
  {
    reason: Type.Optional(Type.String({ pattern: '^[a-z][a-z_]{0,39}$', description: 'default cancelled' })),
  },
  { additionalProperties: false },
);
export type RedemptionReleaseInput = Static<typeof RedemptionReleaseBody>;

const CheckoutParams = Type.Object({ checkoutId: CheckoutIdSchema });

/** Discount's routes that other services call. */
export const discountApi = defineRoutes({
  evaluate: {
    method: 'POST',
    path: '/api/v1/discounts/evaluate',
    summary:
      'The discounts a cart gets (automatic promotions and the entered codes), allocated per line; refused codes with a coded reason. Changes nothing',
    body: EvaluateBody,
    response: { 200: EvaluationSchema },
    errors: [400],
  },
  reserve: {
    method: 'POST',
    path: '/api/v1/discounts/redemptions',
    summary:
      'Evaluate and hold one use of every applied promotion and code for a checkout (201); a repeat for the checkout answers the existing redemption (200). Any refused code: 409/422 with its reason, nothing held',
    body: ReserveBody,
    response: { 200: RedemptionSchema, 201: RedemptionSchema },
    errors: [400, 401, 403, 409, 422],
  },
  getRedemption: {
    method: 'GET',
    path: '/api/v1/discounts/redemptions/:checkoutId',
    summary: "A checkout's redemption: its state and the evaluation it holds",
    params: CheckoutParams,
    response: { 200: RedemptionSchema },
    errors: [400, 401, 403, 404],
  },
  commit: {
    method: 'POST',
    path: '/api/v1/discounts/redemptions/:checkoutId/commit',
    summary: 'The held uses become redemptions (the order is confirmed); a repeat answers the current state',
    params: CheckoutParams,
    body: CommitBody,
    response: { 200: RedemptionSchema },
    errors: [400, 401, 403, 404, 409],
  },
  release: {
    method: 'POST',
    path: '/api/v1/discounts/redemptions/:checkoutId/release',
    summary: 'Give the held uses back (the saga compensates); a repeat answers the current state',
    params: CheckoutParams,
    body: RedemptionReleaseBody,
    response: { 200: RedemptionSchema },
    errors: [400, 401, 403, 404, 409],
  },
});
