import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { waitFor } from '@mercato/testing';

// A shopper and a shop admin driving a running platform through its gateway (and the PSP
// simulator the launcher started), for the checkout acceptance tests: nothing here reaches
// into a service's code or database.

/** Any JSON answer. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON bodies
export type Json = any;

export interface Answer {
  status: number;
  body: Json;
  headers: Headers;
}

export const US_ADDRESS = {
  name: 'Ada Lovelace',
  line1: '1 Main St',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};
export const CA_ADDRESS = {
  name: 'Grace Hopper',
  line1: '10 King St W',
  city: 'Toronto',
  postalCode: 'M5H 1A1',
  region: 'ON',
  country: 'CA',
};

export const CARDS = {
  ok: '4242424242424242',
  threeDs: '4000000000003220',
  declined: '4000000000000002',
};

/** The shop as its tests use it. */
export function createShop(base: string, offset: number, admin: { authorization: string }) {
  const psp = `http://127.0.0.1:${8190 + offset}`;

  async function call(
    method: string,
    path: string,
    opts: { body?: unknown; auth?: { authorization: string } | null; key?: string; ifMatch?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.auth) headers.authorization = opts.auth.authorization;
    if (opts.key) headers['idempotency-key'] = opts.key;
    if (opts.ifMatch) headers['if-match'] = opts.ifMatch;
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : null, headers: res.headers };
  }
  const asAdmin = (method: string, path: string, body?: unknown, ifMatch?: string) =>
    call(method, path, { body, auth: admin, ...(ifMatch && { ifMatch }) });
  const ok = (a: Answer, status: number, what: string) => {
    assert.equal(a.status, status, `${what}: ${JSON.stringify(a.body)}`);
    return a.body;
  };

  const shop = {
    call,
    asAdmin,
    /** SKUs of the demo catalog, with their variant id and version, distinct per call. */
    async demoVariants(n: number): Promise<Array<{ sku: string; id: string; version: number }>> {
      const list = ok(await call('GET', `/api/v1/products?pageSize=${n}&page=2&view=full`), 200, 'products');
      return list.items.map((p: Json) => p.variants[0]);
    },
    /** Sets the units on hand in the main warehouse (a stock count) and waits until it is reservable. */
    async setStock(sku: string, units: number): Promise<void> {
      await waitFor(
        async () => (await asAdmin('GET', `/api/v1/inventory/sku/${sku}`)).status === 200,
        30_000,
        `a stock item for ${sku}`,
        200,
      );
      const item = ok(await asAdmin('GET', `/api/v1/inventory/sku/${sku}`), 200, 'stock');
      const main = item.warehouses[0].warehouseCode;
      ok(
        await asAdmin('POST', '/api/v1/inventory/adjustments', {
          sku,
          warehouseCode: main,
          kind: 'count',
          quantity: units,
        }),
        201,
        'stock count',
      );
    },
    async stock(sku: string): Promise<{ onHand: number; reserved: number; available: number }> {
      const s = ok(await asAdmin('GET', `/api/v1/inventory/sku/${sku}`), 200, 'stock');
      return { onHand: s.onHand, reserved: s.reserved, available: s.available };
    },
    /** A guest cart (or the signed-in customer's, with auth) holding `quantity` of sku. */
    async cart(sku: string, quantity: number, auth?: { authorization: string }): Promise<string> {
      const created = await call('POST', '/api/v1/carts', { body: { country: 'US' }, auth: auth ?? null });
      assert.ok(created.status === 201 || created.status === 200, JSON.stringify(created.body));
      const id = created.body.id as string;
      ok(
        await call('POST', `/api/v1/carts/${id}/lines`, { body: { sku, quantity }, auth: auth ?? null }),
        200,
        'add line',
      );
      return id;
    },
    async applyCode(cartId: string, code: string): Promise<void> {
      ok(await call('POST', `/api/v1/carts/${cartId}/discount-codes`, { body: { code } }), 200, 'apply code');
    },
    /** A promotion of 10 % with one code; answers the code and the promotion id. */
    async discountCode(): Promise<{ code: string; promotionId: string }> {
      const promo = ok(
        await asAdmin('POST', '/api/v1/discounts/promotions', {
          name: `Checkout test ${randomUUID().slice(0, 8)}`,
          kind: 'percentage',
          trigger: 'code',
          percentOff: 10,
        }),
        201,
        'promotion',
      );
      const code = `CHK${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
      ok(await asAdmin('POST', `/api/v1/discounts/promotions/${promo.id}/codes`, { code }), 201, 'code');
      return { code, promotionId: promo.id };
    },
    /** A card token from the PSP simulator, as the storefront's card field makes it. */
    async cardToken(number: string): Promise<string> {
      const res = await fetch(`${psp}/v1/tokens`, {
        method: 'POST',
        headers: { authorization: 'Bearer pk_test_mercato_simulator', 'content-type': 'application/json' },
        body: JSON.stringify({ card: { number, exp_month: 12, exp_year: 2040, cvc: '123' } }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      return ((await res.json()) as { id: string }).id;
    },
    async checkout(
      body: Record<string, unknown>,
      opts: { key?: string; auth?: { authorization: string } } = {},
    ): Promise<Answer> {
      return call('POST', '/api/v1/checkout', {
        body,
        key: opts.key ?? randomUUID(),
        auth: opts.auth ?? null,
      });
    },
    /** A guest's checkout body for a cart, paid with a fresh token of `card`. */
    async guestBody(cartId: string, card: string, over: Record<string, unknown> = {}) {
      return {
        cartId,
        email: 'buyer@example.com',
        shippingAddress: US_ADDRESS,
        shippingMethod: 'standard',
        payment: { token: await shop.cardToken(card) },
        ...over,
      };
    },
    /** Polls the checkout (as admin) until its status is one of `statuses`. */
    async until(id: string, statuses: string[], timeoutMs = 60_000): Promise<Json> {
      let last: Json;
      await waitFor(
        async () => {
          last = ok(await asAdmin('GET', `/api/v1/checkout/${id}`), 200, 'checkout');
          return statuses.includes(last.status as string);
        },
        timeoutMs,
        `checkout ${id} to be ${statuses.join(' or ')}`,
        100,
      );
      return last;
    },
    /**
     * Starts a checkout and answers it once it has settled: the POST waits up to 2 s for the
     * saga, which a loaded machine may exceed (202 processing): then it is polled.
     */
    async settled(
      body: Record<string, unknown>,
      opts: { key?: string; auth?: { authorization: string } } = {},
    ): Promise<Json> {
      const res = await shop.checkout(body, opts);
      assert.ok(res.status === 200 || res.status === 202, JSON.stringify(res.body));
      if (['confirmed', 'failed', 'requires_action'].includes(res.body.status as string)) return res.body;
      return shop.until(res.body.checkoutId as string, ['confirmed', 'failed', 'requires_action']);
    },
    /** Answers the PSP's 3-D Secure challenge as the buyer would on its page. */
    async challenge(url: string, decision: 'approve' | 'reject'): Promise<void> {
      const u = new URL(url);
      const res = await fetch(`${u.origin}${u.pathname}/${decision}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `secret=${u.searchParams.get('secret') ?? ''}`,
        redirect: 'manual',
      });
      assert.ok(res.status === 200 || res.status === 303, `challenge ${decision}: ${res.status}`);
    },
    async reservations(checkoutId: string): Promise<Json[]> {
      const r = ok(
        await asAdmin('GET', `/api/v1/inventory/reservations?reference=${encodeURIComponent(checkoutId)}`),
        200,
        'reservations',
      );
      return r.items;
    },
    async redemption(checkoutId: string): Promise<Answer> {
      return asAdmin('GET', `/api/v1/discounts/redemptions/${encodeURIComponent(checkoutId)}`);
    },
    async order(id: string): Promise<Json> {
      return ok(await asAdmin('GET', `/api/v1/orders/${id}`), 200, 'order');
    },
    async payments(checkoutId: string): Promise<Json[]> {
      return ok(
        await asAdmin('GET', `/api/v1/payments?checkoutId=${encodeURIComponent(checkoutId)}`),
        200,
        'payments',
      ).items;
    },
    async shipments(orderId: string): Promise<Json[]> {
      return ok(await asAdmin('GET', `/api/v1/shipping/shipments?orderId=${orderId}`), 200, 'shipments')
        .items;
    },
    async cartOf(id: string, auth?: { authorization: string }): Promise<Answer> {
      return call('GET', `/api/v1/carts/${id}`, { auth: auth ?? null });
    },
  };
  return shop;
}

export type Shop = ReturnType<typeof createShop>;

/**
 * Asserts every effect of a failed checkout undone: no stock held for it, the SKU's stock as
 * before, its discount hold (if any) released, its order (if any) cancelled, its payments
 * (if any) not left authorized or captured, its shipments (if any) cancelled.
 */
export async function expectUndone(
  shop: Shop,
  view: Json,
  stockBefore: { sku: string; onHand: number; available: number },
): Promise<void> {
  const id = view.checkoutId as string;
  for (const r of await shop.reservations(id)) assert.equal(r.status, 'released', 'stock hold released');
  const stock = await shop.stock(stockBefore.sku);
  assert.equal(stock.onHand, stockBefore.onHand, 'units on hand as before');
  assert.equal(stock.available, stockBefore.available, 'available as before');
  const redemption = await shop.redemption(id);
  if (redemption.status === 200) assert.equal(redemption.body.status, 'released', 'discount uses given back');
  else assert.equal(redemption.status, 404);
  if (view.order) {
    assert.equal((await shop.order(view.order.id as string)).status, 'cancelled', 'order cancelled');
    for (const s of await shop.shipments(view.order.id as string))
      assert.equal(s.status, 'cancelled', 'shipment cancelled');
  }
  for (const p of await shop.payments(id))
    assert.ok(['voided', 'failed', 'refunded'].includes(p.status as string), `payment ${p.status}`);
}
