import { defineErrors } from '@mercato/platform/errors';

/** The payment service's error codes (listed in docs/errors.md). */
export const PaymentErrors = defineErrors({
  PAYMENT_NOT_FOUND: { status: 404, title: 'Payment not found' },
  PAYMENT_METHOD_NOT_FOUND: { status: 404, title: 'Saved payment method not found' },
  PAYMENT_INVALID_STATE: { status: 409, title: 'The payment is not in a state that allows this' },
  PAYMENT_OPERATION_IN_PROGRESS: {
    status: 409,
    title: 'Another capture or void of this payment is being answered by the provider',
  },
  PAYMENT_AMOUNT_EXCEEDS_REMAINING: {
    status: 400,
    title: 'The amount is more than what remains to capture or refund',
  },
  PAYMENT_CURRENCY_MISMATCH: { status: 400, title: "The currency is not the payment's currency" },
  PAYMENT_REFERENCE_REQUIRED: { status: 400, title: 'A payment needs an orderId or a checkoutId' },
  PAYMENT_CUSTOMER_REQUIRED: { status: 400, title: 'Saving a card needs a customerId' },
  PAYMENT_TOKEN_INVALID: { status: 400, title: 'The provider does not know this card token, or it was used' },
  PAYMENT_PROVIDER_REFUSED: { status: 422, title: 'The provider refused the operation' },
  PAYMENT_WEBHOOK_SIGNATURE_INVALID: { status: 400, title: 'The webhook signature does not verify' },
  PAYMENT_WEBHOOK_TIMESTAMP_STALE: {
    status: 400,
    title: "The webhook's signed timestamp is outside the tolerance",
  },
  PAYMENT_WEBHOOK_MALFORMED: { status: 400, title: 'The webhook body is not a provider event' },
});
