import { Type, type Static } from 'typebox';

// Event data objects leave additionalProperties open (ARCHITECTURE.md §6).

/** One promotion a redemption uses, with what it gave. */
const RedemptionUse = Type.Object({
  promotionId: Type.String({ format: 'uuid' }),
  code: Type.Union([Type.String(), Type.Null()], { description: 'the code used; null: automatic' }),
  amount: Type.Integer({ minimum: 0, description: 'off the lines, minor units' }),
  shippingAmount: Type.Integer({ minimum: 0 }),
});

const redemptionFields = {
  redemptionId: Type.String({ format: 'uuid' }),
  checkoutId: Type.String(),
  customerId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  discountTotal: Type.Integer({ minimum: 0 }),
  shippingDiscount: Type.Integer({ minimum: 0 }),
  promotions: Type.Array(RedemptionUse),
};

/** `discount.reserved` v1: uses of promotions are held for a checkout (subject = the redemption id). */
export const DiscountReservedV1 = Type.Object(
  { ...redemptionFields, expiresAt: Type.String({ format: 'date-time' }) },
  { $id: 'DiscountReservedV1' },
);
export type DiscountReservedV1 = Static<typeof DiscountReservedV1>;

/** `discount.redeemed` v1: the held uses became redemptions of a confirmed order (subject = the redemption id). */
export const DiscountRedeemedV1 = Type.Object(
  { ...redemptionFields, orderId: Type.Union([Type.String(), Type.Null()]) },
  { $id: 'DiscountRedeemedV1' },
);
export type DiscountRedeemedV1 = Static<typeof DiscountRedeemedV1>;

/** `discount.released` v1: the held uses were given back (subject = the redemption id). */
export const DiscountReleasedV1 = Type.Object(
  { ...redemptionFields, reason: Type.String({ description: 'cancelled, expired, or the caller’s reason' }) },
  { $id: 'DiscountReleasedV1' },
);
export type DiscountReleasedV1 = Static<typeof DiscountReleasedV1>;

/** `promotion.changed` v1: a promotion was created or changed (subject = the promotion id). */
export const PromotionChangedV1 = Type.Object(
  {
    promotionId: Type.String({ format: 'uuid' }),
    action: Type.Union([Type.Literal('created'), Type.Literal('updated')]),
    name: Type.String(),
    kind: Type.String(),
    trigger: Type.String({ description: 'automatic or code' }),
    status: Type.String({ description: 'active, paused or archived' }),
    campaignId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    version: Type.Integer({ minimum: 1 }),
  },
  { $id: 'PromotionChangedV1' },
);
export type PromotionChangedV1 = Static<typeof PromotionChangedV1>;
