import { defineService } from '@mercato/platform/http';
import type { CatalogDB } from './db.ts';
import { CatalogErrors } from './errors.ts';
import { registerAdminRoutes } from './products/admin-routes.ts';
import { createListingService } from './products/listing-service.ts';
import { createProductService } from './products/product-service.ts';
import { registerStoreRoutes } from './products/store-routes.ts';
import { registerTaxonomyRoutes } from './taxonomy/taxonomy-routes.ts';
import { createTaxonomyService } from './taxonomy/taxonomy-service.ts';

/** The catalog service: products, variants, categories, brands and search (port 8103, schema `catalog`). */
export const catalogService = defineService<CatalogDB>({
  name: 'catalog',
  schema: 'catalog',
  description: 'Products and variants, the category tree, brands, and full-text search with facets',
  errors: CatalogErrors.catalog,
  migrations: new URL('../migrations/', import.meta.url),
  routes(app, ctx) {
    const products = createProductService(ctx);
    registerAdminRoutes(app, products);
    registerStoreRoutes(app, products, createListingService(ctx));
    registerTaxonomyRoutes(app, createTaxonomyService(ctx));
  },
});
