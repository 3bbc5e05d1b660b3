import { defineErrors } from '@mercato/platform/errors';

/** The checkout service's error codes (listed in docs/errors.md). */
export const CheckoutErrors = defineErrors({
  CHECKOUT_NOT_FOUND: { status: 404, title: 'Checkout not found' },
  CHECKOUT_CART_NOT_FOUND: {
    status: 404,
    title: 'No such cart (missing, expired, or someone else’s)',
  },
  CHECKOUT_CART_CLOSED: { status: 409, title: 'The cart is closed (merged or checked out)' },
  CHECKOUT_CART_EMPTY: { status: 422, title: 'An empty cart cannot be checked out' },
  CHECKOUT_EMAIL_REQUIRED: { status: 400, title: 'A guest checkout needs an email address' },
  CHECKOUT_ADDRESS_REQUIRED: { status: 400, title: 'A shipping address (or a saved address id) is required' },
  CHECKOUT_ADDRESS_NOT_FOUND: { status: 404, title: 'No such saved address for this customer' },
  CHECKOUT_SIGN_IN_REQUIRED: {
    status: 422,
    title: 'Saved addresses and saved cards need a signed-in customer',
  },
  CHECKOUT_SHIPPING_METHOD_UNAVAILABLE: {
    status: 422,
    title: 'The shipping method does not serve this address or basket',
  },
  CHECKOUT_NOT_ACTIVE: {
    status: 409,
    title: 'The checkout has ended (or is not in a state this action applies to)',
  },
});

/**
 * Why a checkout failed (`failure.code` of GET /checkout/{id}, `reason` of checkout.failed):
 * codes the storefront can show, listed in docs/errors.md ("Checkout failure reasons").
 */
export const FailureReasons = {
  CART_CHANGED: 'CART_CHANGED',
  ITEM_UNAVAILABLE: 'ITEM_UNAVAILABLE',
  PRICE_CHANGED: 'PRICE_CHANGED',
  DISCOUNT_INVALID: 'DISCOUNT_INVALID',
  OUT_OF_STOCK: 'OUT_OF_STOCK',
  ORDER_REFUSED: 'ORDER_REFUSED',
  PAYMENT_DECLINED: 'PAYMENT_DECLINED',
  PAYMENT_TIMEOUT: 'PAYMENT_TIMEOUT',
  SHIPPING_FAILED: 'SHIPPING_FAILED',
} as const;
