import { serviceManifests } from '@mercato/contracts';
import { defineService } from '@mercato/platform/service';
import { registerAddressRoutes } from './addresses/address-routes.ts';
import { createAddressService } from './addresses/address-service.ts';
import { CustomerConfigSchema } from './config.ts';
import type { CustomerDB } from './db.ts';
import { CustomerErrors } from './errors.ts';
import { identitySubscription, settingsSubscription } from './events/customer-subscriptions.ts';
import { registerLoyaltyRoutes } from './loyalty/loyalty-routes.ts';
import { orderSubscription } from './loyalty/order-handlers.ts';
import { createLoyaltyService } from './loyalty/loyalty-service.ts';
import { registerPrivacyRoutes } from './privacy/privacy-routes.ts';
import { createPrivacyService } from './privacy/privacy-service.ts';
import { registerProfileRoutes } from './profiles/profile-routes.ts';
import { createProfileService } from './profiles/profile-service.ts';

/** The customer service: profiles, the address book, loyalty points, data export and erasure. */
export const customerService = defineService<CustomerDB>()({
  manifest: serviceManifests.customer,
  config: CustomerConfigSchema,
  errors: CustomerErrors.catalog,
  migrations: new URL('../migrations/', import.meta.url),
  setup: (ctx) => ({ profiles: createProfileService(ctx), loyalty: createLoyaltyService(ctx) }),
  routes(app, ctx, { profiles, loyalty }) {
    registerProfileRoutes(app, profiles);
    registerAddressRoutes(app, createAddressService(ctx, profiles));
    registerLoyaltyRoutes(app, loyalty, profiles);
    registerPrivacyRoutes(app, createPrivacyService(ctx), profiles);
  },
  subscriptions: (_ctx, { profiles, loyalty }) => [
    identitySubscription(profiles),
    settingsSubscription(),
    orderSubscription(loyalty),
  ],
});
