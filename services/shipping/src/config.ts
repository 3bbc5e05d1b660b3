import { Type, type Static } from 'typebox';

/** The shipping service's own settings (environment). */
export const ShippingConfigSchema = Type.Object({
  SHIPPING_CARRIER_URL: Type.String({
    pattern: '^https?://',
    default: 'http://127.0.0.1:8191',
    description: "the carrier API's base URL (the launcher points it at the carrier simulator)",
  }),
  SHIPPING_CARRIER_API_KEY: Type.String({ minLength: 8, default: 'ck_test_mercato_carrier' }),
  SHIPPING_CARRIER_WEBHOOK_SECRET: Type.String({
    minLength: 16,
    default: 'whsec_mercato_carrier_development',
    description: 'the secret the carrier signs its webhooks with (set a real one outside development)',
  }),
  SHIPPING_CARRIER_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
});
export type ShippingConfig = Static<typeof ShippingConfigSchema>;
