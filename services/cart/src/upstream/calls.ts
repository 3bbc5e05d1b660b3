import {
  catalogApi,
  discountApi,
  inventoryApi,
  settingsApi,
  type Availability,
  type Evaluation,
  type VariantSnapshot,
} from '@mercato/contracts';
import { CommonErrors } from '@mercato/platform/errors';
import type { ClientsOf } from '@mercato/platform/service';

/** The services the cart calls, by their route contracts (ctx.clients is typed by these). */
export const cartCalls = {
  catalog: catalogApi,
  inventory: inventoryApi,
  settings: settingsApi,
  discount: discountApi,
};
export type CartClients = ClientsOf<typeof cartCalls>;

/**
 * Catalog and inventory facts about some SKUs, asked for together: the variants (with
 * their current price) by SKU, and their availability.
 */
export interface SkuFacts {
  variants: Map<string, VariantSnapshot>;
  availability: Map<string, Availability>;
}

/**
 * Asks the catalog for the variants of these SKUs. A 4xx answer is our bug (the SKUs were
 * validated by the same schema); 5xx, timeouts and an open breaker reject with
 * DEPENDENCY_UNAVAILABLE (the kit's client).
 */
export async function lookupVariants(
  clients: Pick<CartClients, 'catalog'>,
  skus: readonly string[],
): Promise<Map<string, VariantSnapshot>> {
  const out = new Map<string, VariantSnapshot>();
  const unique = [...new Set(skus)];
  for (let i = 0; i < unique.length; i += 200) {
    const res = await clients.catalog.lookupVariants({ body: { skus: unique.slice(i, i + 200) } });
    if (!res.ok)
      throw CommonErrors.DEPENDENCY_UNAVAILABLE(`catalog answered ${res.status} to a variant lookup`);
    for (const v of res.body.items) out.set(v.sku, v);
  }
  return out;
}

/** Asks inventory how many units of these SKUs are available. */
export async function lookupAvailability(
  clients: Pick<CartClients, 'inventory'>,
  skus: readonly string[],
): Promise<Map<string, Availability>> {
  const out = new Map<string, Availability>();
  const unique = [...new Set(skus)];
  for (let i = 0; i < unique.length; i += 200) {
    const res = await clients.inventory.availability({ body: { skus: unique.slice(i, i + 200) } });
    if (!res.ok)
      throw CommonErrors.DEPENDENCY_UNAVAILABLE(`inventory answered ${res.status} to availability`);
    for (const a of res.body.items) out.set(a.sku, a);
  }
  return out;
}

/** How many units of a SKU may be in a cart line now: Infinity when it may be backordered. */
export function sellableUnits(a: Availability | undefined): number {
  if (!a || !a.active) return 0;
  if (a.backorder) return Number.POSITIVE_INFINITY;
  return Math.max(0, a.available);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What discount evaluates: the cart's lines at their stored prices, its customer and codes. */
export interface DiscountRequest {
  currency: string;
  customerId: string | null;
  codes: string[];
  lines: Array<{
    sku: string;
    productId: string;
    categoryIds: string[];
    categoryHandles: string[];
    brandId: string | null;
    brandHandle: string | null;
    unitPrice: number;
    quantity: number;
  }>;
}

/** Asks discount what the lines get (automatic promotions and the codes), allocated per line. */
export async function evaluateDiscounts(
  clients: Pick<CartClients, 'discount'>,
  req: DiscountRequest,
): Promise<Evaluation> {
  const res = await clients.discount.evaluate({
    body: {
      currency: req.currency,
      // A principal that is not a UUID (a test or service subject) is evaluated as a guest.
      customerId: req.customerId && UUID.test(req.customerId) ? req.customerId : null,
      codes: req.codes,
      lines: req.lines.map((l, i) => ({ lineId: String(i), ...l })),
    },
  });
  if (!res.ok) throw CommonErrors.DEPENDENCY_UNAVAILABLE(`discount answered ${res.status} to evaluate`);
  return res.body;
}
