import type { ServiceContext } from '@mercato/platform/http';
import type { CatalogDB } from '../db.ts';
import type { Product } from './product.ts';
import { productRepository } from './product-repository.ts';
import { searchRepository, type FacetCount, type ListingQuery } from './search-repository.ts';

export interface Listing {
  items: Product[];
  totalCount: number;
  facets: { brands: FacetCount[]; categories: FacetCount[] };
}

/** The store listing: one page of active products in order, with facets over the whole filter. */
export function createListingService(ctx: ServiceContext<CatalogDB>) {
  const db = ctx.database.db;
  return {
    async list(q: ListingQuery): Promise<Listing> {
      const { ids, totalCount, facets } = await searchRepository.list(db, q);
      return { items: await productRepository.load(db, ids), totalCount, facets };
    },
  };
}
export type ListingService = ReturnType<typeof createListingService>;
