// The checkout's routes through HTTP (app.inject) on a real database, with the services it asks
// up front as contract stand-ins: what is refused before anything is held, idempotency by key,
// who may read a checkout, a saga that fails at its first step, the admin routes and metrics.
// The saga over the real services is tested by the launcher (apps/mercato/test/checkout.test.ts).
import { newId } from '@mercato/platform/ids';
import {
  callAs,
  closeTestPglite,
  expectProblem,
  metricValue,
  needs,
  startTestService,
  testServiceToken,
  waitFor,
  type Body,
  type MintOptions,
  type TestService,
} from '@mercato/testing';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { checkoutService, type CheckoutParts } from '../src/service.ts';
import type { CheckoutDB } from '../src/db.ts';
import { cartOf, startUpstreamStandIn, upstreamUrls, type UpstreamStandIn } from './upstream-stand-in.ts';

after(closeTestPglite);

const ADMIN: MintOptions = { subject: '0190a000-0000-7000-8000-00000000ad01', roles: ['admin'] };
const customer = (): MintOptions & { subject: string } => ({ subject: newId(), roles: ['customer'] });
const ADDRESS = { name: 'Ada', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const TOKEN = 'tok_abcdefgh12345678';

for (const kind of ['pglite', 'pg'] as const) {
  describe(`checkout routes (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let up: UpstreamStandIn;
    let svc: TestService<CheckoutDB, CheckoutParts>;

    before(async () => {
      up = await startUpstreamStandIn();
      const urls = upstreamUrls(up.url);
      svc = (await startTestService(checkoutService, kind, {
        env: { ...process.env, ...urls, CHECKOUT_RESPOND_WAIT_MS: '5000' },
        serviceToken: testServiceToken({ subject: 'checkout-service', permissions: ['carts:write'] }),
      })) as TestService<CheckoutDB, CheckoutParts>;
    });
    after(async () => {
      await svc?.close();
      await up?.close();
    });
    beforeEach(() => {
      up.calls.length = 0;
    });

    /** A guest cart of one SKU the catalog prices as the cart does. */
    function guestCart(over: Parameters<typeof cartOf>[1] = {}) {
      const sku = `SKU-${newId().slice(-8)}`;
      const cart = cartOf([{ sku, quantity: 2, price: 1500 }], over);
      up.carts.set(cart.id, cart);
      up.prices.set(sku, 1500);
      return cart;
    }
    const body = (cartId: string, over: Record<string, unknown> = {}): Body => ({
      cartId,
      email: 'buyer@example.com',
      shippingAddress: ADDRESS,
      shippingMethod: 'standard',
      payment: { token: TOKEN },
      ...over,
    });
    const post = (b: Body, opts: { key?: string; as?: MintOptions | 'anonymous' } = {}) =>
      callAs(svc, 'POST', '/api/v1/checkout', {
        body: b,
        as: opts.as ?? 'anonymous',
        headers: { 'idempotency-key': opts.key ?? newId() },
      });
    /** Only reads reached the other services, as the checkout service itself. */
    const nothingHeld = () => {
      for (const c of up.calls)
        assert.match(
          c,
          /^(GET \/api\/v1\/carts|POST \/api\/v1\/shipping\/quotes|GET \/api\/v1\/customers|POST \/api\/v1\/variants\/lookup)/,
        );
    };

    test('refuses with a problem and holds nothing: unknown, empty, closed or someone else’s cart, no address, no email, an unknown method, saved details without signing in, no key', async () => {
      const owner = customer();
      const theirs = guestCart({ customerId: owner.subject });
      expectProblem(await post(body(newId())), 404, 'CHECKOUT_CART_NOT_FOUND');
      expectProblem(await post(body(theirs.id)), 404, 'CHECKOUT_CART_NOT_FOUND');
      expectProblem(await post(body(theirs.id), { as: customer() }), 404, 'CHECKOUT_CART_NOT_FOUND');
      const empty = cartOf([]);
      up.carts.set(empty.id, empty);
      expectProblem(await post(body(empty.id)), 422, 'CHECKOUT_CART_EMPTY');
      const closed = guestCart({ status: 'checked_out' });
      expectProblem(await post(body(closed.id)), 409, 'CHECKOUT_CART_CLOSED');
      const cart = guestCart();
      const { shippingAddress: _, ...noAddress } = body(cart.id);
      const p = expectProblem(await post(noAddress), 400, 'CHECKOUT_ADDRESS_REQUIRED');
      assert.equal(p.errors[0].path, '/body/shippingAddress');
      const { email: __, ...noEmail } = body(cart.id);
      expectProblem(await post(noEmail), 400, 'CHECKOUT_EMAIL_REQUIRED');
      const method = expectProblem(
        await post(body(cart.id, { shippingMethod: 'teleport' })),
        422,
        'CHECKOUT_SHIPPING_METHOD_UNAVAILABLE',
      );
      assert.match(method.detail, /offered: standard/);
      expectProblem(
        await post(body(cart.id, { shippingAddressId: newId(), shippingAddress: undefined })),
        422,
        'CHECKOUT_SIGN_IN_REQUIRED',
      );
      expectProblem(
        await post(body(cart.id, { payment: { savedMethodId: newId() } })),
        422,
        'CHECKOUT_SIGN_IN_REQUIRED',
      );
      expectProblem(
        await post(body(cart.id, { payment: { token: 'not-a-token' } })),
        400,
        'VALIDATION_FAILED',
      );
      const noKey = await callAs(svc, 'POST', '/api/v1/checkout', { body: body(cart.id), as: 'anonymous' });
      expectProblem(noKey, 400, 'IDEMPOTENCY_KEY_INVALID');
      nothingHeld();
      assert.ok(up.calls.length > 0);
      for (const c of up.calls) assert.match(c, / service$/, `${c}: asked as the checkout service`);
      const { items } = await svc.runtime.parts.engine.list({ page: 1, pageSize: 100 });
      assert.equal(items.length, 0, 'no saga started');
    });

    test("a signed-in customer's saved address must be theirs; their email comes from the token", async () => {
      const me = { ...customer(), email: 'me@example.com' };
      const cart = guestCart({ customerId: me.subject });
      const addressId = newId();
      up.addresses.set(addressId, {
        id: addressId,
        customerId: newId(),
        label: null,
        name: 'Someone',
        company: null,
        line1: '2 Side St',
        line2: null,
        city: 'Shelbyville',
        region: null,
        postalCode: '54321',
        country: 'US',
        phone: null,
        defaultShipping: true,
        defaultBilling: true,
      });
      const { shippingAddress: _, email: __, ...rest } = body(cart.id);
      expectProblem(
        await post({ ...rest, shippingAddressId: addressId }, { as: me }),
        404,
        'CHECKOUT_ADDRESS_NOT_FOUND',
      );
      nothingHeld();
    });

    test('a price changed in the catalog fails the saga at its first step: 200 with the coded failure and the timeline; nothing was held', async () => {
      const cart = guestCart();
      up.prices.set(cart.lines[0]!.sku, 1700);
      const res = await post(body(cart.id));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.headers.location, `/api/v1/checkout/${res.body.checkoutId}`);
      assert.equal(res.body.status, 'failed');
      assert.equal(res.body.failure.code, 'PRICE_CHANGED');
      assert.equal(res.body.failure.step, 'reprice-cart');
      assert.deepEqual(res.body.failure.detail.lines[0].new, { amount: 1700, currency: 'USD' });
      assert.deepEqual(
        res.body.steps.map((s: Body) => `${s.step}:${s.outcome}`),
        [':started', 'reprice-cart:failed', ':compensated'],
      );
      nothingHeld();
      const ended = await svc.runtime.parts.engine.get(res.body.checkoutId);
      assert.equal(ended?.status, 'failed');
      // checkout.failed is announced once, with the reason.
      await waitFor(
        async () => {
          await svc.flush();
          return svc.published.some((e) => e.type === 'checkout.failed' && e.subject === res.body.checkoutId);
        },
        5000,
        'checkout.failed',
      );
      await svc.flush();
      const failed = svc.published.filter(
        (e) => e.type === 'checkout.failed' && e.subject === res.body.checkoutId,
      );
      assert.equal(failed.length, 1);
      assert.equal((failed[0]!.data as Body).reason, 'PRICE_CHANGED');
      assert.equal((failed[0]!.data as Body).cartId, cart.id);
      assert.equal(
        (await metricValue(svc.runtime.app, 'sagas_failed_total', {
          type: 'checkout',
          reason: 'PRICE_CHANGED',
        })) >= 1,
        true,
      );
    });

    test('the same key and body answer the same checkout; the same key with another body is 422; another caller’s same key is another checkout', async () => {
      const cart = guestCart();
      up.prices.set(cart.lines[0]!.sku, 1400);
      const key = newId();
      const first = await post(body(cart.id), { key });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const again = await post(body(cart.id), { key });
      assert.equal(again.status, 200);
      assert.equal(again.body.checkoutId, first.body.checkoutId);
      expectProblem(
        await post(body(cart.id, { email: 'other@example.com' }), { key }),
        422,
        'IDEMPOTENCY_KEY_REUSED',
      );
      const other = await post(body(cart.id), { key, as: customer() });
      assert.notEqual(other.body.checkoutId, first.body.checkoutId);
      const { items } = await svc.runtime.parts.engine.list({ page: 1, pageSize: 100 });
      assert.equal(items.filter((s) => s.input && (s.input as Body).cartId === cart.id).length, 2);
    });

    test("a customer's checkout is read by them and admins only; a guest's by its id", async () => {
      const me = customer();
      const cart = guestCart({ customerId: me.subject });
      up.prices.set(cart.lines[0]!.sku, 1); // fails fast at its first step
      const { email: _, ...noEmail } = body(cart.id);
      const mine = await post(noEmail, { as: { ...me, email: 'me@example.com' } });
      assert.equal(mine.status, 200, JSON.stringify(mine.body));
      assert.equal(mine.body.customerId, me.subject);
      const path = `/api/v1/checkout/${mine.body.checkoutId}`;
      assert.equal((await callAs(svc, 'GET', path, { as: me })).status, 200);
      expectProblem(await callAs(svc, 'GET', path), 404, 'CHECKOUT_NOT_FOUND');
      expectProblem(await callAs(svc, 'GET', path, { as: customer() }), 404, 'CHECKOUT_NOT_FOUND');
      assert.equal((await callAs(svc, 'GET', path, { as: ADMIN })).status, 200);
      const guest = guestCart();
      up.prices.set(guest.lines[0]!.sku, 1);
      const theirs = await post(body(guest.id));
      assert.equal((await callAs(svc, 'GET', `/api/v1/checkout/${theirs.body.checkoutId}`)).status, 200);
      expectProblem(await callAs(svc, 'GET', `/api/v1/checkout/${newId()}`), 404, 'CHECKOUT_NOT_FOUND');
    });

    test('admin: sagas listed by state with their age, one timeline; retry and abort of an ended one are 409; others are refused', async () => {
      const cart = guestCart();
      up.prices.set(cart.lines[0]!.sku, 1);
      const done = await post(body(cart.id));
      const id = done.body.checkoutId as string;
      const list = await callAs(svc, 'GET', '/api/v1/checkout/admin/sagas?status=failed&pageSize=100', {
        as: ADMIN,
      });
      assert.equal(list.status, 200);
      const row = list.body.items.find((s: Body) => s.checkoutId === id);
      assert.equal(row.status, 'failed');
      assert.equal(row.failure.code, 'PRICE_CHANGED');
      assert.ok(row.ageSeconds >= 0);
      assert.ok(list.body.items.every((s: Body) => s.status === 'failed'));
      const timeline = await callAs(svc, 'GET', `/api/v1/checkout/admin/sagas/${id}`, { as: ADMIN });
      assert.equal(timeline.body.steps.length, 3);
      expectProblem(
        await callAs(svc, 'POST', `/api/v1/checkout/admin/sagas/${id}/retry`, { as: ADMIN }),
        409,
        'CHECKOUT_NOT_ACTIVE',
      );
      expectProblem(
        await callAs(svc, 'POST', `/api/v1/checkout/admin/sagas/${id}/abort`, { as: ADMIN, body: {} }),
        409,
        'CHECKOUT_NOT_ACTIVE',
      );
      expectProblem(
        await callAs(svc, 'GET', '/api/v1/checkout/admin/sagas', { as: customer() }),
        403,
        'FORBIDDEN',
      );
      expectProblem(await callAs(svc, 'GET', '/api/v1/checkout/admin/sagas'), 401, 'UNAUTHORIZED');
      assert.ok((await metricValue(svc.runtime.app, 'sagas_started_total', { type: 'checkout' })) >= 1);
      const steps = { type: 'checkout', step: 'reprice-cart', phase: 'action' };
      assert.ok((await metricValue(svc.runtime.app, 'saga_step_duration_seconds_count', steps)) >= 1);
    });
  });
}
