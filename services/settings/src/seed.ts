import { AppError } from '@mercato/platform/errors';
import { type ServiceContext } from '@mercato/platform/service';
import { newId } from '@mercato/platform/ids';
import type { SettingsDB } from './db.ts';
import { createFlagService } from './feature-flags/flag-service.ts';
import type { CreateFlagInput } from './feature-flags/flag.ts';
import { createSettingService } from './settings/setting-service.ts';
import type { SettingInput } from './settings/setting.ts';

const settings: Array<[string, SettingInput]> = [
  [
    'store.profile',
    {
      description: 'Shop name, contact and legal details shown on the storefront and in emails',
      schema: {
        type: 'object',
        required: ['name', 'supportEmail'],
        properties: {
          name: { type: 'string', minLength: 1 },
          supportEmail: { type: 'string', format: 'email' },
          phone: { type: 'string' },
        },
      },
      value: { name: 'Mercato Demo Store', supportEmail: 'support@mercato.example', phone: '+1 555 0100' },
    },
  ],
  [
    'store.currency',
    {
      description: 'Default currency (ISO 4217) of prices and orders',
      schema: { type: 'string', pattern: '^[A-Z]{3}$' },
      value: 'USD',
    },
  ],
  [
    'checkout.reservation_ttl_seconds',
    {
      description: 'How long checkout holds stock before releasing it',
      schema: { type: 'integer', minimum: 60, maximum: 3600 },
      value: 900,
    },
  ],
  [
    'checkout.capture',
    {
      description:
        'When the checkout captures the payment: on_confirm (when the order is confirmed) or on_shipment (the authorization is left for capture when it ships)',
      schema: { type: 'string', enum: ['on_confirm', 'on_shipment'] },
      value: 'on_confirm',
    },
  ],
  [
    'shipping.free_shipping_threshold',
    {
      description: 'Order subtotal (minor units) from which standard shipping is free',
      schema: {
        type: 'object',
        required: ['amount', 'currency'],
        properties: {
          amount: { type: 'integer', minimum: 0 },
          currency: { type: 'string', pattern: '^[A-Z]{3}$' },
        },
      },
      value: { amount: 5000, currency: 'USD' },
    },
  ],
  [
    'tax.rates',
    {
      description:
        'Sales tax / VAT rate by country (ISO 3166 alpha-2), in basis points (1900 = 19 %); a country not listed has none',
      schema: {
        type: 'object',
        propertyNames: { pattern: '^[A-Z]{2}$' },
        additionalProperties: { type: 'integer', minimum: 0, maximum: 10000 },
      },
      value: { US: 0, CA: 500, GB: 2000, DE: 1900, FR: 2000, NL: 2100, IT: 2200, ES: 2100 },
    },
  ],
  [
    'tax.prices_include_tax',
    { description: 'Whether catalog prices include sales tax', schema: { type: 'boolean' }, value: false },
  ],
];

const flags: CreateFlagInput[] = [
  {
    key: 'new-checkout-flow',
    description: 'One-page checkout',
    enabled: true,
    rolloutPercentage: 25,
    allowList: [],
    denyList: [],
  },
  {
    key: 'product-recommendations',
    description: 'Recommendations on product pages',
    enabled: true,
    rolloutPercentage: 100,
    allowList: [],
    denyList: [],
  },
  {
    key: 'guest-checkout',
    description: 'Checkout without an account',
    enabled: false,
    rolloutPercentage: 100,
    allowList: [],
    denyList: [],
  },
];

/** Demo settings and flags; creates only what is missing, so every start may run it. */
export async function seedSettings(ctx: ServiceContext<SettingsDB>): Promise<void> {
  const settingService = createSettingService(ctx);
  const flagService = createFlagService(ctx);
  const meta = { actor: 'seed', correlationId: newId() };
  for (const [key, input] of settings) {
    if (!(await exists(() => settingService.get(key)))) await settingService.put(key, input, undefined, meta);
  }
  for (const input of flags) {
    if (!(await exists(() => flagService.get(input.key)))) await flagService.create(input, meta);
  }
}

async function exists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (err) {
    if (err instanceof AppError && err.status === 404) return false;
    throw err;
  }
}
