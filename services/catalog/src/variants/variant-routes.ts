import { catalogApi } from '@mercato/contracts';
import { contractRoute, type ServiceApp } from '@mercato/platform/http';
import type { VariantService } from './variant-service.ts';

/** /api/v1/variants/lookup: many variants by SKU in one call (public, like the store reads). */
export function registerVariantRoutes(app: ServiceApp, variants: VariantService): void {
  app.route({
    ...contractRoute(catalogApi.lookupVariants, ['variants']),
    handler: async (request) => variants.lookup(request.body.skus),
  });
}
