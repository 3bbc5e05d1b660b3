import { Type, type Static } from 'typebox';

/** Catalog's settings (env). */
export const CatalogConfig = Type.Object({
  CATALOG_CACHE_TTL_SECONDS: Type.Integer({
    default: 300,
    minimum: 1,
    description: 'how long a cached store read lives; every catalog change also drops it at once',
  }),
  CATALOG_HTTP_MAX_AGE_SECONDS: Type.Integer({
    default: 0,
    minimum: 0,
    description: 'max-age for browsers and CDNs; 0 = public, no-cache (revalidate with the ETag every time)',
  }),
  CATALOG_STOCK_DISPLAY: Type.Union([Type.Literal('bucketed'), Type.Literal('exact')], {
    default: 'bucketed',
    description:
      "what product reads show of a variant's stock: bucketed levels only, or the exact quantity too",
  }),
  CATALOG_LOW_STOCK_THRESHOLD: Type.Integer({
    default: 5,
    minimum: 0,
    description: 'at most this many units available is low_stock',
  }),
});
export type CatalogConfig = Static<typeof CatalogConfig>;

/** The Cache-Control of public store reads. */
export function storeCacheControl(maxAgeSeconds: number): string {
  return maxAgeSeconds > 0 ? `public, max-age=${maxAgeSeconds}` : 'public, no-cache';
}
