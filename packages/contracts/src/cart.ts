import { Type, type Static } from 'typebox';

// Event data objects leave additionalProperties open (ARCHITECTURE.md §6).

const Money = Type.Object({ amount: Type.Integer(), currency: Type.String({ pattern: '^[A-Z]{3}$' }) });

/** One line as cart events carry it: what, how many, at which snapshot price. */
const CartEventLine = Type.Object({
  sku: Type.String({ minLength: 1 }),
  quantity: Type.Integer({ minimum: 1 }),
  unitPrice: Money,
  title: Type.String(),
});

const CartFields = {
  cartId: Type.String({ format: 'uuid' }),
  customerId: Type.Union([Type.String(), Type.Null()], { description: 'null for a guest cart' }),
  lines: Type.Array(CartEventLine),
  subtotal: Money,
  version: Type.Integer({ minimum: 1, description: "the cart's version after the change" }),
};

/** `cart.updated` v1: a cart's lines, country or owner changed (subject = the cart id). */
export const CartUpdatedV1 = Type.Object(
  {
    ...CartFields,
    reason: Type.String({
      description:
        'line_added, line_changed, line_removed, merged_in (a guest cart joined it), merged_away (it joined a customer cart and closed), details_changed, lines_marked',
    }),
  },
  { $id: 'CartUpdatedV1' },
);
export type CartUpdatedV1 = Static<typeof CartUpdatedV1>;

/** `cart.checked_out` v1: the cart became an order attempt and is closed (subject = the cart id). */
export const CartCheckedOutV1 = Type.Object(
  {
    ...CartFields,
    checkoutId: Type.Union([Type.String(), Type.Null()], {
      description: "the caller's checkout id, if given",
    }),
  },
  { $id: 'CartCheckedOutV1' },
);
export type CartCheckedOutV1 = Static<typeof CartCheckedOutV1>;

/** `cart.abandoned` v1: a cart with lines saw no change for the configured time; once per cart (subject = the cart id). */
export const CartAbandonedV1 = Type.Object(
  {
    ...CartFields,
    lastActivityAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'CartAbandonedV1' },
);
export type CartAbandonedV1 = Static<typeof CartAbandonedV1>;
