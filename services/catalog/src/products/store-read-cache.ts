import { getOrLoad } from '@mercato/platform/cache';
import { AppError } from '@mercato/platform/errors';
import { cacheableBody, type CacheableBody } from '@mercato/platform/http';
import { type ServiceContext } from '@mercato/platform/service';
import type { CatalogDB } from '../db.ts';
import type { ListingService } from './listing-service.ts';
import type { ProductService } from './product-service.ts';
import type { ListingQuery } from './search-repository.ts';

/** Every key of this cache starts so: one prefix invalidation drops them all. */
const PREFIX = 'store:';

/**
 * The store's public reads, cached as serialized bodies with their ETag (memory in
 * embedded mode, Redis in distributed mode). A change anywhere in the catalog drops the
 * whole store cache: writes are rare next to reads, and a coarse drop cannot miss a key
 * (a renamed handle, a product that moved category, a facet count).
 */
export function createStoreReadCache(
  ctx: ServiceContext<CatalogDB>,
  products: ProductService,
  listing: ListingService,
  ttlMs: number,
) {
  const { cache, logger } = ctx;
  const onCacheError = (err: unknown, op: string) => logger.warn({ err, op }, 'catalog read cache failed');
  const cached = (key: string, load: () => Promise<unknown>): Promise<CacheableBody> =>
    getOrLoad(cache, PREFIX + key, ttlMs, async () => cacheableBody(await load()), { onCacheError });

  return {
    /** An active product's detail read, or where an old handle of one now lives. */
    async product(idOrHandle: string): Promise<{ body: CacheableBody } | { movedTo: string }> {
      try {
        return { body: await cached(`product:${idOrHandle}`, () => products.getActive(idOrHandle)) };
      } catch (err) {
        const movedTo =
          err instanceof AppError && err.code === 'CATALOG_PRODUCT_NOT_FOUND'
            ? await products.movedTo(idOrHandle)
            : undefined;
        if (movedTo) return { movedTo };
        throw err;
      }
    },
    bySku: (sku: string) => cached(`sku:${sku}`, () => products.getActiveBySku(sku)),
    list: (q: ListingQuery) => cached(`list:${listingKey(q)}`, () => listing.list(q)),
    suggest: (text: string, limit: number) =>
      cached(`suggest:${limit}:${text.trim().toLowerCase()}`, () => listing.suggest(text, limit)),
  };
}

/**
 * Drops every cached store read. A failure is logged, never thrown: the change it follows
 * has committed, and the TTL still bounds how stale a read can be.
 */
export function storeCacheInvalidator(ctx: ServiceContext<CatalogDB>): () => Promise<void> {
  return async () => {
    try {
      await ctx.cache.invalidatePrefix(PREFIX);
    } catch (err) {
      ctx.logger.warn({ err }, 'catalog read cache invalidation failed');
    }
  };
}

/**
 * The service with each named write followed, once it resolves, by invalidate: this
 * replica's next read sees the change at once (other replicas share the Redis cache, and
 * the change events drop it again once published).
 */
export function invalidatingWrites<T extends object>(
  service: T,
  writes: ReadonlyArray<keyof T & string>,
  invalidate: () => Promise<void>,
): T {
  const wrapped = { ...service } as Record<string, unknown>;
  for (const name of writes) {
    const write = service[name] as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = async (...args: unknown[]) => {
      const result = await write.apply(service, args);
      await invalidate();
      return result;
    };
  }
  return wrapped as T;
}
export type StoreReadCache = ReturnType<typeof createStoreReadCache>;

/** The same listing request, however its query string was ordered, gets the same key. */
export function listingKey(q: ListingQuery): string {
  return JSON.stringify([
    q.page,
    q.pageSize,
    q.search ?? null,
    [...(q.category ?? [])].sort(),
    [...(q.brand ?? [])].sort(),
    q.minPrice ?? null,
    q.maxPrice ?? null,
    [...(q.attr ?? [])].sort(),
    q.inStock ?? null,
    q.sortBy,
    q.sortOrder ?? null,
    q.view ?? 'compact',
    q.facets ?? true,
  ]);
}
