import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { createMemoryRateLimitStore } from './memory-store.ts';
import { createPreCountingStore } from './pre-counting-store.ts';
import type { RateLimitHit, RateLimitStore } from './store.ts';

const MINUTE = 60_000;

/**
 * A shared store that records how many calls reached it and, while held, keeps its
 * answers back until released (a slow Redis round trip, without waiting on the clock).
 */
function countingShared(): RateLimitStore & { calls: number; hold(): void; release(): void; held(): number } {
  const inner = createMemoryRateLimitStore();
  let gate: { promise: Promise<void>; open(): void } | undefined;
  let waiting = 0;
  const s = {
    kind: inner.kind,
    calls: 0,
    async hit(key: string, windowMs: number, requests?: number): Promise<RateLimitHit> {
      s.calls += 1;
      const answer = await inner.hit(key, windowMs, requests);
      if (gate) {
        waiting += 1;
        await gate.promise;
        waiting -= 1;
      }
      return answer;
    },
    hold() {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      gate = { promise, open };
    },
    release() {
      gate?.open();
      gate = undefined;
    },
    held: () => waiting,
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return s;
}

/** Lets promise callbacks (the shared store's answers) run; no timer involved. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** The store's sync timer and its clock are moved by the test. */
function mockClock(t: TestContext): (ms: number) => Promise<void> {
  t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: 1_000_000 });
  return async (ms) => {
    t.mock.timers.tick(ms);
    await settle();
  };
}

describe('pre-counting rate-limit store', () => {
  it('answers requests after the first from local counts and sends their sum at the next sync', async (t) => {
    const advance = mockClock(t);
    const shared = countingShared();
    const store = createPreCountingStore(shared, { syncMs: 30 });
    const counts: number[] = [];
    for (let i = 0; i < 10; i++) counts.push((await store.hit('ip:1', MINUTE)).count);
    assert.deepEqual(counts, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(shared.calls, 1, 'only the first request of the window reached the shared store');
    await advance(30);
    assert.equal(shared.calls, 2, 'one sync carried the other nine');
    assert.equal((await shared.hit('ip:1', MINUTE, 0)).count, 10);
    await store.close();
  });

  it('two instances over one shared store count every request, and learn the other’s at their next sync', async (t) => {
    const advance = mockClock(t);
    const shared = countingShared();
    const a = createPreCountingStore(shared, { syncMs: 20 });
    const b = createPreCountingStore(shared, { syncMs: 20 });
    for (let i = 0; i < 5; i++) await a.hit('sub:x', MINUTE);
    for (let i = 0; i < 3; i++) await b.hit('sub:x', MINUTE);
    await advance(20);
    assert.equal((await shared.hit('sub:x', MINUTE, 0)).count, 8, 'the shared store holds all eight');
    await a.hit('sub:x', MINUTE);
    await advance(20);
    // a's sync of its ninth request answered the shared total: b's three are in it.
    assert.equal((await a.hit('sub:x', MINUTE)).count, 10);
    await a.close();
    await b.close();
  });

  it('a request while a sync is on its way counts the requests that sync carries', async (t) => {
    const advance = mockClock(t);
    const shared = countingShared();
    const store = createPreCountingStore(shared, { syncMs: 50 });
    assert.equal((await store.hit('sub:y', MINUTE)).count, 1);
    assert.equal((await store.hit('sub:y', MINUTE)).count, 2);
    shared.hold();
    await advance(50);
    assert.equal(shared.held(), 1, 'the sync of the second request waits for its answer');
    assert.equal((await store.hit('sub:y', MINUTE)).count, 3);
    shared.release();
    await settle();
    assert.equal((await store.hit('sub:y', MINUTE)).count, 4);
    await advance(50);
    assert.equal((await shared.hit('sub:y', MINUTE, 0)).count, 4, 'the shared store holds all four');
    await store.close();
  });

  it('requests that arrive while the first one asks the shared store wait for it, then count locally', async (t) => {
    const advance = mockClock(t);
    const shared = countingShared();
    const store = createPreCountingStore(shared, { syncMs: 50 });
    shared.hold();
    const first = store.hit('sub:z', MINUTE);
    const second = store.hit('sub:z', MINUTE);
    const third = store.hit('sub:z', MINUTE);
    await settle();
    shared.release();
    assert.deepEqual(
      (await Promise.all([first, second, third])).map((h) => h.count),
      [1, 2, 3],
    );
    assert.equal(shared.calls, 1, 'one window opened, once');
    await advance(50);
    assert.equal((await shared.hit('sub:z', MINUTE, 0)).count, 3, 'the shared store holds all three');
    await store.close();
  });

  it('starts a new window through the shared store once the old one has ended', async (t) => {
    const advance = mockClock(t);
    const shared = countingShared();
    const store = createPreCountingStore(shared, { syncMs: 1000 });
    await store.hit('ip:2', 40);
    await store.hit('ip:2', 40);
    await advance(60);
    const fresh = await store.hit('ip:2', 40);
    assert.equal(fresh.count, 1);
    assert.equal(shared.calls, 2);
    await store.close();
  });

  it('a first request fails when the shared store does (the limiter then fails open)', async (t) => {
    mockClock(t);
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
