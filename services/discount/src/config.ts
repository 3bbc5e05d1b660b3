import { Type, type Static } from 'typebox';

/** The discount service's own settings (environment). */
export const DiscountConfigSchema = Type.Object({
  DISCOUNT_RULES_CACHE_MS: Type.Integer({
    minimum: 0,
    maximum: 60_000,
    default: 1000,
    description:
      'how long evaluate reuses the active automatic promotions it loaded (0 = load every time); a change made through this process clears it at once, reserve always reads them fresh',
  }),
  DISCOUNT_SWEEP_INTERVAL_MS: Type.Integer({ minimum: 50, default: 1000 }),
  DISCOUNT_SWEEP_BATCH: Type.Integer({ minimum: 1, maximum: 10_000, default: 200 }),
});

export type DiscountConfig = Static<typeof DiscountConfigSchema>;
