import { defineErrors } from '@mercato/platform/errors';

/**
 * The discount service's error codes (listed in docs/errors.md). The refusal reasons of a
 * code (evaluate's `refused[].reason`, reserve's 409/422) are codes of this catalog too.
 */
export const DiscountErrors = defineErrors({
  DISCOUNT_PROMOTION_NOT_FOUND: { status: 404, title: 'Promotion not found' },
  DISCOUNT_CAMPAIGN_NOT_FOUND: { status: 404, title: 'Campaign not found' },
  DISCOUNT_BATCH_NOT_FOUND: { status: 404, title: 'Code batch not found' },
  DISCOUNT_REDEMPTION_NOT_FOUND: { status: 404, title: 'No redemption for this checkout' },
  DISCOUNT_CODE_EXISTS: { status: 409, title: 'This code already exists' },
  DISCOUNT_CAMPAIGN_INVALID: { status: 422, title: 'The campaign’s schedule is not valid' },
  DISCOUNT_PROMOTION_INVALID: { status: 422, title: 'The promotion’s settings do not fit its kind' },
  DISCOUNT_REDEMPTION_CONFLICT: {
    status: 409,
    title: 'This checkout already holds a redemption for other input',
  },
  DISCOUNT_REDEMPTION_RELEASED: { status: 409, title: 'The redemption was released' },
  DISCOUNT_REDEMPTION_COMMITTED: { status: 409, title: 'The redemption is already committed' },
  DISCOUNT_CUSTOMER_MISMATCH: { status: 403, title: 'A customer may evaluate only for themselves' },
  // Refusal reasons of a code.
  DISCOUNT_CODE_NOT_FOUND: { status: 422, title: 'Unknown discount code' },
  DISCOUNT_INACTIVE: { status: 422, title: 'The promotion is paused or archived' },
  DISCOUNT_NOT_STARTED: { status: 422, title: 'The promotion has not started yet' },
  DISCOUNT_EXPIRED: { status: 422, title: 'The promotion has ended' },
  DISCOUNT_LIMIT_REACHED: { status: 409, title: 'The promotion or code has no uses left' },
  DISCOUNT_CUSTOMER_LIMIT_REACHED: {
    status: 409,
    title: 'The customer has used this promotion as often as allowed',
  },
  DISCOUNT_SIGN_IN_REQUIRED: { status: 422, title: 'The promotion is for signed-in customers' },
  DISCOUNT_CUSTOMER_NOT_ELIGIBLE: { status: 422, title: 'The promotion is not offered to this customer' },
  DISCOUNT_FIRST_ORDER_ONLY: { status: 422, title: 'The promotion is for a first order only' },
  DISCOUNT_CURRENCY_MISMATCH: { status: 422, title: 'The promotion is for another currency' },
  DISCOUNT_MIN_SUBTOTAL: { status: 422, title: 'The cart is below the promotion’s minimum subtotal' },
  DISCOUNT_NOT_APPLICABLE: { status: 422, title: 'No line of the cart qualifies for the promotion' },
  DISCOUNT_NOT_COMBINABLE: {
    status: 422,
    title: 'The promotion does not combine with one that applies already',
  },
  DISCOUNT_CODE_REPEATED: {
    status: 422,
    title: 'The code (or another of its promotion) was entered already',
  },
});

/** A reason a code is refused (a code of the catalog above). */
export type RefusalReason =
  | 'DISCOUNT_CODE_NOT_FOUND'
  | 'DISCOUNT_INACTIVE'
  | 'DISCOUNT_NOT_STARTED'
  | 'DISCOUNT_EXPIRED'
  | 'DISCOUNT_LIMIT_REACHED'
  | 'DISCOUNT_CUSTOMER_LIMIT_REACHED'
  | 'DISCOUNT_SIGN_IN_REQUIRED'
  | 'DISCOUNT_CUSTOMER_NOT_ELIGIBLE'
  | 'DISCOUNT_FIRST_ORDER_ONLY'
  | 'DISCOUNT_CURRENCY_MISMATCH'
  | 'DISCOUNT_MIN_SUBTOTAL'
  | 'DISCOUNT_NOT_APPLICABLE'
  | 'DISCOUNT_NOT_COMBINABLE'
  | 'DISCOUNT_CODE_REPEATED';
