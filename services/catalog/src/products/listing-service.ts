import { pageResult } from '@mercato/platform/http';
import { type ServiceContext } from '@mercato/platform/service';
import type { CatalogDB } from '../db.ts';
import { CatalogErrors } from '../errors.ts';
import type { CatalogConfig } from '../config.ts';
import { productDetails } from './detail-repository.ts';
import type { Facets } from './listing-facets.ts';
import { toListingItem, type ListingItem, type ProductDetail } from './product-detail.ts';
import type { Product } from './product.ts';
import { productRepository } from './product-repository.ts';
import { searchRepository, type ListingQuery, type Suggestions } from './search-repository.ts';

/** A listing answer: one page of products in order, facets over the whole filter, "did you mean". */
export type Listing = ReturnType<typeof pageResult<Product | ListingItem>> & {
  facets: Facets | null;
  didYouMean: string | null;
};

/** Read use cases of the listing, autocomplete and admin product reads (any status). */
export function createListingService(ctx: ServiceContext<CatalogDB, CatalogConfig>) {
  const db = ctx.database.db;
  const view = {
    display: ctx.config.CATALOG_STOCK_DISPLAY,
    lowStock: ctx.config.CATALOG_LOW_STOCK_THRESHOLD,
  };
  const scope = { db, schema: ctx.database.schema };
  return {
    async list(q: ListingQuery): Promise<Listing> {
      const { ids, totalCount, facets, didYouMean } = await searchRepository.list(scope, q);
      const products = await productRepository.load(db, ids);
      const items: Array<Product | ListingItem> =
        q.view === 'full' ? products : (await productDetails(db, products, view)).map(toListingItem);
      return { ...pageResult(items, q.page, q.pageSize, totalCount), facets, didYouMean };
    },

    suggest: (text: string, limit: number): Promise<Suggestions> =>
      searchRepository.suggest(scope, text, limit),

    /** A product whatever its status (admins edit drafts and archived products), as the store's detail read. */
    async getAny(idOrHandle: string): Promise<ProductDetail> {
      const id = await productRepository.findId(db, idOrHandle);
      const [product] = id ? await productRepository.load(db, [id]) : [];
      if (!product) throw CatalogErrors.CATALOG_PRODUCT_NOT_FOUND(`no product ${idOrHandle}`);
      return (await productDetails(db, [product], view))[0]!;
    },
  };
}
export type ListingService = ReturnType<typeof createListingService>;
