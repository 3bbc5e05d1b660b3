import { serviceManifests } from '@mercato/contracts';
import { afterCommit, type Transaction } from '@mercato/platform/db';
import { defineService } from '@mercato/platform/service';
import { CatalogConfig, storeCacheControl } from './config.ts';
import type { CatalogDB } from './db.ts';
import { CatalogErrors } from './errors.ts';
import { registerMediaRoutes } from './media/media-routes.ts';
import { createMediaService } from './media/media-service.ts';
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
import { registerSynonymRoutes } from './search/synonym-routes.ts';
import { createSynonymService } from './search/synonym-service.ts';
import { registerTaxonomyRoutes } from './taxonomy/taxonomy-routes.ts';
import { createTaxonomyService } from './taxonomy/taxonomy-service.ts';
import { registerVariantRoutes } from './variants/variant-routes.ts';
import { createVariantService } from './variants/variant-service.ts';

/** The catalog service: products, variants, categories, brands and search. */
export const catalogService = defineService<CatalogDB>()({
  manifest: serviceManifests.catalog,
  config: CatalogConfig,
  errors: CatalogErrors.catalog,
  migrations: new URL('../migrations/', import.meta.url),
  setup: (ctx) => ({ invalidate: storeCacheInvalidator(ctx) }),
  routes(app, ctx, { invalidate }) {
    const listing = createListingService(ctx);
    const products = invalidatingWrites(
      createProductService(ctx),
      ['create', 'update', 'archive', 'restore', 'addVariant', 'updateVariant'],
      invalidate,
    );
    const reads = createStoreReadCache(ctx, products, listing, ctx.config.CATALOG_CACHE_TTL_SECONDS * 1000);
    const taxonomy = invalidatingWrites(
      createTaxonomyService(ctx),
      ['createBrand', 'updateBrand', 'deleteBrand', 'createCategory', 'updateCategory', 'deleteCategory'],
      invalidate,
    );
    registerAdminRoutes(app, products);
    registerStoreRoutes(app, reads, listing, storeCacheControl(ctx.config.CATALOG_HTTP_MAX_AGE_SECONDS));
    registerTaxonomyRoutes(app, taxonomy);
    registerImportRoutes(app, invalidatingWrites(createImportService(ctx), ['run'], invalidate));
    registerVariantRoutes(app, createVariantService(ctx));
    registerMediaRoutes(app, createMediaService(ctx));
    registerSynonymRoutes(
      app,
      invalidatingWrites(createSynonymService(ctx), ['create', 'replace', 'delete'], invalidate),
    );
  },
  subscriptions(ctx, { invalidate }) {
    const dropCache = async (trx: Transaction<CatalogDB>) => afterCommit(trx, () => void invalidate());
    return [
      {
        // Every replica's writes (and imports) reach the shared cache through their events too.
        name: 'store-cache',
        on: {
          'product.created': dropCache,
          'product.updated': dropCache,
          'product.deactivated': dropCache,
          'price.changed': dropCache,
        },
      },
      ...signalConsumers(invalidate, {
        display: ctx.config.CATALOG_STOCK_DISPLAY,
        lowStock: ctx.config.CATALOG_LOW_STOCK_THRESHOLD,
      }),
    ];
  },
  seed: seedCatalog,
});
