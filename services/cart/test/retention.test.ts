import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs } from '@mercato/testing';
import {
  addLine,
  addVariant,
  call,
  createCart,
  customer,
  expectProblem,
  sku,
  startCart,
  type CartHarness,
} from './support.ts';

after(closeTestPglite);

const DAY = 86_400_000;

for (const kind of ['pglite', 'pg'] as const) {
  describe(`cart purge (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let h: CartHarness;
    before(async () => {
      // Guests' carts live 30 days after their last use, customers' 90; an expired cart is
      // deleted 7 days after it expired. The workers' timers are kept out of the way (flush
      // runs a round on demand, on the test's clock); a batch of 2 makes a round loop.
      h = await startCart(kind, {
        env: {
          CART_PURGE_AFTER_MS: String(7 * DAY),
          CART_PURGE_SWEEP_MS: '3600000',
          CART_PURGE_BATCH: '2',
          CART_ABANDON_SWEEP_MS: '3600000',
        },
      });
      h.up.settings.set('store.currency', 'USD');
    });
    after(async () => {
      await h?.close();
    });

    const rowCount = async (ids: string[]) =>
      (await h.svc.runtime.ctx.database.db.selectFrom('carts').select('id').where('id', 'in', ids).execute())
        .length;

    test('expired carts, abandoned or closed, are deleted once the retention after expiry is over; live ones stay', async () => {
      const s = sku();
      addVariant(h.up, s);
      h.up.stock.set(s, { available: 100 });
      // Abandoned guest carts with lines, an empty one, one checked out, one still in use,
      // and a customer's cart (90 days).
      const abandoned = await Promise.all([1, 2, 3].map(() => createCart(h.svc)));
      for (const c of abandoned)
        assert.equal((await addLine(h.svc, c.id, { sku: s, quantity: 1 })).status, 200);
      const empty = await createCart(h.svc);
      const checkedOut = await createCart(h.svc);
      await addLine(h.svc, checkedOut.id, { sku: s, quantity: 2 });
      const closed = await call(h.svc, 'POST', `/api/v1/carts/${checkedOut.id}/checkout`, { body: {} });
      assert.equal(closed.status, 200, JSON.stringify(closed.body));
      const inUse = await createCart(h.svc);
      const me = customer();
      const mine = await createCart(h.svc, me);
      const gone = [...abandoned.map((c) => c.id), empty.id, checkedOut.id];
      const all = [...gone, inUse.id, mine.id];
      assert.equal(await rowCount(all), 7);

      // 20 days on the cart in use is used again; 30 days after creation the others expire:
      // they answer 404 but their rows stay through the retention.
      h.clock.t += 20 * DAY;
      assert.equal((await addLine(h.svc, inUse.id, { sku: s, quantity: 1 })).status, 200);
      h.clock.t += 10 * DAY + 1000;
      expectProblem(await call(h.svc, 'GET', `/api/v1/carts/${abandoned[0]?.id}`), 404, 'CART_NOT_FOUND');
      await h.svc.flush();
      assert.equal(await rowCount(all), 7, 'nothing deleted within the retention');

      // Seven days after they expired (and a second) they are deleted, cache entries too.
      h.clock.t += 7 * DAY;
      await h.svc.flush();
      assert.equal(await rowCount(gone), 0);
      assert.equal(await rowCount([inUse.id, mine.id]), 2);
      for (const id of gone) assert.equal(await h.svc.cache.get(`cart:${id}`), undefined);
      for (const id of gone)
        expectProblem(await call(h.svc, 'GET', `/api/v1/carts/${id}`), 404, 'CART_NOT_FOUND');
      assert.equal((await call(h.svc, 'GET', `/api/v1/carts/${inUse.id}`)).body.lines[0].quantity, 1);
      const mineNow = await call(h.svc, 'GET', '/api/v1/carts/mine', { as: me });
      assert.equal(mineNow.status, 200);
      assert.equal(mineNow.body.id, mine.id);

      // The cart in use expires 30 days after its last use (the read on day 37: day 67) and
      // goes 7 days later; the customer's cart lives 90 days after its last use, so it stays.
      h.clock.t += 37 * DAY;
      await h.svc.flush();
      assert.equal(await rowCount([inUse.id]), 1, 'day 74: within its retention');
      h.clock.t += 1 * DAY;
      await h.svc.flush();
      assert.equal(await rowCount([inUse.id, mine.id]), 1);
      assert.equal(await rowCount([mine.id]), 1);
    });
  });
}
