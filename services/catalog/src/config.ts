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
});
export type CatalogConfig = Static<typeof CatalogConfig>;

/** The Cache-Control of public store reads. */
export function storeCacheControl(maxAgeSeconds: number): string {
  return maxAgeSeconds > 0 ? `public, max-age=${maxAgeSeconds}` : 'public, no-cache';
}
