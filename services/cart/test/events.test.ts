import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, testEvent, waitFor } from '@mercato/testing';
import {
  addLine,
  addVariant,
  call,
  createCart,
  eventsFor,
  sku,
  startCart,
  type CartHarness,
} from './support.ts';

after(closeTestPglite);

const HOUR = 3_600_000;

for (const kind of ['pglite', 'pg'] as const) {
  describe(`cart events (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let h: CartHarness;
    before(async () => {
      // Abandoned after 2 h without a change; the worker's own timer is kept out of the way
      // (flush runs a round on demand, on the test's clock).
      h = await startCart(kind, {
        env: { CART_ABANDON_AFTER_MS: String(2 * HOUR), CART_ABANDON_SWEEP_MS: '3600000' },
      });
      h.up.settings.set('store.currency', 'USD');
    });
    after(async () => {
      await h?.close();
    });

    function stocked(): string {
      const s = sku();
      addVariant(h.up, s);
      h.up.stock.set(s, { available: 50 });
      return s;
    }

    test('cart.abandoned: once per cart with lines and no change for the configured time', async () => {
      const s = stocked();
      const idle = await createCart(h.svc);
      await addLine(h.svc, idle.id, { sku: s, quantity: 2 });
      const busy = await createCart(h.svc);
      await addLine(h.svc, busy.id, { sku: s, quantity: 1 });
      const empty = await createCart(h.svc);
      h.clock.t += HOUR;
      await addLine(h.svc, busy.id, { sku: s, quantity: 1 });
      h.clock.t += HOUR + 1;
      await h.svc.flush();
      assert.equal((await eventsFor(h.svc, 'cart.abandoned', idle.id)).length, 1);
      assert.equal((await eventsFor(h.svc, 'cart.abandoned', busy.id)).length, 0);
      // A read is not a change: it does not keep a cart from being abandoned.
      await call(h.svc, 'GET', `/api/v1/carts/${busy.id}`);
      h.clock.t += HOUR;
      await h.svc.flush();
      await h.svc.flush();
      const [event] = await eventsFor(h.svc, 'cart.abandoned', idle.id);
      assert.equal((await eventsFor(h.svc, 'cart.abandoned', idle.id)).length, 1, 'once per cart');
      assert.equal((await eventsFor(h.svc, 'cart.abandoned', busy.id)).length, 1);
      assert.equal(
        (await eventsFor(h.svc, 'cart.abandoned', empty.id)).length,
        0,
        'an empty cart is not abandoned',
      );
      assert.deepEqual(
        [event?.data.cartId, event?.data.customerId, event?.data.lines[0].quantity, event?.data.subtotal],
        [idle.id, null, 2, { amount: 3998, currency: 'USD' }],
      );
      // A change after the announcement does not announce it again.
      await addLine(h.svc, idle.id, { sku: s, quantity: 1 });
      h.clock.t += 3 * HOUR;
      await h.svc.flush();
      assert.equal((await eventsFor(h.svc, 'cart.abandoned', idle.id)).length, 1);
    });

    test('product.deactivated marks the lines of active carts; product.updated back to active clears it', async () => {
      const s = stocked();
      const other = stocked();
      const productId = h.up.variants.get(s)?.productId as string;
      const cart = await createCart(h.svc);
      await addLine(h.svc, cart.id, { sku: s, quantity: 1 });
      await addLine(h.svc, cart.id, { sku: other, quantity: 1 });
      const deactivated = testEvent(
        'product.deactivated',
        productId,
        { productId, handle: 'p', skus: [s], version: 3 },
        { source: 'catalog' },
      );
      await h.svc.bus.publish(deactivated);
      // Redelivered: the inbox applies it once.
      await h.svc.bus.publish(deactivated);
      await waitFor(
        async () =>
          (await eventsFor(h.svc, 'cart.updated', cart.id)).some((e) => e.data.reason === 'lines_marked'),
        5000,
        'lines marked',
      );
      // With the catalog down, the read shows what the event said.
      h.up.down.add('catalog');
      try {
        const read = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
        assert.equal(read.body.version, 4);
        const issues = Object.fromEntries(
          read.body.lines.map((l: { sku: string; issues: { unavailable: boolean } }) => [
            l.sku,
            l.issues.unavailable,
          ]),
        );
        assert.deepEqual(issues, { [s]: true, [other]: false });
        await h.svc.bus.publish(
          testEvent(
            'product.updated',
            productId,
            { productId, handle: 'p', skus: [s], title: 'P', status: 'active', version: 4 },
            { source: 'catalog' },
          ),
        );
        await waitFor(
          async () => (await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`)).body.version === 5,
          5000,
          'mark cleared',
        );
        const again = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
        assert.equal(again.body.lines[0].issues.unavailable, false);
      } finally {
        h.up.down.clear();
      }
      const marks = (await eventsFor(h.svc, 'cart.updated', cart.id)).filter(
        (e) => e.data.reason === 'lines_marked',
      );
      assert.equal(marks.length, 2);
    });
  });
}
