import { pageResult } from '@mercato/platform/http';
import { type ServiceContext } from '@mercato/platform/service';
import type { CatalogDB } from '../db.ts';
import { CatalogErrors } from '../errors.ts';
import type { Facets } from './listing-facets.ts';
import type { Product } from './product.ts';
import { productRepository } from './product-repository.ts';
import { searchRepository, type ListingQuery, type Suggestions } from './search-repository.ts';

/** A listing answer: one page of products in order, with facets over the whole filter. */
export type Listing = ReturnType<typeof pageResult<Product>> & { facets: Facets };

/** Read use cases of the listing, autocomplete and admin product reads (any status). */
export function createListingService(ctx: ServiceContext<CatalogDB>) {
  const db = ctx.database.db;
  return {
    async list(q: ListingQuery): Promise<Listing> {
      const { ids, totalCount, facets } = await searchRepository.list(db, q);
      const items = await productRepository.load(db, ids);
      return { ...pageResult(items, q.page, q.pageSize, totalCount), facets };
    },

    suggest: (text: string, limit: number): Promise<Suggestions> => searchRepository.suggest(db, text, limit),

    /** A product whatever its status (admins edit drafts and archived products). */
    async getAny(idOrHandle: string): Promise<Product> {
      const id = await productRepository.findId(db, idOrHandle);
      const [product] = id ? await productRepository.load(db, [id]) : [];
      if (!product) throw CatalogErrors.CATALOG_PRODUCT_NOT_FOUND(`no product ${idOrHandle}`);
      return product;
    },
  };
}
export type ListingService = ReturnType<typeof createListingService>;
