import { pageResult } from '@mercato/platform/http';
import { type ServiceContext } from '@mercato/platform/service';
import type { CatalogDB } from '../db.ts';
import { CatalogErrors } from '../errors.ts';
import type { Facets } from './listing-facets.ts';
import type { Product } from './product.ts';
import { productRepository } from './product-repository.ts';
import { searchRepository, type ListingQuery, type Suggestions } from './search-repository.ts';

/** A listing answer: one page of products in order, facets over the whole filter, "did you mean". */
export type Listing = ReturnType<typeof pageResult<Product>> & { facets: Facets; didYouMean: string | null };

/** Read use cases of the listing, autocomplete and admin product reads (any status). */
export function createListingService(ctx: ServiceContext<CatalogDB>) {
  const db = ctx.database.db;
  const scope = { db, schema: ctx.database.schema };
  return {
    async list(q: ListingQuery): Promise<Listing> {
      const { ids, totalCount, facets, didYouMean } = await searchRepository.list(scope, q);
      const items = await productRepository.load(db, ids);
      return { ...pageResult(items, q.page, q.pageSize, totalCount), facets, didYouMean };
    },

    suggest: (text: string, limit: number): Promise<Suggestions> =>
      searchRepository.suggest(scope, text, limit),

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
