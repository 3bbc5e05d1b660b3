// Cart component tests: the cart service through HTTP (app.inject) on PGlite or PostgreSQL,
// with catalog, inventory and settings answered by a stand-in HTTP server that mounts their
// route contracts (packages/contracts) — the same schemas their services mount, from tables
// the test fills. A service's tests may not load another service's code (the
// service-boundaries lint rule); apps/mercato/test/cart-platform.test.ts runs the cart with
// the real catalog, inventory and settings.
import {
  catalogApi,
  discountApi,
  inventoryApi,
  settingsApi,
  type EventEnvelope,
  type VariantSnapshot,
} from '@mercato/contracts';
import type { Cache } from '@mercato/platform/cache';
import { CommonErrors } from '@mercato/platform/errors';
import { contractRoute, createApp } from '@mercato/platform/http';
import { newId } from '@mercato/platform/ids';
import { createMetrics } from '@mercato/platform/metrics';
import {
  callAs,
  captureLogger,
  eventsFor as kitEventsFor,
  startTestService,
  type Body,
  type DbKind,
  type MintOptions,
  type Reply,
  type TestService,
} from '@mercato/testing';
import type { CartDB } from '../src/db.ts';
import { defineCartService } from '../src/service.ts';

export { expectProblem, type Body, type Reply } from '@mercato/testing';

export interface StockRow {
  available: number;
  backorder?: boolean;
  active?: boolean;
}

/** Catalog, inventory and settings as the cart calls them, answering from these tables. */
export interface Upstreams {
  url: string;
  variants: Map<string, VariantSnapshot>;
  stock: Map<string, StockRow>;
  settings: Map<string, unknown>;
  /** Codes discount accepts (upper case) and the percentage each takes off every line; refused ones with their reason. */
  codes: Map<string, { percent: number } | { refused: string }>;
  /** Requests answered, by operation. */
  calls: { lookupVariants: number; availability: number; getSetting: number; evaluate: number };
  /** An operation set here answers 503 (its service is down). */
  down: Set<'catalog' | 'inventory' | 'settings' | 'discount'>;
  close(): Promise<void>;
}

export async function startUpstreams(): Promise<Upstreams> {
  const { logger } = captureLogger('upstreams');
  const app = await createApp({
    name: 'upstreams',
    logger,
    metrics: createMetrics('upstreams'),
    openapiRoute: false,
  });
  const up: Omit<Upstreams, 'url' | 'close'> = {
    variants: new Map(),
    stock: new Map(),
    settings: new Map(),
    codes: new Map(),
    calls: { lookupVariants: 0, availability: 0, getSetting: 0, evaluate: 0 },
    down: new Set(),
  };
  const unavailable = () => CommonErrors.DEPENDENCY_UNAVAILABLE('stand-in is down');
  app.route({
    ...contractRoute(catalogApi.lookupVariants),
    handler: async (request) => {
      up.calls.lookupVariants++;
      if (up.down.has('catalog')) throw unavailable();
      const skus = request.body.skus;
      return {
        items: skus.flatMap((s) => up.variants.get(s) ?? []),
        missing: skus.filter((s) => !up.variants.has(s)),
      };
    },
  });
  app.route({
    ...contractRoute(inventoryApi.availability),
    handler: async (request) => {
      up.calls.availability++;
      if (up.down.has('inventory')) throw unavailable();
      return {
        items: request.body.skus.map((sku) => {
          const row = up.stock.get(sku);
          return {
            sku,
            available: row?.available ?? 0,
            backorder: row?.backorder ?? false,
            active: row ? (row.active ?? true) : false,
          };
        }),
      };
    },
  });
  app.route({
    ...contractRoute(settingsApi.getSetting),
    handler: async (request) => {
      up.calls.getSetting++;
      if (up.down.has('settings')) throw unavailable();
      const { key } = request.params;
      if (!up.settings.has(key)) throw CommonErrors.NOT_FOUND(`no setting ${key}`);
      const t = new Date().toISOString();
      return {
        key,
        description: null,
        value: up.settings.get(key),
        schema: {},
        version: 1,
        createdAt: t,
        updatedAt: t,
        updatedBy: null,
      };
    },
  });
  app.route({
    ...contractRoute(discountApi.evaluate),
    handler: async (request) => {
      up.calls.evaluate++;
      if (up.down.has('discount')) throw unavailable();
      const { currency, lines, codes } = request.body;
      const subtotals = lines.map((l) => l.unitPrice * l.quantity);
      const discounts = lines.map(() => 0);
      const applied = [];
      const refused = [];
      for (const entered of codes) {
        const code = entered.trim().toUpperCase();
        const rule = up.codes.get(code);
        if (!rule || 'refused' in rule) {
          refused.push({
            code,
            reason: rule ? rule.refused : 'DISCOUNT_CODE_UNKNOWN',
            message: 'does not apply',
          });
          continue;
        }
        const allocations = subtotals.map((st, i) => ({
          lineIndex: i,
          lineId: lines[i]?.lineId ?? null,
          sku: lines[i]?.sku ?? '',
          amount: Math.floor((st * rule.percent) / 100),
        }));
        allocations.forEach((a) => (discounts[a.lineIndex] = (discounts[a.lineIndex] ?? 0) + a.amount));
        const amount = allocations.reduce((s, a) => s + a.amount, 0);
        applied.push({
          promotionId: newId(),
          name: `${rule.percent} % off`,
          kind: 'percentage' as const,
          code,
          amount,
          allocations: allocations.filter((a) => a.amount > 0),
          shippingAmount: 0,
        });
      }
      const subtotal = subtotals.reduce((s, x) => s + x, 0);
      const discountTotal = discounts.reduce((s, x) => s + x, 0);
      return {
        currency,
        subtotal,
        discountTotal,
        shippingDiscount: 0,
        freeShipping: false,
        total: subtotal - discountTotal,
        lines: lines.map((l, i) => ({
          lineIndex: i,
          lineId: l.lineId ?? null,
          sku: l.sku,
          subtotal: subtotals[i] ?? 0,
          discount: discounts[i] ?? 0,
          total: (subtotals[i] ?? 0) - (discounts[i] ?? 0),
        })),
        applied,
        refused,
      };
    },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { ...up, url, close: () => app.close() };
}

/** A sellable variant priced in USD (or as `over` says), registered with the catalog stand-in. */
export function addVariant(up: Upstreams, sku: string, over: Partial<VariantSnapshot> = {}): VariantSnapshot {
  const v: VariantSnapshot = {
    sku,
    variantId: newId(),
    productId: newId(),
    handle: sku.toLowerCase(),
    title: `Product ${sku}`,
    options: { size: 'M' },
    price: { amount: 1999, currency: 'USD' },
    compareAtPrice: null,
    weightGrams: 250,
    image: `https://img.example/${sku}.jpg`,
    brandId: null,
    brandHandle: null,
    categoryIds: [],
    categoryHandles: [],
    sellable: true,
    ...over,
  };
  up.variants.set(sku, v);
  return v;
}

/** A unique SKU for one test. */
export function sku(prefix = 'SKU'): string {
  return `${prefix}-${newId().slice(-12)}`;
}

export type CartSvc = TestService<CartDB>;

/** A movable clock for expiry and abandonment. */
export interface Clock {
  t: number;
  now(): number;
}

export function testClock(start = Date.parse('2026-12-01T10:00:00Z')): Clock {
  const clock: Clock = { t: start, now: () => clock.t };
  return clock;
}

export interface CartHarness {
  svc: CartSvc;
  up: Upstreams;
  clock: Clock;
  close(): Promise<void>;
}

/** The cart service on a fresh schema with its upstream stand-ins and a test clock. */
export async function startCart(
  kind: DbKind,
  opts: {
    env?: Record<string, string>;
    cache?: Cache;
    mode?: 'embedded' | 'distributed';
    up?: Upstreams;
  } = {},
): Promise<CartHarness> {
  const up = opts.up ?? (await startUpstreams());
  const clock = testClock();
  const svc = await startTestService(defineCartService({ now: clock.now }), kind, {
    env: {
      CATALOG_URL: up.url,
      INVENTORY_URL: up.url,
      SETTINGS_URL: up.url,
      DISCOUNT_URL: up.url,
      CART_SETTINGS_TTL_MS: '0',
      ...opts.env,
    },
    ...(opts.cache && { cache: opts.cache }),
    ...(opts.mode && { mode: opts.mode }),
  });
  return {
    svc,
    up,
    clock,
    async close() {
      await svc.close();
      if (!opts.up) await up.close();
    },
  };
}

/** Customers of the tests: signed-in people with the customer role. */
export function customer(subject = newId()): MintOptions {
  return { subject, roles: ['customer'] };
}

type Caller = MintOptions | 'anonymous';

/** A request as a guest (no token) unless `as` says otherwise. */
export function call(
  svc: CartSvc,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  opts: { body?: unknown; headers?: Record<string, string>; as?: Caller } = {},
): Promise<Reply> {
  return callAs(svc, method, url, { ...opts, as: opts.as ?? 'anonymous' });
}

/** Creates a cart (a guest's without `as`) and returns its body. */
export async function createCart(svc: CartSvc, as: Caller = 'anonymous', body: Body = {}): Promise<Body> {
  const res = await call(svc, 'POST', '/api/v1/carts', { body, as });
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`create cart: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Adds a line; returns the reply as is. */
export function addLine(
  svc: CartSvc,
  cartId: string,
  line: { sku: string; quantity: number },
  as: Caller = 'anonymous',
  headers: Record<string, string> = {},
): Promise<Reply> {
  return call(svc, 'POST', `/api/v1/carts/${cartId}/lines`, { body: line, as, headers });
}

/** Events of a type for one subject (after a relay flush). */
export async function eventsFor(
  svc: CartSvc,
  type: string,
  subject: string,
): Promise<Array<EventEnvelope<Body>>> {
  return (await kitEventsFor(svc, type, subject)) as Array<EventEnvelope<Body>>;
}
