import { defineErrors } from '@mercato/platform/errors';

/** The cart service's error codes (listed in docs/errors.md). */
export const CartErrors = defineErrors({
  CART_NOT_FOUND: { status: 404, title: 'Cart not found' },
  CART_LINE_NOT_FOUND: { status: 404, title: 'The cart has no line with this SKU' },
  CART_CLOSED: { status: 409, title: 'The cart is closed (merged or checked out)' },
  CART_SKU_NOT_FOUND: { status: 422, title: 'No catalog variant has this SKU' },
  CART_SKU_NOT_SELLABLE: { status: 422, title: 'The product is not for sale' },
  CART_CURRENCY_MISMATCH: { status: 422, title: "The price's currency is not the cart's currency" },
  CART_LINE_LIMIT: { status: 422, title: 'A cart holds at most 100 lines' },
  CART_QUANTITY_LIMIT: { status: 422, title: 'A line holds 1 to 999 units' },
  CART_INSUFFICIENT_STOCK: { status: 409, title: 'Not enough stock is available' },
  CART_NOT_A_GUEST_CART: { status: 422, title: 'Only a guest cart can be merged into a customer cart' },
  CART_DISCOUNT_CODE_REFUSED: { status: 422, title: 'The discount code does not apply to this cart' },
  CART_CODE_LIMIT: { status: 422, title: 'A cart holds at most 10 discount codes' },
  CART_CODE_NOT_FOUND: { status: 404, title: 'The cart has no such discount code' },
  CART_EMPTY: { status: 422, title: 'The cart has no lines' },
  CART_CUSTOMER_ONLY: { status: 403, title: 'Only a signed-in customer has a cart of their own' },
});
