import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { getOrLoad, type Cache } from './cache.ts';

/** Makes a fresh cache whose keys live under namespace. */
export type MakeCache = (namespace: string) => Cache | Promise<Cache>;

const LONG = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The behaviour every Cache adapter must show. Each adapter's test file runs it with
 * its own factory; `options` go to `describe` (e.g. `{ skip }` from needs('redis')).
 */
export function cacheContract(name: string, make: MakeCache, options: { skip?: string | false } = {}): void {
  describe(`Cache contract: ${name}`, options, () => {
    const opened: Cache[] = [];
    const open = async (namespace = `ns-${randomUUID()}`): Promise<Cache> => {
      const cache = await make(namespace);
      opened.push(cache);
      return cache;
    };
    after(async () => {
      for (const cache of opened) {
        await cache.invalidatePrefix('').catch(() => undefined);
        await cache.close();
      }
    });

    test('round-trips objects, null and primitives; a missing key is undefined', async () => {
      const cache = await open();
      const product = { id: 'p1', price: { amount: 1999, currency: 'USD' }, tags: ['a', 'ü'], gone: null };
      await cache.set('product:p1', product, LONG);
      await cache.set('nothing', null, LONG);
      await cache.set('count', 0, LONG);
      await cache.set('flag', false, LONG);
      assert.deepEqual(await cache.get('product:p1'), product);
      assert.equal(await cache.get('nothing'), null);
      assert.equal(await cache.get('count'), 0);
      assert.equal(await cache.get('flag'), false);
      assert.equal(await cache.get('never-set'), undefined);
    });

    test('set overwrites; set of undefined deletes', async () => {
      const cache = await open();
      await cache.set('k', { v: 1 }, LONG);
      await cache.set('k', { v: 2 }, LONG);
      assert.deepEqual(await cache.get('k'), { v: 2 });
      await cache.set('k', undefined, LONG);
      assert.equal(await cache.get('k'), undefined);
    });

    test('rejects a ttl that is not a positive finite number', async () => {
      const cache = await open();
      for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await assert.rejects(cache.set('k', 1, ttl), RangeError);
      }
    });

    test('an entry expires after its ttl; others stay', async () => {
      const cache = await open();
      await cache.set('short', 'soon gone', 100);
      await cache.set('long', 'stays', LONG);
      assert.equal(await cache.get('short'), 'soon gone');
      await sleep(250);
      assert.equal(await cache.get('short'), undefined);
      assert.equal(await cache.get('long'), 'stays');
    });

    test('delete removes one key only', async () => {
      const cache = await open();
      await cache.set('a', 1, LONG);
      await cache.set('b', 2, LONG);
      await cache.delete('a');
      await cache.delete('does-not-exist');
      assert.equal(await cache.get('a'), undefined);
      assert.equal(await cache.get('b'), 2);
    });

    test('invalidatePrefix removes exactly the keys with that prefix and counts them', async () => {
      const cache = await open();
      const doomed = ['product:1', 'product:2', 'product:10', 'product:'];
      const kept = ['products', 'productx:1', 'category:product:1', 'Product:1'];
      for (const key of [...doomed, ...kept]) await cache.set(key, key, LONG);

      assert.equal(await cache.invalidatePrefix('product:'), doomed.length);
      for (const key of doomed) assert.equal(await cache.get(key), undefined, key);
      for (const key of kept) assert.equal(await cache.get(key), key, key);
      assert.equal(await cache.invalidatePrefix('product:'), 0);
    });

    test('invalidatePrefix treats glob characters in the prefix literally', async () => {
      const cache = await open();
      const doomed = ['p[1]:a', 'p[1]:b', 'star*:a', 'q?:a', 'back\\slash:a'];
      const kept = ['p1:a', 'star:a', 'start:a', 'qq:a', 'backslash:a'];
      for (const key of [...doomed, ...kept]) await cache.set(key, key, LONG);

      assert.equal(await cache.invalidatePrefix('p[1]'), 2);
      assert.equal(await cache.invalidatePrefix('star*'), 1);
      assert.equal(await cache.invalidatePrefix('q?'), 1);
      assert.equal(await cache.invalidatePrefix('back\\slash'), 1);
      for (const key of kept) assert.equal(await cache.get(key), key, key);
    });

    test('invalidatePrefix handles more keys than one scan batch', async () => {
      const cache = await open();
      const n = 1_200;
      await Promise.all(Array.from({ length: n }, (_, i) => cache.set(`bulk:${i}`, i, LONG)));
      await cache.set('other', 'x', LONG);
      assert.equal(await cache.invalidatePrefix('bulk:'), n);
      assert.equal(await cache.get('bulk:0'), undefined);
      assert.equal(await cache.get(`bulk:${n - 1}`), undefined);
      assert.equal(await cache.get('other'), 'x');
    });

    test('namespaces isolate two caches', async () => {
      const a = await open(`a-${randomUUID()}`);
      const b = await open(`b-${randomUUID()}`);
      await a.set('shared:key', 'from a', LONG);
      await b.set('shared:key', 'from b', LONG);
      assert.equal(await a.get('shared:key'), 'from a');
      assert.equal(await b.get('shared:key'), 'from b');

      assert.equal(await a.invalidatePrefix('shared:'), 1);
      assert.equal(await b.get('shared:key'), 'from b');
      await b.delete('shared:key');
      await a.set('shared:key', 'again', LONG);
      assert.equal(await a.get('shared:key'), 'again');
    });

    test('getOrLoad calls the loader once for 20 concurrent callers, then serves the cache', async () => {
      const cache = await open();
      let loads = 0;
      const load = async () => {
        loads++;
        await sleep(50);
        return { id: 'p1', loadedAt: loads };
      };
      const results = await Promise.all(
        Array.from({ length: 20 }, () => getOrLoad(cache, 'hot', LONG, load)),
      );
      assert.equal(loads, 1);
      for (const r of results) assert.deepEqual(r, { id: 'p1', loadedAt: 1 });

      assert.deepEqual(await getOrLoad(cache, 'hot', LONG, load), { id: 'p1', loadedAt: 1 });
      assert.equal(loads, 1);
      assert.deepEqual(await cache.get('hot'), { id: 'p1', loadedAt: 1 });
    });

    test('getOrLoad shares a failure with every waiter and caches nothing', async () => {
      const cache = await open();
      let loads = 0;
      const failing = async (): Promise<string> => {
        loads++;
        await sleep(20);
        throw new Error('source down');
      };
      const settled = await Promise.allSettled(
        Array.from({ length: 5 }, () => getOrLoad(cache, 'k', LONG, failing)),
      );
      assert.equal(loads, 1);
      assert.ok(settled.every((s) => s.status === 'rejected'));
      assert.equal(await cache.get('k'), undefined);

      assert.equal(await getOrLoad(cache, 'k', LONG, async () => 'recovered'), 'recovered');
      assert.equal(await cache.get('k'), 'recovered');
    });

    test('getOrLoad keeps separate flights per cache for the same key', async () => {
      const a = await open();
      const b = await open();
      let loads = 0;
      const load = async () => {
        loads++;
        await sleep(20);
        return loads;
      };
      await Promise.all([getOrLoad(a, 'k', LONG, load), getOrLoad(b, 'k', LONG, load)]);
      assert.equal(loads, 2);
    });
  });
}
