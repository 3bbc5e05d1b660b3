import { Type, type Static } from 'typebox';

// Event data objects leave additionalProperties open (ARCHITECTURE.md §6). Subject of every
// checkout event: the checkout id (the saga's id).

const CheckoutRef = {
  checkoutId: Type.String(),
  cartId: Type.String({ format: 'uuid' }),
  customerId: Type.Union([Type.String(), Type.Null()], { description: 'null for a guest' }),
};

/** `checkout.completed` v1: every step ran; the order is confirmed (published after order.confirmed). */
export const CheckoutCompletedV1 = Type.Object(
  {
    ...CheckoutRef,
    orderId: Type.String({ format: 'uuid' }),
    orderNumber: Type.String(),
    paymentId: Type.String({ format: 'uuid' }),
    total: Type.Object({ amount: Type.Integer(), currency: Type.String({ pattern: '^[A-Z]{3}$' }) }),
  },
  { $id: 'CheckoutCompletedV1' },
);
export type CheckoutCompletedV1 = Static<typeof CheckoutCompletedV1>;

/** `checkout.failed` v1: a step refused or ran out of time; every earlier effect was undone. */
export const CheckoutFailedV1 = Type.Object(
  {
    ...CheckoutRef,
    reason: Type.String({
      description:
        'OUT_OF_STOCK, PAYMENT_DECLINED, PRICE_CHANGED, DISCOUNT_INVALID, DEADLINE_EXCEEDED… (docs/errors.md, checkout reasons)',
    }),
    step: Type.String({ description: 'the step that failed' }),
    message: Type.String(),
    status: Type.Union([Type.Literal('failed'), Type.Literal('stuck')], {
      description: 'stuck: a compensation kept failing and an operator must look',
    }),
  },
  { $id: 'CheckoutFailedV1' },
);
export type CheckoutFailedV1 = Static<typeof CheckoutFailedV1>;
