import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '@mercato/testing';
import { ADMIN_ENV, adminAuthorization } from './admin-login.ts';
import { CA_ADDRESS, CARDS, createShop, expectUndone, type Json, type Shop } from './checkout-shop.ts';
import { randomOffset, startPlatform, waitFor200, type PlatformProcess } from './platform-process.ts';

// The checkout saga (issue #20) over the real services of `npm start`: one embedded platform,
// driven only through its gateway and the PSP simulator's public pages, as a storefront would.
// Every failure is injected through the real services (a price changed in the catalog, a code
// paused, stock counted down, a card the PSP declines, a shipping zone closed while the buyer
// answers 3-D Secure, the cart checked out by another checkout meanwhile), and every effect of
// the steps before is checked undone.

describe('checkout over the embedded platform (npm start)', () => {
  let platform: PlatformProcess;
  let dataDir = '';
  let shop: Shop;
  let admin: { authorization: string };
  let variants: Array<{ sku: string; id: string; version: number }> = [];
  /** A demo SKU no other test uses, with `units` on hand. */
  const skuWith = async (units: number) => {
    const v = variants.shift();
    assert.ok(v, 'enough demo variants');
    await shop.setStock(v.sku, units);
    return v;
  };

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'mercato-checkout-'));
    const offset = randomOffset();
    const base = `http://127.0.0.1:${8080 + offset}`;
    platform = startPlatform([], {
      MERCATO_DATA_DIR: dataDir,
      MERCATO_PORT_OFFSET: String(offset),
      // Parcels move on quickly, so the customer's order is delivered within the test.
      CARRIER_AUTO_ADVANCE_MS: '300',
      ...ADMIN_ENV,
    });
    await waitFor200(`${base}/health/ready`, platform, 180_000);
    admin = await adminAuthorization(base);
    shop = createShop(base, offset, admin);
    variants = await shop.demoVariants(20);
  });
  after(async () => {
    await platform?.stop();
    platform?.killLeftovers();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('a guest pays with a 3-D Secure card: requires_action, the challenge approved, confirmed — stock committed, discount redeemed, payment captured, shipment labelled, cart closed; the same key again answers the same checkout', async () => {
    const { sku } = await skuWith(10);
    const { code } = await shop.discountCode();
    const cartId = await shop.cart(sku, 2);
    await shop.applyCode(cartId, code);
    const body = await shop.guestBody(cartId, CARDS.threeDs);
    const key = randomUUID();
    const posted = await shop.checkout(body, { key });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    assert.equal(posted.headers.get('location'), `/api/v1/checkout/${posted.body.checkoutId}`);
    const started = {
      body: await shop.until(posted.body.checkoutId as string, ['requires_action', 'failed']),
    };
    assert.equal(started.body.status, 'requires_action');
    assert.match(started.body.nextAction.url, /\/3ds\//);
    const id = started.body.checkoutId as string;
    // While the buyer answers, the stock and the discount are held and the order is pending.
    assert.deepEqual(await shop.stock(sku), { onHand: 10, reserved: 2, available: 8 });
    assert.equal((await shop.redemption(id)).body.status, 'held');
    assert.equal((await shop.order(started.body.order.id as string)).status, 'pending');

    await shop.challenge(started.body.nextAction.url as string, 'approve');
    const done = await shop.until(id, ['confirmed', 'failed']);
    assert.equal(done.status, 'confirmed', JSON.stringify(done.failure));
    assert.equal(done.failure, null);
    assert.match(done.order.number, /^MC-\d+$/);
    const steps = done.steps.filter((s: Json) => s.phase === 'action' && s.outcome === 'done');
    assert.deepEqual(
      steps.map((s: Json) => s.step),
      [
        'reprice-cart',
        'reserve-discount',
        'reserve-stock',
        'create-order',
        'authorize-payment',
        'create-shipment',
        'confirm',
      ],
    );
    assert.deepEqual(await shop.stock(sku), { onHand: 8, reserved: 0, available: 8 });
    assert.equal((await shop.redemption(id)).body.status, 'committed');
    const order = await shop.order(done.order.id as string);
    assert.ok(['confirmed', 'paid'].includes(order.status as string), order.status);
    assert.equal(order.totals.discount.amount > 0, true, 'the code took its 10 % off');
    assert.equal(done.total.amount, order.totals.total.amount);
    const [payment] = await shop.payments(id);
    assert.equal(payment.status, 'captured');
    assert.equal(payment.capturedAmount, order.totals.total.amount);
    const shipments = await shop.shipments(done.order.id as string);
    assert.equal(shipments.length, 1);
    assert.equal(shipments[0].status, 'label_created');
    assert.equal((await shop.cartOf(cartId)).body.status, 'checked_out');

    const again = await shop.checkout(body, { key });
    assert.equal(again.status, 200);
    assert.equal(again.body.checkoutId, id, 'same key, same body: the same checkout');
    assert.equal(again.body.status, 'confirmed');
  });

  test('step 1 fails with PRICE_CHANGED when the catalog price moved after the line was added; nothing is held', async () => {
    const v = await skuWith(10);
    const cartId = await shop.cart(v.sku, 1);
    const cart = (await shop.cartOf(cartId)).body;
    const price = cart.lines[0].unitPrice;
    const changed = await shop.asAdmin(
      'PATCH',
      `/api/v1/variants/${v.id}`,
      { price: { amount: price.amount + 150, currency: price.currency } },
      `"${v.version}"`,
    );
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const before = { sku: v.sku, ...(await shop.stock(v.sku)) };
    const res = { body: await shop.settled(await shop.guestBody(cartId, CARDS.ok)) };
    assert.equal(res.body.status, 'failed', JSON.stringify(res.body));
    assert.equal(res.body.failure.code, 'PRICE_CHANGED');
    assert.equal(res.body.failure.step, 'reprice-cart');
    assert.deepEqual(res.body.failure.detail.lines[0], {
      sku: v.sku,
      old: price,
      new: { amount: price.amount + 150, currency: price.currency },
    });
    assert.equal(res.body.order, null);
    assert.deepEqual(await shop.reservations(res.body.checkoutId as string), []);
    await expectUndone(shop, res.body, before);
    assert.equal((await shop.cartOf(cartId)).body.status, 'active', 'the cart stays open to try again');
  });

  test('step 2 fails with DISCOUNT_INVALID when the code was paused after it was entered; nothing is held', async () => {
    const { sku } = await skuWith(10);
    const { code, promotionId } = await shop.discountCode();
    const cartId = await shop.cart(sku, 1);
    await shop.applyCode(cartId, code);
    const promo = await shop.asAdmin('GET', `/api/v1/discounts/promotions/${promotionId}`);
    const paused = await shop.asAdmin(
      'PATCH',
      `/api/v1/discounts/promotions/${promotionId}`,
      { status: 'paused' },
      promo.headers.get('etag') ?? '',
    );
    assert.equal(paused.status, 200, JSON.stringify(paused.body));
    const before = { sku, ...(await shop.stock(sku)) };
    const res = { body: await shop.settled(await shop.guestBody(cartId, CARDS.ok)) };
    assert.equal(res.body.status, 'failed', JSON.stringify(res.body));
    assert.equal(res.body.failure.code, 'DISCOUNT_INVALID');
    assert.equal(res.body.failure.step, 'reserve-discount');
    assert.equal((await shop.redemption(res.body.checkoutId as string)).status, 404, 'no discount held');
    await expectUndone(shop, res.body, before);
  });

  test('step 3 fails with OUT_OF_STOCK naming the SKU when stock ran short after add-to-cart; the discount hold is given back', async () => {
    const { sku } = await skuWith(10);
    const { code } = await shop.discountCode();
    const cartId = await shop.cart(sku, 3);
    await shop.applyCode(cartId, code);
    await shop.setStock(sku, 2);
    const before = { sku, ...(await shop.stock(sku)) };
    const res = { body: await shop.settled(await shop.guestBody(cartId, CARDS.ok)) };
    assert.equal(res.body.status, 'failed', JSON.stringify(res.body));
    assert.equal(res.body.failure.code, 'OUT_OF_STOCK');
    assert.equal(res.body.failure.step, 'reserve-stock');
    assert.deepEqual(res.body.failure.detail.skus, [sku]);
    assert.deepEqual(res.body.failure.detail.lines, [{ sku, available: 2, requested: 3 }]);
    const redemption = await shop.redemption(res.body.checkoutId as string);
    assert.equal(redemption.body.status, 'released', 'the discount use was given back');
    const undone = res.body.steps.filter((s: Json) => s.phase === 'compensation').map((s: Json) => s.step);
    assert.deepEqual(undone, ['reserve-discount']);
    await expectUndone(shop, res.body, before);
  });

  test('step 4 fails with ORDER_REFUSED when order refuses the order (a line carrying more discounts than an order line takes): stock and discount given back', async () => {
    const { sku } = await skuWith(10);
    // 21 automatic one-cent promotions on this SKU: discount applies them all, order takes 20 per line.
    for (let i = 0; i < 21; i++) {
      const made = await shop.asAdmin('POST', '/api/v1/discounts/promotions', {
        name: `Cent off ${sku} #${i}`,
        kind: 'fixed_amount',
        trigger: 'automatic',
        amountOff: 1,
        currency: 'USD',
        stacking: 'combinable',
        target: { skus: [sku] },
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
    }
    const cartId = await shop.cart(sku, 1);
    const before = { sku, ...(await shop.stock(sku)) };
    const res = { body: await shop.settled(await shop.guestBody(cartId, CARDS.ok)) };
    assert.equal(res.body.status, 'failed', JSON.stringify(res.body));
    assert.equal(res.body.failure.code, 'ORDER_REFUSED');
    assert.equal(res.body.failure.step, 'create-order');
    const undone = res.body.steps.filter((s: Json) => s.phase === 'compensation').map((s: Json) => s.step);
    assert.deepEqual(undone, ['reserve-stock', 'reserve-discount']);
    assert.equal((await shop.redemption(res.body.checkoutId as string)).body.status, 'released');
    assert.equal(res.body.order, null);
    await expectUndone(shop, res.body, before);
  });

  test('step 5 fails with PAYMENT_DECLINED for a card the PSP declines: the order is cancelled, stock and discount given back', async () => {
    const { sku } = await skuWith(10);
    const { code } = await shop.discountCode();
    const cartId = await shop.cart(sku, 2);
    await shop.applyCode(cartId, code);
    const before = { sku, ...(await shop.stock(sku)) };
    const res = { body: await shop.settled(await shop.guestBody(cartId, CARDS.declined)) };
    assert.equal(res.body.status, 'failed', JSON.stringify(res.body));
    assert.equal(res.body.failure.code, 'PAYMENT_DECLINED');
    assert.equal(res.body.failure.step, 'authorize-payment');
    assert.equal(res.body.failure.detail.reason, 'generic_decline');
    const undone = res.body.steps.filter((s: Json) => s.phase === 'compensation').map((s: Json) => s.step);
    assert.deepEqual(undone, ['create-order', 'reserve-stock', 'reserve-discount']);
    assert.equal((await shop.order(res.body.order.id as string)).status, 'cancelled');
    const [payment] = await shop.payments(res.body.checkoutId as string);
    assert.equal(payment.status, 'failed');
    await expectUndone(shop, res.body, before);
  });

  test('step 5 fails with PAYMENT_DECLINED when the buyer fails the 3-D Secure challenge; the authorization is voided', async () => {
    const { sku } = await skuWith(10);
    const cartId = await shop.cart(sku, 1);
    const before = { sku, ...(await shop.stock(sku)) };
    const started = { body: await shop.settled(await shop.guestBody(cartId, CARDS.threeDs)) };
    assert.equal(started.body.status, 'requires_action', JSON.stringify(started.body));
    await shop.challenge(started.body.nextAction.url as string, 'reject');
    const done = await shop.until(started.body.checkoutId as string, ['confirmed', 'failed']);
    assert.equal(done.status, 'failed');
    assert.equal(done.failure.code, 'PAYMENT_DECLINED');
    await expectUndone(shop, done, before);
  });

  test('step 5 fails with ORDER_REFUSED when staff cancelled the pending order while the buyer answered 3-D Secure: the fresh authorization is voided, stock and discount given back', async () => {
    const { sku } = await skuWith(10);
    const { code } = await shop.discountCode();
    const cartId = await shop.cart(sku, 1);
    await shop.applyCode(cartId, code);
    const before = { sku, ...(await shop.stock(sku)) };
    const started = { body: await shop.settled(await shop.guestBody(cartId, CARDS.threeDs)) };
    assert.equal(started.body.status, 'requires_action', JSON.stringify(started.body));
    const cancelled = await shop.asAdmin('POST', `/api/v1/orders/${started.body.order.id as string}/cancel`, {
      reason: 'suspected fraud',
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    await shop.challenge(started.body.nextAction.url as string, 'approve');
    const done = await shop.until(started.body.checkoutId as string, ['confirmed', 'failed']);
    assert.equal(done.status, 'failed');
    assert.equal(done.failure.code, 'ORDER_REFUSED');
    assert.equal(done.failure.step, 'authorize-payment');
    const [payment] = await shop.payments(done.checkoutId as string);
    assert.equal(payment.status, 'voided', 'the authorization made after the cancellation was released');
    assert.equal((await shop.redemption(done.checkoutId as string)).body.status, 'released');
    await expectUndone(shop, done, before);
  });

  test('step 6 fails with SHIPPING_FAILED when the zone closed while the buyer answered 3-D Secure: payment voided, order cancelled, stock and discount given back', async () => {
    const { sku } = await skuWith(10);
    const { code } = await shop.discountCode();
    const cartId = await shop.cart(sku, 1);
    await shop.applyCode(cartId, code);
    const before = { sku, ...(await shop.stock(sku)) };
    const started = {
      body: await shop.settled(await shop.guestBody(cartId, CARDS.threeDs, { shippingAddress: CA_ADDRESS })),
    };
    assert.equal(started.body.status, 'requires_action', JSON.stringify(started.body));
    const zone = await shop.asAdmin('GET', '/api/v1/shipping/zones/canada');
    assert.equal(zone.status, 200, JSON.stringify(zone.body));
    const update = { name: zone.body.name, countries: zone.body.countries };
    const etag = zone.headers.get('etag') ?? '';
    const closed = await shop.asAdmin(
      'PUT',
      '/api/v1/shipping/zones/canada',
      { ...update, active: false },
      etag,
    );
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    try {
      await shop.challenge(started.body.nextAction.url as string, 'approve');
      const done = await shop.until(started.body.checkoutId as string, ['confirmed', 'failed']);
      assert.equal(done.status, 'failed');
      assert.equal(done.failure.code, 'SHIPPING_FAILED');
      assert.equal(done.failure.step, 'create-shipment');
      const undone = done.steps.filter((s: Json) => s.phase === 'compensation').map((s: Json) => s.step);
      assert.deepEqual(undone, ['authorize-payment', 'create-order', 'reserve-stock', 'reserve-discount']);
      const [payment] = await shop.payments(done.checkoutId as string);
      assert.equal(payment.status, 'voided', 'the authorization was released');
      assert.equal((await shop.redemption(done.checkoutId as string)).body.status, 'released');
      await expectUndone(shop, done, before);
    } finally {
      const now = await shop.asAdmin('GET', '/api/v1/shipping/zones/canada');
      await shop.asAdmin(
        'PUT',
        '/api/v1/shipping/zones/canada',
        { ...update, active: true },
        now.headers.get('etag') ?? '',
      );
    }
  });

  test('step 7 fails with CART_CHANGED when another checkout of the same cart confirmed first: one order, the other checkout fully undone', async () => {
    const { sku } = await skuWith(5);
    const { code } = await shop.discountCode();
    const cartId = await shop.cart(sku, 1);
    await shop.applyCode(cartId, code);
    const first = { body: await shop.settled(await shop.guestBody(cartId, CARDS.threeDs)) };
    assert.equal(first.body.status, 'requires_action', JSON.stringify(first.body));
    const second = { body: await shop.settled(await shop.guestBody(cartId, CARDS.ok)) };
    assert.equal(second.body.status, 'confirmed', JSON.stringify(second.body));
    assert.deepEqual(await shop.stock(sku), { onHand: 4, reserved: 1, available: 3 });

    await shop.challenge(first.body.nextAction.url as string, 'approve');
    const done = await shop.until(first.body.checkoutId as string, ['confirmed', 'failed']);
    assert.equal(done.status, 'failed');
    assert.equal(done.failure.code, 'CART_CHANGED');
    assert.equal(done.failure.step, 'confirm');
    const undone = done.steps.filter((s: Json) => s.phase === 'compensation').map((s: Json) => s.step);
    assert.deepEqual(undone, [
      'create-shipment',
      'authorize-payment',
      'create-order',
      'reserve-stock',
      'reserve-discount',
    ]);
    const [payment] = await shop.payments(done.checkoutId as string);
    assert.equal(payment.status, 'voided');
    // Only the second checkout's unit left; its discount use stays redeemed.
    await expectUndone(shop, done, { sku, onHand: 4, available: 4 });
    assert.equal((await shop.redemption(second.body.checkoutId as string)).body.status, 'committed');
  });

  test('bad input answers 4xx problems and holds nothing: empty cart, missing address, unknown method, no email for a guest, a reused key with another body', async () => {
    const { sku } = await skuWith(10);
    const before = await shop.stock(sku);
    const empty = (await shop.call('POST', '/api/v1/carts', { body: { country: 'US' } })).body.id as string;
    const problem = async (body: Record<string, unknown>, status: number, code: string, key?: string) => {
      const res = await shop.checkout(body, key ? { key } : {});
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.code, code);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    };
    await problem(await shop.guestBody(empty, CARDS.ok), 422, 'CHECKOUT_CART_EMPTY');
    await problem(await shop.guestBody(randomUUID(), CARDS.ok), 404, 'CHECKOUT_CART_NOT_FOUND');
    const cartId = await shop.cart(sku, 1);
    const body = await shop.guestBody(cartId, CARDS.ok);
    const { shippingAddress: _, ...noAddress } = body;
    await problem(noAddress, 400, 'CHECKOUT_ADDRESS_REQUIRED');
    await problem({ ...body, shippingMethod: 'teleport' }, 422, 'CHECKOUT_SHIPPING_METHOD_UNAVAILABLE');
    const { email: __, ...noEmail } = body;
    await problem(noEmail, 400, 'CHECKOUT_EMAIL_REQUIRED');
    const noKey = await shop.call('POST', '/api/v1/checkout', { body });
    assert.equal(noKey.status, 400);
    assert.equal(noKey.body.code, 'IDEMPOTENCY_KEY_INVALID');
    assert.deepEqual(await shop.stock(sku), before, 'nothing held');
    assert.equal((await shop.cartOf(cartId)).body.status, 'active');

    const key = randomUUID();
    const first = { body: await shop.settled(body, { key }) };
    assert.equal(first.body.status, 'confirmed', JSON.stringify(first.body));
    await problem({ ...body, email: 'someone.else@example.com' }, 422, 'IDEMPOTENCY_KEY_REUSED', key);
  });

  test('a customer: register → verify by the dev mailbox → cart → 3-D Secure → confirmed → shipped → delivered → refunded; their cart and checkout are no one else’s', async () => {
    const { sku } = await skuWith(10);
    const email = `buyer.${randomUUID().slice(0, 8)}@example.test`;
    const password = 'Checkout-Test-Pass-1';
    const reg = await shop.call('POST', '/api/v1/auth/register', {
      body: { email, password, name: 'Ada Buyer' },
    });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    let token = '';
    await waitFor(
      async () => {
        const box = await shop.asAdmin(
          'GET',
          `/api/v1/notifications/dev-mailbox?to=${encodeURIComponent(email)}`,
        );
        const mail = (box.body?.items ?? []).find((m: Json) => /token=/.test(m.text as string));
        token = mail ? (/token=([A-Za-z0-9_-]+)/.exec(mail.text as string)?.[1] ?? '') : '';
        return token !== '';
      },
      30_000,
      'the verification email in the dev mailbox',
      200,
    );
    const verified = await shop.call('POST', '/api/v1/auth/verify-email', { body: { token } });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    const login = await shop.call('POST', '/api/v1/auth/login', { body: { email, password } });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const me = { authorization: `Bearer ${login.body.accessToken as string}` };

    const cartId = await shop.cart(sku, 1, me);
    const before = await shop.stock(sku);
    // A guest with the customer's cart id gets nothing: it looks like no cart, and nothing is held.
    const foreign = await shop.checkout(await shop.guestBody(cartId, CARDS.ok));
    assert.equal(foreign.status, 404, JSON.stringify(foreign.body));
    assert.equal(foreign.body.code, 'CHECKOUT_CART_NOT_FOUND');
    assert.deepEqual(await shop.stock(sku), before);

    const { email: _, ...body } = await shop.guestBody(cartId, CARDS.threeDs);
    const posted = await shop.checkout(body, { auth: me });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const started = {
      body: await shop.until(posted.body.checkoutId as string, ['requires_action', 'failed']),
    };
    assert.equal(started.body.status, 'requires_action');
    const id = started.body.checkoutId as string;
    const anonymous = await shop.call('GET', `/api/v1/checkout/${id}`);
    assert.equal(anonymous.status, 404, "another's checkout looks like none");
    await shop.challenge(started.body.nextAction.url as string, 'approve');
    let view: Json;
    await waitFor(
      async () => {
        view = (await shop.call('GET', `/api/v1/checkout/${id}`, { auth: me })).body;
        return view.status === 'confirmed' || view.status === 'failed';
      },
      60_000,
      'the checkout to end',
      100,
    );
    assert.equal(view.status, 'confirmed', JSON.stringify(view.failure));
    const orderId = view.order.id as string;
    const mine = await shop.call('GET', `/api/v1/orders/${orderId}`, { auth: me });
    assert.equal(mine.status, 200);
    assert.equal(mine.body.email, email);

    // Fulfilment: the parcel is handed to the carrier, whose webhooks move it to delivered.
    const [shipment] = await shop.shipments(orderId);
    const dispatched = await shop.asAdmin('POST', `/api/v1/shipping/shipments/${shipment.id}/dispatch`);
    assert.equal(dispatched.status, 200, JSON.stringify(dispatched.body));
    await waitFor(
      async () => (await shop.order(orderId)).status === 'delivered',
      90_000,
      'the order to be delivered',
      250,
    );
    const refunded = await shop.call('POST', `/api/v1/orders/${orderId}/refunds`, {
      body: { reason: 'changed my mind' },
      auth: admin,
      key: randomUUID(),
    });
    assert.ok(refunded.status < 300, JSON.stringify(refunded.body));
    await waitFor(
      async () => (await shop.payments(id))[0]?.status === 'refunded',
      30_000,
      'the payment to be refunded',
      250,
    );
  });
});
