import { serviceManifests } from '@mercato/contracts';
import { defineService } from '@mercato/platform/service';
import { ShippingConfigSchema } from './config.ts';
import type { ShippingDB } from './db.ts';
import { ShippingErrors } from './errors.ts';
import { createSimulatorCarrier } from './providers/simulator-carrier.ts';
import { registerQuoteRoutes } from './quotes/quote-routes.ts';
import { createQuoteService } from './quotes/quote-service.ts';
import { seedShipping } from './seed.ts';
import { registerShipmentRoutes } from './shipments/shipment-routes.ts';
import { createShipmentService } from './shipments/shipment-service.ts';
import { registerCarrierWebhookRoutes } from './webhooks/carrier-webhook-routes.ts';
import { registerZoneRoutes } from './zones/zone-routes.ts';
import { createZoneService } from './zones/zone-service.ts';

/** The shipping service: zones, methods and rates, quotes, shipments and tracking. */
export const shippingService = defineService<ShippingDB>()({
  manifest: serviceManifests.shipping,
  config: ShippingConfigSchema,
  errors: ShippingErrors.catalog,
  migrations: new URL('../migrations/', import.meta.url),
  setup: (ctx) => ({ carrier: createSimulatorCarrier(ctx.config) }),
  routes(app, ctx, { carrier }) {
    const shipments = createShipmentService(ctx, carrier);
    registerZoneRoutes(app, createZoneService(ctx));
    registerQuoteRoutes(app, createQuoteService(ctx));
    registerShipmentRoutes(app, shipments);
    registerCarrierWebhookRoutes(app, carrier, shipments);
  },
  seed: seedShipping,
});
