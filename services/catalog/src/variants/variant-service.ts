import type { VariantLookup } from '@mercato/contracts';
import type { ServiceContext } from '@mercato/platform/service';
import type { CatalogDB } from '../db.ts';
import { variantRepository as repo } from './variant-repository.ts';

/** Variant reads by SKU for other services (a cart's lines, a checkout's re-pricing). */
export interface VariantService {
  /** The variants of the SKUs, in the order asked; SKUs no variant has are listed as missing. */
  lookup(skus: readonly string[]): Promise<VariantLookup>;
}

export function createVariantService(ctx: Pick<ServiceContext<CatalogDB>, 'database'>): VariantService {
  return {
    async lookup(skus) {
      const found = new Map((await repo.snapshots(ctx.database.db, skus)).map((v) => [v.sku, v]));
      return {
        items: skus.flatMap((sku) => found.get(sku) ?? []),
        missing: skus.filter((sku) => !found.has(sku)),
      };
    },
  };
}
