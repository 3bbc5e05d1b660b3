import { defineErrors } from '@mercato/platform/errors';

/** The order service's error codes (listed in docs/errors.md). */
export const OrderErrors = defineErrors({
  ORDER_NOT_FOUND: { status: 404, title: 'Order not found' },
  ORDER_INVALID_TRANSITION: {
    status: 409,
    title: 'The order cannot move to that status from its current one',
  },
  ORDER_CHECKOUT_CONFLICT: {
    status: 409,
    title: 'An order for this checkout already exists with other content',
  },
  ORDER_PAYMENT_CONFLICT: { status: 409, title: 'The order already has another payment' },
  ORDER_CURRENCY_MISMATCH: { status: 422, title: "An amount is not in the order's currency" },
  ORDER_TOTAL_MISMATCH: {
    status: 422,
    title: 'The lines, shipping and taxes do not add up to the expected total',
  },
  ORDER_DISCOUNT_EXCEEDS_LINE: { status: 422, title: "A line's discounts exceed its price" },
  ORDER_LINE_NOT_FOUND: { status: 422, title: 'The order has no such line' },
  ORDER_RETURN_NOT_ALLOWED: { status: 422, title: 'These lines cannot be returned' },
  ORDER_RETURN_WINDOW_CLOSED: { status: 422, title: 'The return window of this order has closed' },
  ORDER_RETURN_NOT_FOUND: { status: 404, title: 'Return request not found' },
  ORDER_REFUND_EXCEEDS_PAID: { status: 422, title: 'The refund is more than what is left to refund' },
  ORDER_NOT_PAID: { status: 409, title: 'The order has not been paid, so there is nothing to refund' },
  ORDER_SERVICE_ONLY: { status: 403, title: 'Only a service (client credentials) may do this' },
});
