import { Type, type Static } from 'typebox';

/** The order service's own settings (environment). */
export const OrderConfigSchema = Type.Object({
  ORDER_RETURN_WINDOW_DAYS: Type.Integer({
    minimum: 0,
    maximum: 365,
    default: 30,
    description:
      'days after delivery in which a return may be requested, unless the setting orders.return_window_days says otherwise',
  }),
  ORDER_SETTINGS_TTL_MS: Type.Integer({
    minimum: 0,
    maximum: 3_600_000,
    default: 30_000,
    description:
      'how long the shop settings read from settings (store.profile, the return window) are reused',
  }),
  ORDER_NUMBER_PREFIX: Type.String({
    pattern: '^[A-Z]{1,6}-?$',
    default: 'MC-',
    description: 'what readable order numbers start with (MC-0000042)',
  }),
});

export type OrderConfig = Static<typeof OrderConfigSchema>;
