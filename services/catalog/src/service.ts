import { defineService } from '@mercato/platform/http';
import { afterCommit } from '@mercato/platform/db';
import { catalogConfig, storeCacheControl } from './config.ts';
import type { CatalogDB } from './db.ts';
import { CatalogErrors } from './errors.ts';
import { registerImportRoutes } from './import/import-routes.ts';
import { createImportService } from './import/import-service.ts';
import { registerAdminRoutes } from './products/admin-routes.ts';
import { createListingService } from './products/listing-service.ts';
import { createProductService } from './products/product-service.ts';
import {
  createStoreReadCache,
  invalidatingWrites,
  storeCacheInvalidator,
} from './products/store-read-cache.ts';
import { registerStoreRoutes } from './products/store-routes.ts';
import { seedCatalog } from './seed/demo-seed.ts';
import { signalConsumers } from './signals/signal-consumers.ts';
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
    const cfg = catalogConfig();
    const listing = createListingService(ctx);
    const invalidate = storeCacheInvalidator(ctx);
    const products = invalidatingWrites(
      createProductService(ctx),
      ['create', 'update', 'archive', 'restore', 'addVariant', 'updateVariant'],
      invalidate,
    );
    const reads = createStoreReadCache(ctx, products, listing, cfg.CATALOG_CACHE_TTL_SECONDS * 1000);
    const taxonomy = invalidatingWrites(
      createTaxonomyService(ctx),
      ['createBrand', 'updateBrand', 'deleteBrand', 'createCategory', 'updateCategory', 'deleteCategory'],
      invalidate,
    );
    registerAdminRoutes(app, products);
    registerStoreRoutes(app, reads, listing, storeCacheControl(cfg.CATALOG_HTTP_MAX_AGE_SECONDS));
    registerTaxonomyRoutes(app, taxonomy);
    registerImportRoutes(app, invalidatingWrites(createImportService(ctx), ['run'], invalidate));
  },
  subscriptions(ctx) {
    const invalidate = storeCacheInvalidator(ctx);
    return [
      {
        // Every replica's writes (and imports) reach the shared cache through their events too.
        name: 'store-cache',
        types: ['product.created', 'product.updated', 'product.deactivated', 'price.changed'],
        async handle(trx) {
          afterCommit(trx, () => void invalidate());
        },
      },
      ...signalConsumers(invalidate),
    ];
  },
  seed: seedCatalog,
});
