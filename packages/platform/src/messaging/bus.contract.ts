import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { EventEnvelope } from '@mercato/contracts';
import { newId } from '../ids/index.ts';
import { RetryLater, type Delivery, type EventBus, type SubscriptionSpec } from './bus.ts';

/** Options of the bus contract suite. */
export interface BusContractOptions {
  /** Skip reason (from `needs()`), or false to run. */
  skip?: string | false;
  /**
   * Domain of every event type the suite uses. Pass a fresh one per run for a broker that
   * keeps streams, so a rerun never sees old messages; the caller deletes it afterwards.
   */
  domain?: string;
  /** How long to wait for deliveries that must NOT happen (default 400 ms). */
  settleMs?: number;
}

/** Builds an envelope of `type` with `data`; `id` defaults to a new UUIDv7. */
export function testEvent<T>(type: string, data: T, id: string = newId()): EventEnvelope<T> {
  return {
    id,
    type,
    version: 1,
    source: 'bus-contract',
    time: new Date().toISOString(),
    subject: 'agg-1',
    correlationId: newId(),
    data,
  };
}

/** Polls `predicate` until it holds; fails with `what` after `timeoutMs`. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await sleep(10);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Received {
  event: EventEnvelope;
  delivery: Delivery;
  at: number;
}

/**
 * The behaviour every EventBus adapter must show. `makeBus` must return a fresh bus whose
 * default retry delay is short (about 100 ms).
 */
export function busContract(
  name: string,
  makeBus: () => Promise<EventBus>,
  opts: BusContractOptions = {},
): void {
  const domain = opts.domain ?? 'contract';
  const settle = () => sleep(opts.settleMs ?? 400);
  let seq = 0;
  // Each test gets its own types and durables: no test sees another's events.
  const fresh = (label: string) => {
    seq++;
    return { type: `${domain}.${label}_${seq}`, durable: `contract-${domain}-${label}-${seq}` };
  };

  describe(`${name}: EventBus contract`, { skip: opts.skip ?? false }, () => {
    let bus: EventBus;
    beforeEach(async () => {
      bus = await makeBus();
    });
    afterEach(async () => {
      await bus.close();
    });

    const record = async (
      spec: Omit<SubscriptionSpec, 'handler'>,
      onEvent?: (r: Received) => Promise<void>,
    ) => {
      const got: Received[] = [];
      const sub = await bus.subscribe({
        ...spec,
        handler: async (event, delivery) => {
          const r = { event, delivery, at: Date.now() };
          got.push(r);
          await onEvent?.(r);
        },
      });
      return { got, sub };
    };

    test('a published event reaches every subscriber of its type exactly once, and no other', async () => {
      const x = fresh('fanout');
      const y = fresh('other');
      const a = await record({ durable: `${x.durable}-a`, types: [x.type] });
      const b = await record({ durable: `${x.durable}-b`, types: [x.type, y.type] });
      const c = await record({ durable: `${y.durable}-c`, types: [y.type] });
      const e = testEvent(x.type, { n: 1 });
      await bus.publish(e);
      await eventually(() => a.got.length >= 1 && b.got.length >= 1, 'both subscribers of the type');
      await settle();
      assert.deepEqual(
        [a.got.length, b.got.length, c.got.length],
        [1, 1, 0],
        'one delivery to each subscriber of the type, none to others',
      );
      assert.deepEqual(a.got[0]?.event, e);
      assert.equal(a.got[0]?.delivery.attempt, 1);
    });

    test('a handler that rejects twice then succeeds is delivered 3 times (attempt 1, 2, 3), then not again', async () => {
      const t = fresh('retry');
      const s = await record({ durable: t.durable, types: [t.type] }, async (r) => {
        if (r.delivery.attempt < 3) throw new Error(`boom ${r.delivery.attempt}`);
      });
      await bus.publish(testEvent(t.type, {}));
      await eventually(() => s.got.length >= 3, 'three deliveries');
      await settle();
      assert.deepEqual(
        s.got.map((r) => r.delivery.attempt),
        [1, 2, 3],
      );
    });

    test('RetryLater delays the redelivery by about its delayMs', async () => {
      const t = fresh('later');
      const s = await record({ durable: t.durable, types: [t.type] }, async (r) => {
        if (r.delivery.attempt === 1) throw new RetryLater(600);
      });
      await bus.publish(testEvent(t.type, {}));
      await eventually(() => s.got.length >= 2, 'the redelivery');
      const gap = (s.got[1]?.at ?? 0) - (s.got[0]?.at ?? 0);
      assert.ok(gap >= 450, `redelivered after ${gap} ms, expected about 600 ms`);
      assert.ok(gap < 3000, `redelivered after ${gap} ms, expected about 600 ms`);
    });

    test('publishing the same event id twice delivers it once (dedupe window)', async () => {
      const t = fresh('dedupe');
      const s = await record({ durable: t.durable, types: [t.type] });
      const e = testEvent(t.type, { n: 1 });
      const other = testEvent(t.type, { n: 2 });
      await bus.publish(e);
      await bus.publish({ ...e });
      await bus.publish(other);
      await eventually(() => s.got.length >= 2, 'two distinct events');
      await settle();
      assert.deepEqual(s.got.map((r) => r.event.id).sort(), [e.id, other.id].sort());
    });

    test('with concurrency N, at most N handlers run at once (and N do)', async () => {
      const t = fresh('conc');
      const n = 3;
      let running = 0;
      let max = 0;
      const s = await record({ durable: t.durable, types: [t.type], concurrency: n }, async () => {
        running++;
        max = Math.max(max, running);
        await sleep(80);
        running--;
      });
      await Promise.all(Array.from({ length: 10 }, (_, i) => bus.publish(testEvent(t.type, { i }))));
      await eventually(() => s.got.length >= 10, 'all ten events');
      assert.equal(max, n, `max in flight was ${max}`);
    });

    test('with concurrency 1, events published in order are handled in order', async () => {
      const t = fresh('order');
      const s = await record({ durable: t.durable, types: [t.type], concurrency: 1 });
      for (let i = 0; i < 10; i++) await bus.publish(testEvent(t.type, { i }));
      await eventually(() => s.got.length >= 10, 'all ten events');
      assert.deepEqual(
        s.got.map((r) => (r.event.data as { i: number }).i),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
    });

    test('after stop() a subscription receives nothing more', async () => {
      const t = fresh('stop');
      const s = await record({ durable: t.durable, types: [t.type] });
      await bus.publish(testEvent(t.type, { n: 1 }));
      await eventually(() => s.got.length >= 1, 'the first event');
      await s.sub.stop();
      await bus.publish(testEvent(t.type, { n: 2 }));
      await settle();
      assert.equal(s.got.length, 1);
    });

    test('every listener of a type gets each event once (listeners are not shared like a durable), no other type; stop() ends it', async () => {
      const t = fresh('listen');
      const other = fresh('unheard');
      const a: EventEnvelope[] = [];
      const b: EventEnvelope[] = [];
      const la = await bus.listen({
        name: `${t.durable}-a`,
        types: [t.type],
        handler: (e) => void a.push(e),
      });
      await bus.listen({
        name: `${t.durable}-b`,
        types: [t.type, other.type],
        handler: (e) => void b.push(e),
      });
      const first = testEvent(t.type, { n: 1 });
      await bus.publish(first);
      await bus.publish(testEvent(t.type, { n: 2 }));
      await eventually(() => a.length >= 2 && b.length >= 2, 'both listeners, both events');
      await la.stop();
      await bus.publish(testEvent(t.type, { n: 3 }));
      await eventually(() => b.length >= 3, 'the third event at the listener still running');
      await settle();
      assert.deepEqual(
        a.map((e) => (e.data as { n: number }).n),
        [1, 2],
      );
      assert.deepEqual(
        b.map((e) => (e.data as { n: number }).n),
        [1, 2, 3],
      );
      assert.deepEqual(a[0], first);
    });

    test('a listener that throws is not called again for that event, and later events still reach it', async () => {
      const t = fresh('listenfail');
      const seen: number[] = [];
      await bus.listen({
        name: t.durable,
        types: [t.type],
        handler: (e) => {
          const n = (e.data as { n: number }).n;
          seen.push(n);
          if (n === 1) throw new Error('listener failed');
        },
      });
      await bus.publish(testEvent(t.type, { n: 1 }));
      await bus.publish(testEvent(t.type, { n: 2 }));
      await eventually(() => seen.length >= 2, 'both events');
      await settle();
      assert.deepEqual(seen, [1, 2]);
    });

    test('ping resolves while open; after close, ping and publish reject', async () => {
      await bus.ping();
      await bus.close();
      await assert.rejects(bus.ping());
      await assert.rejects(bus.publish(testEvent(fresh('closed').type, {})));
    });
  });
}
