// Two checkout replicas on one schema and one bus, as two processes in distributed mode: a
// checkout posted to either is driven by one of them only (the saga engine's lease), read the
// same from both, answered the same for the same key by either, and announced once.
import { createMemoryBus } from '@mercato/platform/messaging';
import { newId } from '@mercato/platform/ids';
import {
  callAs,
  closeTestPglite,
  needs,
  startTestService,
  testServiceToken,
  waitFor,
  type Body,
  type TestService,
} from '@mercato/testing';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CheckoutDB } from '../src/db.ts';
import { defineCheckoutService, type CheckoutParts } from '../src/service.ts';
import { cartOf, startUpstreamStandIn, upstreamUrls, type UpstreamStandIn } from './upstream-stand-in.ts';

after(closeTestPglite);

type Replica = TestService<CheckoutDB, CheckoutParts>;

for (const kind of ['pglite', 'pg'] as const) {
  describe(`two checkout replicas (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    const bus = createMemoryBus();
    let up: UpstreamStandIn;
    let a: Replica;
    let b: Replica;

    before(async () => {
      up = await startUpstreamStandIn();
      const urls = upstreamUrls(up.url);
      const opts = {
        bus,
        env: { ...process.env, ...urls, CHECKOUT_RESPOND_WAIT_MS: '0' },
        serviceToken: testServiceToken({ subject: 'checkout-service', permissions: ['carts:write'] }),
      };
      a = (await startTestService(
        defineCheckoutService({ replica: 'a', pollMs: 20 }),
        kind,
        opts,
      )) as Replica;
      b = (await startTestService(defineCheckoutService({ replica: 'b', pollMs: 20 }), kind, {
        ...opts,
        schema: a.runtime.ctx.database.schema,
      })) as Replica;
    });
    after(async () => {
      await b?.close();
      await a?.close();
      await bus.close();
      await up?.close();
    });

    test('checkouts posted to either replica each run once, read alike on both, the same key answers the same checkout on the other, each announced once', async () => {
      const keys: string[] = [];
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const sku = `SKU-${newId().slice(-8)}`;
        const cart = cartOf([{ sku, quantity: 1, price: 1000 }]);
        up.carts.set(cart.id, cart);
        up.prices.set(sku, 1100); // every saga fails at its first step: PRICE_CHANGED
        const key = newId();
        const res = await callAs(i % 2 === 0 ? a : b, 'POST', '/api/v1/checkout', {
          as: 'anonymous',
          headers: { 'idempotency-key': key },
          body: {
            cartId: cart.id,
            email: 'buyer@example.com',
            shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Springfield', country: 'US' },
            shippingMethod: 'standard',
            payment: { token: 'tok_abcdefgh12345678' },
          },
        });
        assert.ok(res.status === 200 || res.status === 202, JSON.stringify(res.body));
        keys.push(key);
        ids.push(res.body.checkoutId as string);
      }
      await waitFor(
        async () => {
          const { items } = await a.runtime.parts.engine.list({ status: 'failed', page: 1, pageSize: 100 });
          return ids.every((id) => items.some((s) => s.id === id));
        },
        20_000,
        'every checkout to end',
      );
      for (const id of ids) {
        const fromA = await callAs(a, 'GET', `/api/v1/checkout/${id}`);
        const fromB = await callAs(b, 'GET', `/api/v1/checkout/${id}`);
        assert.deepEqual(fromA.body, fromB.body);
        assert.equal(fromA.body.failure.code, 'PRICE_CHANGED');
        // Driven once: one start, one failed attempt, one end, whoever drove it.
        assert.deepEqual(
          fromA.body.steps.map((s: Body) => `${s.step}:${s.outcome}`),
          [':started', 'reprice-cart:failed', ':compensated'],
        );
      }
      const lookups = up.calls.filter((c) => c.startsWith('POST /api/v1/variants/lookup')).length;
      assert.equal(lookups, ids.length, 'one catalog lookup per checkout: no saga ran twice');

      // The first checkout's key, posted to the other replica by the same (anonymous) caller.
      const first = (await a.runtime.parts.engine.get(ids[0]!))?.input as Body;
      const again = await callAs(b, 'POST', '/api/v1/checkout', {
        as: 'anonymous',
        headers: { 'idempotency-key': keys[0]! },
        body: {
          cartId: first.cartId,
          email: 'buyer@example.com',
          shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Springfield', country: 'US' },
          shippingMethod: 'standard',
          payment: { token: 'tok_abcdefgh12345678' },
        },
      });
      assert.equal(again.body.checkoutId, ids[0]);

      await waitFor(
        async () => {
          await Promise.all([a.flush(), b.flush()]);
          const announced = [...a.published, ...b.published].filter((e) => e.type === 'checkout.failed');
          return ids.every((id) => announced.some((e) => e.subject === id));
        },
        10_000,
        'every failure announced',
      );
      const announced = [...a.published, ...b.published].filter((e) => e.type === 'checkout.failed');
      // One event per checkout (delivery is at least once: two relays on one outbox may both
      // publish a row, with the same event id, which consumers' inboxes take once).
      for (const id of ids) {
        assert.equal(new Set(announced.filter((e) => e.subject === id).map((e) => e.id)).size, 1, id);
      }
    });
  });
}
