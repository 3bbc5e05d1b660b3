import { Type, type Static } from 'typebox';

const DAY_MS = 86_400_000;

/** The cart service's own settings (environment). */
export const CartConfigSchema = Type.Object({
  CART_GUEST_TTL_MS: Type.Integer({
    minimum: 60_000,
    default: 30 * DAY_MS,
    description: 'a guest cart lives this long after its last use (sliding), in Redis and in PostgreSQL',
  }),
  CART_CUSTOMER_TTL_MS: Type.Integer({
    minimum: 60_000,
    default: 90 * DAY_MS,
    description: "a customer's cart lives this long after its last use (sliding)",
  }),
  CART_TOUCH_INTERVAL_MS: Type.Integer({
    minimum: 0,
    default: 3_600_000,
    description:
      'a read slides the expiry at most once per this (a write always does): reads stay free of writes',
  }),
  CART_ABANDON_AFTER_MS: Type.Integer({
    minimum: 1000,
    default: 24 * 3_600_000,
    description: 'a cart with lines and no change for this long is announced as cart.abandoned (once)',
  }),
  CART_ABANDON_SWEEP_MS: Type.Integer({
    minimum: 50,
    default: 60_000,
    description: 'how often the abandonment worker looks for such carts',
  }),
  CART_ABANDON_BATCH: Type.Integer({ minimum: 1, maximum: 10_000, default: 200 }),
  CART_PURGE_AFTER_MS: Type.Integer({
    minimum: 0,
    default: 7 * DAY_MS,
    description:
      'an expired cart (any status) is deleted from PostgreSQL this long after it expired; until then it answers 404 and its row stays',
  }),
  CART_PURGE_SWEEP_MS: Type.Integer({
    minimum: 50,
    default: 3_600_000,
    description: 'how often the purge worker deletes expired carts',
  }),
  CART_PURGE_BATCH: Type.Integer({ minimum: 1, maximum: 10_000, default: 500 }),
  CART_DEFAULT_CURRENCY: Type.String({
    pattern: '^[A-Z]{3}$',
    default: 'USD',
    description: "a new cart's currency when neither the request nor the store.currency setting says one",
  }),
  CART_SETTINGS_TTL_MS: Type.Integer({
    minimum: 0,
    default: 30_000,
    description: 'how long tax and currency settings read from settings are reused',
  }),
});

export type CartConfig = Static<typeof CartConfigSchema>;
