import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { busContract, sleep, testEvent } from './bus.contract.ts';
import { RetryLater } from './bus.ts';
import { createMemoryBus, RecentIds } from './memory-bus.ts';

busContract('memory bus', async () => createMemoryBus({ defaultRetryDelayMs: 100 }), { settleMs: 150 });

describe('memory bus: publish completes delivery', () => {
  test('publish resolves only after every matching handler has acked, retries included', async () => {
    const bus = createMemoryBus({ defaultRetryDelayMs: 20 });
    const done: string[] = [];
    await bus.subscribe({
      durable: 'slow',
      types: ['mem.done'],
      handler: async () => {
        await sleep(50);
        done.push('slow');
      },
    });
    await bus.subscribe({
      durable: 'flaky',
      types: ['mem.done'],
      handler: async (_e, d) => {
        if (d.attempt === 1) throw new Error('first try fails');
        done.push('flaky');
      },
    });
    await bus.publish(testEvent('mem.done', {}));
    assert.deepEqual(done.sort(), ['flaky', 'slow']);
    await bus.close();
  });

  test('publish without subscribers of the type resolves at once', async () => {
    const bus = createMemoryBus();
    let called = 0;
    await bus.subscribe({ durable: 'x', types: ['mem.other'], handler: async () => void called++ });
    const started = Date.now();
    await bus.publish(testEvent('mem.nobody', {}));
    assert.ok(Date.now() - started < 50);
    assert.equal(called, 0);
    await bus.close();
  });

  test('a concurrent second publish of the same id joins the running delivery', async () => {
    const bus = createMemoryBus();
    let called = 0;
    await bus.subscribe({
      durable: 'once',
      types: ['mem.twice'],
      handler: async () => {
        called++;
        await sleep(30);
      },
    });
    const e = testEvent('mem.twice', {});
    await Promise.all([bus.publish(e), bus.publish(e)]);
    assert.equal(called, 1);
    await bus.close();
  });

  test('publish rejects when the subscription stops before the event is acked, so the outbox keeps it', async () => {
    const bus = createMemoryBus();
    let called = 0;
    const sub = await bus.subscribe({
      durable: 'stopping',
      types: ['mem.stop'],
      handler: async () => {
        called++;
        throw new RetryLater(10_000);
      },
    });
    const publishing = bus.publish(testEvent('mem.stop', {}));
    await sleep(20);
    await sub.stop();
    await assert.rejects(publishing, /stopped/);
    assert.equal(called, 1);
    await bus.close();
  });

  test('an event acked within the duplicate window is not redelivered even after other events', async () => {
    const bus = createMemoryBus();
    const seen: string[] = [];
    await bus.subscribe({ durable: 'd', types: ['mem.dup'], handler: async (e) => void seen.push(e.id) });
    const a = testEvent('mem.dup', {});
    const b = testEvent('mem.dup', {});
    await bus.publish(a);
    await bus.publish(b);
    await bus.publish(a);
    assert.deepEqual(seen, [a.id, b.id]);
    await bus.close();
  });
});

describe('memory bus: the ids remembered for deduplication', () => {
  test('an id is remembered for the window only, and beyond max the oldest is forgotten first', () => {
    let now = 1_000;
    const ids = new RecentIds(3, 100, () => now);
    ids.add('a');
    now += 50;
    ids.add('b');
    ids.add('c');
    assert.equal(ids.has('a'), true);
    now += 50; // a's window is over, b's and c's are not
    assert.equal(ids.has('a'), false);
    assert.equal(ids.has('b'), true);
    ids.add('d'); // the expired a leaves as d comes
    assert.equal(ids.size, 3);
    ids.add('e'); // over max: the oldest, b, leaves though still in its window
    assert.equal(ids.size, 3);
    assert.deepEqual(
      ['b', 'c', 'd', 'e'].map((id) => ids.has(id)),
      [false, true, true, true],
    );
  });
});
