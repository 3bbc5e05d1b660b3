// The services checkout asks before a saga holds anything — cart (get), shipping (quote),
// customer (a saved address) — and catalog (the first step's lookup), as their route
// contracts, on one stand-in server that keeps what it is told and records who called what.
// A service's tests may not load another service's code (services/order/test/payment-stand-in.ts).
import {
  cartApi,
  catalogApi,
  customerApi,
  shippingApi,
  type Address,
  type Cart,
  type VariantSnapshot,
} from '@mercato/contracts';
import { AppError } from '@mercato/platform/errors';
import { contractRoute, createApp } from '@mercato/platform/http';
import { newId } from '@mercato/platform/ids';
import { createMetrics } from '@mercato/platform/metrics';
import { captureLogger } from '@mercato/testing';

export interface UpstreamStandIn {
  url: string;
  carts: Map<string, Cart>;
  addresses: Map<string, Address & { customerId: string }>;
  /** Catalog prices by SKU (a SKU not listed is unknown to the catalog). */
  prices: Map<string, number>;
  /** Shipping method codes offered for any address. */
  methods: string[];
  /** `<operation> <kind of token>` of every call, in order (kind: the token's ptype, or none). */
  calls: string[];
  close(): Promise<void>;
}

const notFound = (what: string) =>
  new AppError('STAND_IN_NOT_FOUND', { status: 404, title: 'Not found' }, `${what} not found`);

/** The `ptype` claim of a bearer token (read, not verified: the stand-in only records it). */
function tokenKind(header: string | string[] | undefined): string {
  const token = typeof header === 'string' ? header.replace(/^Bearer /, '') : '';
  const payload = token.split('.')[1];
  if (!payload) return 'none';
  return String((JSON.parse(Buffer.from(payload, 'base64url').toString()) as { ptype?: string }).ptype);
}

/** A cart as cart answers it: `lines` SKUs at `price` each, in USD. */
export function cartOf(
  lines: Array<{ sku: string; quantity: number; price: number }>,
  over: Partial<Cart> = {},
): Cart {
  const t = new Date().toISOString();
  const subtotal = lines.reduce((s, l) => s + l.price * l.quantity, 0);
  return {
    id: newId(),
    customerId: null,
    status: 'active',
    currency: 'USD',
    country: 'US',
    version: 1,
    lines: lines.map((l) => ({
      sku: l.sku,
      quantity: l.quantity,
      variantId: newId(),
      productId: newId(),
      title: `Product ${l.sku}`,
      options: {},
      image: null,
      unitPrice: { amount: l.price, currency: 'USD' },
      weightGrams: 200,
      addedAt: t,
      amounts: { subtotal: l.price * l.quantity, discount: 0, tax: 0, total: l.price * l.quantity },
      issues: { priceChanged: null, unavailable: false, insufficientStock: null },
    })),
    totals: {
      currency: 'USD',
      subtotal,
      discount: 0,
      shipping: 0,
      tax: 0,
      total: subtotal,
      taxIncluded: false,
      taxRate: 0,
      taxCountry: 'US',
    },
    codes: [],
    discounts: { applied: [], refused: [] },
    revalidation: { catalog: true, inventory: true, discount: true },
    createdAt: t,
    updatedAt: t,
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    ...over,
  };
}

/** The checkout's upstream URL settings, every one pointed at the stand-in. */
export function upstreamUrls(url: string): Record<string, string> {
  const names = [
    'CART',
    'CATALOG',
    'CUSTOMER',
    'DISCOUNT',
    'INVENTORY',
    'ORDER',
    'PAYMENT',
    'SETTINGS',
    'SHIPPING',
  ];
  return Object.fromEntries(names.map((n) => [`${n}_URL`, url]));
}

export async function startUpstreamStandIn(): Promise<UpstreamStandIn> {
  const { logger } = captureLogger('upstream-stand-in');
  const app = await createApp({
    name: 'upstream-stand-in',
    logger,
    metrics: createMetrics('upstream_stand_in'),
    openapiRoute: false,
  });
  const state = {
    carts: new Map<string, Cart>(),
    addresses: new Map<string, Address & { customerId: string }>(),
    prices: new Map<string, number>(),
    methods: ['standard'],
    calls: [] as string[],
  };
  app.addHook('onRequest', async (request) => {
    const op = `${request.method} ${request.routeOptions.url ?? request.url}`;
    state.calls.push(`${op} ${tokenKind(request.headers.authorization)}`);
  });
  app.route({
    ...contractRoute(cartApi.get),
    handler: async (request) => {
      const cart = state.carts.get(request.params.id);
      if (!cart) throw notFound(`cart ${request.params.id}`);
      return cart;
    },
  });
  app.route({
    ...contractRoute(shippingApi.quote),
    handler: async (request) => ({
      zone: 'domestic',
      weightGrams: 0,
      options: state.methods.map((code) => ({
        methodCode: code,
        name: `${code} shipping`,
        kind: 'standard' as const,
        price: { amount: 500, currency: request.body.currency },
        free: false,
        estimatedDays: { min: 2, max: 5 },
      })),
    }),
  });
  app.route({
    ...contractRoute(customerApi.getAddress),
    handler: async (request) => {
      const a = state.addresses.get(request.params.addressId);
      if (!a || a.customerId !== request.params.customerId) throw notFound('address');
      const { customerId: _, ...address } = a;
      return address;
    },
  });
  app.route({
    ...contractRoute(catalogApi.lookupVariants),
    handler: async (request) => {
      const items: VariantSnapshot[] = request.body.skus.flatMap((sku) => {
        const price = state.prices.get(sku);
        if (price === undefined) return [];
        return [
          {
            sku,
            variantId: newId(),
            productId: newId(),
            handle: sku.toLowerCase(),
            title: `Product ${sku}`,
            options: {},
            price: { amount: price, currency: 'USD' },
            compareAtPrice: null,
            weightGrams: 200,
            image: null,
            brandId: null,
            brandHandle: null,
            categoryIds: [],
            categoryHandles: [],
            sellable: true,
          },
        ];
      });
      return { items, missing: request.body.skus.filter((s) => !state.prices.has(s)) };
    },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return Object.assign(state, { url, close: () => app.close() });
}
