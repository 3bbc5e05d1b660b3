import { Type, type Static } from 'typebox';

/** The checkout service's own settings (environment). */
export const CheckoutConfigSchema = Type.Object({
  CHECKOUT_RESPOND_WAIT_MS: Type.Integer({
    minimum: 0,
    maximum: 10_000,
    default: 2000,
    description:
      'how long POST /checkout waits for the saga to settle (confirmed, failed, or waiting for the buyer) before answering 202 processing',
  }),
  CHECKOUT_HOLD_SECONDS: Type.Integer({
    minimum: 60,
    maximum: 86_400,
    default: 1800,
    description:
      'how long stock and discount holds last: longer than the saga deadline plus a 3-D Secure wait (15 min)',
  }),
  CHECKOUT_DEADLINE_MS: Type.Integer({
    minimum: 1000,
    maximum: 3_600_000,
    default: 120_000,
    description: "the saga's deadline from its start, a buyer's 3-D Secure wait aside",
  }),
  CHECKOUT_PAYMENT_WAIT_MS: Type.Integer({
    minimum: 1000,
    maximum: 3_600_000,
    default: 15 * 60_000,
    description: "how long a checkout waits for the buyer's 3-D Secure answer before it fails",
  }),
  CHECKOUT_PAYMENT_POLL_MS: Type.Integer({
    minimum: 100,
    maximum: 600_000,
    default: 30_000,
    description: 'while waiting for 3-D Secure, how often the saga asks payment again (besides its events)',
  }),
  CHECKOUT_SAGA_LEASE_MS: Type.Integer({
    minimum: 1000,
    maximum: 600_000,
    default: 45_000,
    description:
      "how long a replica's hold on a saga lasts from each transition: a crashed replica's sagas are taken over once it ran out (longer than a step's timeout, 30 s, in production)",
  }),
  CHECKOUT_SETTINGS_TTL_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 30_000 }),
  CHECKOUT_ANNOUNCE_INTERVAL_MS: Type.Integer({
    minimum: 10,
    maximum: 60_000,
    default: 500,
    description: 'how often ended checkouts are announced (checkout.completed / checkout.failed)',
  }),
});
export type CheckoutConfig = Static<typeof CheckoutConfigSchema>;
