import { serviceManifests } from '@mercato/contracts';
import { defineService } from '@mercato/platform/service';
import type { DiscountDB } from './db.ts';

/** The discount service: promotions, campaigns, codes, limits, evaluation and redemptions. */
export const discountService = defineService<DiscountDB>()({
  manifest: serviceManifests.discount,
  migrations: new URL('../migrations/', import.meta.url),
  // Its routes (packages/contracts/src/discount-api.ts and the admin routes) come next.
  routes() {},
});
