import { Type, type Static } from 'typebox';

// Event data objects leave additionalProperties open (ARCHITECTURE.md §6). Subject of every
// payment event: the payment id. Amounts are minor units of `currency`.

const PaymentRef = {
  paymentId: Type.String({ format: 'uuid' }),
  orderId: Type.Union([Type.String(), Type.Null()]),
  checkoutId: Type.Union([Type.String(), Type.Null()]),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
};

/** `payment.authorized` v1: the provider holds `amount` on the buyer's card (capture pending). */
export const PaymentAuthorizedV1 = Type.Object(
  {
    ...PaymentRef,
    amount: Type.Integer({ minimum: 1 }),
    providerReference: Type.String({ description: "the provider's payment intent id" }),
    risk: Type.Union([Type.Literal('allow'), Type.Literal('review')], {
      description: 'the fraud decision; review: authorized but to be looked at before shipping',
    }),
  },
  { $id: 'PaymentAuthorizedV1' },
);
export type PaymentAuthorizedV1 = Static<typeof PaymentAuthorizedV1>;

/** `payment.requires_action` v1: the buyer must act (3-D Secure) at `actionUrl`; a later event says how it ended. */
export const PaymentRequiresActionV1 = Type.Object(
  {
    ...PaymentRef,
    amount: Type.Integer({ minimum: 1 }),
    actionUrl: Type.String({ description: "the provider's challenge page" }),
  },
  { $id: 'PaymentRequiresActionV1' },
);
export type PaymentRequiresActionV1 = Static<typeof PaymentRequiresActionV1>;

/** `payment.captured` v1: `amount` moved to the shop (the rest of the authorization, if any, was released). */
export const PaymentCapturedV1 = Type.Object(
  {
    ...PaymentRef,
    amount: Type.Integer({ minimum: 1, description: 'captured now' }),
    authorizedAmount: Type.Integer({ minimum: 1 }),
  },
  { $id: 'PaymentCapturedV1' },
);
export type PaymentCapturedV1 = Static<typeof PaymentCapturedV1>;

/** `payment.failed` v1: the payment cannot complete (declined, denied by the fraud check, challenge failed, error). */
export const PaymentFailedV1 = Type.Object(
  {
    ...PaymentRef,
    amount: Type.Integer({ minimum: 1 }),
    failureCode: Type.String({
      description:
        'card_declined, insufficient_funds, expired_card, processing_error, authentication_failed, fraud_denied…',
    }),
    failureMessage: Type.String(),
  },
  { $id: 'PaymentFailedV1' },
);
export type PaymentFailedV1 = Static<typeof PaymentFailedV1>;

/** `payment.voided` v1: the authorization was cancelled before any capture; nothing was charged. */
export const PaymentVoidedV1 = Type.Object(
  {
    ...PaymentRef,
    amount: Type.Integer({ minimum: 1, description: 'the authorization released' }),
  },
  { $id: 'PaymentVoidedV1' },
);
export type PaymentVoidedV1 = Static<typeof PaymentVoidedV1>;

/** `payment.refunded` v1: one refund went back to the buyer (one event per refund). */
export const PaymentRefundedV1 = Type.Object(
  {
    ...PaymentRef,
    refundId: Type.String({ format: 'uuid' }),
    amount: Type.Integer({ minimum: 1, description: 'this refund' }),
    refundedTotal: Type.Integer({ minimum: 1, description: 'all refunds of the payment so far' }),
    capturedAmount: Type.Integer({ minimum: 1 }),
    fullyRefunded: Type.Boolean(),
    reason: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'PaymentRefundedV1' },
);
export type PaymentRefundedV1 = Static<typeof PaymentRefundedV1>;
