import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryRateLimitStore } from './memory-store.ts';
import { createPreCountingStore } from './pre-counting-store.ts';
import type { RateLimitStore } from './store.ts';

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A shared store that records how many calls reached it. */
function countingShared(): RateLimitStore & { calls: number } {
  const inner = createMemoryRateLimitStore();
  const s = {
    kind: inner.kind,
    calls: 0,
    hit(key: string, windowMs: number, requests?: number) {
      s.calls += 1;
      return inner.hit(key, windowMs, requests);
    },
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return s;
}

describe('pre-counting rate-limit store', () => {
  it('answers requests after the first from local counts and sends their sum at the next sync', async () => {
    const shared = countingShared();
    const store = createPreCountingStore(shared, { syncMs: 30 });
    const counts: number[] = [];
    for (let i = 0; i < 10; i++) counts.push((await store.hit('ip:1', MINUTE)).count);
    assert.deepEqual(counts, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(shared.calls, 1, 'only the first request of the window reached the shared store');
    await sleep(80);
    assert.equal(shared.calls, 2, 'one sync carried the other nine');
    assert.equal((await shared.hit('ip:1', MINUTE, 0)).count, 10);
    await store.close();
  });

  it('two instances over one shared store count every request, and learn the other’s at their next sync', async () => {
    const shared = countingShared();
    const a = createPreCountingStore(shared, { syncMs: 20 });
    const b = createPreCountingStore(shared, { syncMs: 20 });
    for (let i = 0; i < 5; i++) await a.hit('sub:x', MINUTE);
    for (let i = 0; i < 3; i++) await b.hit('sub:x', MINUTE);
    await sleep(70);
    assert.equal((await shared.hit('sub:x', MINUTE, 0)).count, 8, 'the shared store holds all eight');
    await a.hit('sub:x', MINUTE);
    await sleep(70);
    // a's sync of its ninth request answered the shared total: b's three are in it.
    assert.equal((await a.hit('sub:x', MINUTE)).count, 10);
    await a.close();
    await b.close();
  });

  it('starts a new window through the shared store once the old one has ended', async () => {
    const shared = countingShared();
    const store = createPreCountingStore(shared, { syncMs: 1000 });
    await store.hit('ip:2', 40);
    await store.hit('ip:2', 40);
    await sleep(60);
    const fresh = await store.hit('ip:2', 40);
    assert.equal(fresh.count, 1);
    assert.equal(shared.calls, 2);
    await store.close();
  });

  it('a first request fails when the shared store does (the limiter then fails open)', async () => {
    const broken: RateLimitStore = {
      kind: 'redis',
      hit: () => Promise.reject(new Error('down')),
      ping: () => Promise.reject(new Error('down')),
      close: () => Promise.resolve(),
    };
    const store = createPreCountingStore(broken, { syncMs: 20 });
    await assert.rejects(store.hit('ip:3', MINUTE), /down/);
    await store.close();
  });
});
