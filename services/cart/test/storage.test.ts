// Storage in distributed mode: PostgreSQL is the durable copy, Redis holds the documents.
// The flush below is FLUSHDB on a Redis database of these tests' own (CART_TEST_REDIS_DB,
// default 11): on a shared server FLUSHALL would wipe every other suite's keys too, and for
// the cart it does the same (all its keys gone). CART_TEST_FLUSHALL=true sends FLUSHALL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRedisCache, type Cache } from '@mercato/platform/cache';
import { infra, needs, uniqueSchema } from '@mercato/testing';
import { Redis } from 'ioredis';
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

const DAY = 86_400_000;
const redisUrl = (() => {
  const u = new URL(infra.redisUrl);
  u.pathname = `/${process.env.CART_TEST_REDIS_DB ?? '11'}`;
  return u.toString();
})();
const skip = (await needs('postgres')).skip || (await needs('redis')).skip;

describe('cart storage: PostgreSQL durable, Redis in front', { skip }, () => {
  let h: CartHarness;
  let redis: Redis;
  let cache: Cache;
  let namespace: string;
  const keyOf = (id: string) => `${namespace}:cart:${id}`;
  before(async () => {
    namespace = uniqueSchema('cart');
    redis = new Redis(redisUrl);
    cache = createRedisCache({ url: redisUrl, namespace });
    h = await startCart('pg', { cache, mode: 'distributed' });
    h.up.settings.set('store.currency', 'USD');
  });
  after(async () => {
    await h?.close();
    await cache?.close();
    redis?.disconnect();
  });

  function stocked(available = 100_000): string {
    const s = sku();
    addVariant(h.up, s);
    h.up.stock.set(s, { available });
    return s;
  }

  test('a Redis flush in the middle of a run loses no acknowledged line', async () => {
    const skus = Array.from({ length: 8 }, () => stocked());
    const carts = await Promise.all(Array.from({ length: 6 }, () => createCart(h.svc)));
    const acked = new Map<string, Map<string, number>>(carts.map((c) => [c.id, new Map()]));
    let done = 0;
    const total = carts.length * 30;
    let flushed = false;
    const flush = (async () => {
      // Flush once about half of the writes were acknowledged.
      while (done < total / 2) await new Promise((r) => setImmediate(r));
      if (process.env.CART_TEST_FLUSHALL === 'true') await redis.flushall();
      else await redis.flushdb();
      flushed = true;
    })();
    await Promise.all(
      carts.map(async (cart, c) => {
        for (let i = 0; i < 30; i++) {
          const s = skus[(i + c) % skus.length] as string;
          const res = await addLine(h.svc, cart.id, { sku: s, quantity: 1 });
          assert.equal(res.status, 200, JSON.stringify(res.body));
          const m = acked.get(cart.id) as Map<string, number>;
          m.set(s, (m.get(s) ?? 0) + 1);
          done++;
          if (i % 5 === 0) assert.equal((await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`)).status, 200);
        }
      }),
    );
    await flush;
    assert.ok(flushed);
    for (const cart of carts) {
      const read = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
      assert.equal(read.body.version, 31);
      const got = Object.fromEntries(
        read.body.lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity]),
      );
      assert.deepEqual(got, Object.fromEntries(acked.get(cart.id) as Map<string, number>));
      // The read put the document back.
      assert.equal(await redis.exists(keyOf(cart.id)), 1);
    }
  });

  test('a missing entry is restored from PostgreSQL on the next read', async () => {
    const s = stocked();
    const cart = await createCart(h.svc);
    await addLine(h.svc, cart.id, { sku: s, quantity: 3 });
    await redis.del(keyOf(cart.id));
    const read = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.lines[0].quantity, 3);
    const cached = JSON.parse((await redis.get(keyOf(cart.id))) as string) as { version: number };
    assert.equal(cached.version, 2);
  });

  test('TTL: 30 days for a guest, 90 for a customer, sliding on use; an expired cart is gone', async () => {
    const guest = await createCart(h.svc);
    const mine = await createCart(h.svc, customer());
    // Redis counts the TTL down in real time: within a few seconds of the cart's remaining lifetime.
    const pttl = async (id: string) => {
      const ms = await redis.pttl(keyOf(id));
      return Math.ceil(ms / 10_000) * 10_000;
    };
    assert.equal(await pttl(guest.id), 30 * DAY);
    assert.equal(await pttl(mine.id), 90 * DAY);
    assert.equal(Date.parse(guest.expiresAt) - h.clock.t, 30 * DAY);
    // Two hours on, a read slides the lifetime (at most once per CART_TOUCH_INTERVAL_MS, 1 h).
    h.clock.t += 2 * 3_600_000;
    const read = await call(h.svc, 'GET', `/api/v1/carts/${guest.id}`);
    assert.equal(Date.parse(read.body.expiresAt), h.clock.t + 30 * DAY);
    assert.equal(await pttl(guest.id), 30 * DAY);
    // ... and PostgreSQL has it too: with Redis flushed the cart is still there a month on.
    await redis.del(keyOf(guest.id));
    h.clock.t += 30 * DAY - 1000;
    assert.equal((await call(h.svc, 'GET', `/api/v1/carts/${guest.id}`)).status, 200);
    h.clock.t += 30 * DAY + 1000;
    expectProblem(await call(h.svc, 'GET', `/api/v1/carts/${guest.id}`), 404, 'CART_NOT_FOUND');
    await redis.del(keyOf(guest.id));
    expectProblem(await call(h.svc, 'GET', `/api/v1/carts/${guest.id}`), 404, 'CART_NOT_FOUND');
  });

  test('a stale cache entry (replica writes landing out of order) is dropped by the 412 it causes', async () => {
    const s = stocked();
    const cart = await createCart(h.svc);
    const v1 = await redis.get(keyOf(cart.id));
    await addLine(h.svc, cart.id, { sku: s, quantity: 1 });
    // Another replica's older document lands last.
    await redis.set(keyOf(cart.id), v1 as string, 'PX', DAY);
    const stale = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
    assert.equal(stale.headers.etag, '"1"');
    expectProblem(
      await addLine(h.svc, cart.id, { sku: s, quantity: 1 }, 'anonymous', { 'if-match': '"1"' }),
      412,
      'PRECONDITION_FAILED',
    );
    const fresh = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
    assert.equal(fresh.headers.etag, '"2"');
    assert.equal(fresh.body.lines[0].quantity, 1);
  });
});

describe('cart storage with Redis unreachable', await needs('postgres'), () => {
  test('reads and writes go on against PostgreSQL', async () => {
    // A port nothing listens on: every cache call fails fast.
    const down = createRedisCache({
      url: 'redis://127.0.0.1:1',
      namespace: uniqueSchema('cart'),
      commandTimeoutMs: 100,
    });
    const h = await startCart('pg', { cache: down, mode: 'distributed' });
    try {
      const s = sku();
      addVariant(h.up, s);
      h.up.stock.set(s, { available: 5 });
      const cart = await createCart(h.svc);
      assert.equal((await addLine(h.svc, cart.id, { sku: s, quantity: 2 })).status, 200);
      const read = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.lines[0].quantity, 2);
    } finally {
      await h.close();
      await down.close();
    }
  });
});
