import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWriteBatcher } from './write-batcher.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('a lone command runs at once in a batch of its own', async () => {
  const batches: number[][] = [];
  const b = createWriteBatcher<number, number>(async (cs) => {
    batches.push([...cs]);
    return cs.map((c) => c * 2);
  });
  assert.equal(await b.submit(21), 42);
  assert.deepEqual(batches, [[21]]);
});

test('while maxInFlight batches run, later commands wait and go together in the next batch', async () => {
  const batches: number[][] = [];
  const gate = deferred();
  const b = createWriteBatcher<number, number>(
    async (cs) => {
      batches.push([...cs]);
      if (batches.length <= 2) await gate.promise;
      return [...cs];
    },
    { maxInFlight: 2, maxBatch: 100 },
  );
  const first = b.submit(1);
  await new Promise((r) => setImmediate(r));
  const second = b.submit(2);
  await new Promise((r) => setImmediate(r));
  const rest = [3, 4, 5, 6].map((n) => b.submit(n));
  await new Promise((r) => setImmediate(r));
  assert.equal(batches.length, 2, 'the third batch waits for a slot');
  gate.resolve();
  assert.deepEqual(await Promise.all([first, second, ...rest]), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(batches, [[1], [2], [3, 4, 5, 6]]);
});

test('maxBatch splits a queue into several batches', async () => {
  const sizes: number[] = [];
  const b = createWriteBatcher<number, number>(
    async (cs) => {
      sizes.push(cs.length);
      return [...cs];
    },
    { maxBatch: 3, maxInFlight: 1 },
  );
  await Promise.all(Array.from({ length: 7 }, (_, i) => b.submit(i)));
  assert.deepEqual(sizes, [3, 3, 1]);
});

test('an Error answered for one command fails that command only; a failed batch fails all of its commands', async () => {
  let fail = false;
  const b = createWriteBatcher<number, number>(async (cs) => {
    if (fail) throw new Error('database down');
    return cs.map((c) => (c < 0 ? new Error(`negative ${c}`) : c));
  });
  const [ok, bad] = await Promise.allSettled([b.submit(1), b.submit(-1)]);
  assert.deepEqual(ok, { status: 'fulfilled', value: 1 });
  assert.equal(bad.status, 'rejected');
  fail = true;
  const both = await Promise.allSettled([b.submit(2), b.submit(3)]);
  assert.deepEqual(
    both.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  fail = false;
  assert.equal(await b.submit(4), 4, 'the slots were given back');
});

test('while a batch runs, another starts only once as many commands wait as the last finished batch held', async () => {
  const started: number[][] = [];
  const gates = new Map<number, ReturnType<typeof deferred>>();
  const b = createWriteBatcher<number, number>(
    async (cs) => {
      started.push([...cs]);
      await gates.get(cs[0]!)?.promise;
      return [...cs];
    },
    { maxInFlight: 2, maxBatch: 100 },
  );
  const tick = () => new Promise((r) => setImmediate(r));
  await Promise.all([1, 2, 3].map((n) => b.submit(n))); // the last finished batch held 3
  gates.set(4, deferred());
  const four = b.submit(4);
  await tick();
  assert.deepEqual(started.at(-1), [4], 'none ran: a lone command starts at once');
  const fiveSix = [5, 6].map((n) => b.submit(n));
  await tick();
  await tick();
  assert.equal(started.length, 2, 'two waiting of three: they keep waiting while [4] runs');
  const seven = b.submit(7);
  await tick();
  assert.deepEqual(started, [[1, 2, 3], [4], [5, 6, 7]], 'three waiting: they start beside [4]');
  gates.get(4)!.resolve();
  assert.deepEqual(await Promise.all([four, ...fiveSix, seven]), [4, 5, 6, 7]);
});

test('when the running batch finishes, the commands waiting start whatever their number', async () => {
  const started: number[][] = [];
  const gate = deferred();
  const b = createWriteBatcher<number, number>(
    async (cs) => {
      started.push([...cs]);
      if (cs[0] === 4) await gate.promise;
      return [...cs];
    },
    { maxInFlight: 2 },
  );
  await Promise.all([1, 2, 3].map((n) => b.submit(n)));
  const four = b.submit(4);
  await new Promise((r) => setImmediate(r));
  const five = b.submit(5);
  await new Promise((r) => setImmediate(r));
  assert.equal(started.length, 2, '[5] waits: one command of the three the last batch held');
  gate.resolve();
  assert.deepEqual(await Promise.all([four, five]), [4, 5]);
  assert.deepEqual(started, [[1, 2, 3], [4], [5]]);
});

test('the next batch is on its way before the answers of the finished one are delivered', async () => {
  const events: string[] = [];
  const gate = deferred();
  const b = createWriteBatcher<number, number>(
    async (cs) => {
      // A driver's hops before the statement leaves (pool, compile, encode).
      for (let hop = 0; hop < 20; hop++) await null;
      events.push(`sent ${cs.join(',')}`);
      if (cs[0] === 1) await gate.promise;
      return [...cs];
    },
    { maxInFlight: 1 },
  );
  const first = b.submit(1).then(() => events.push('answered 1'));
  await new Promise((r) => setImmediate(r));
  const rest = [2, 3].map((n) => b.submit(n).then(() => events.push(`answered ${n}`)));
  await new Promise((r) => setImmediate(r));
  gate.resolve();
  await Promise.all([first, ...rest]);
  assert.deepEqual(events.slice(0, 2), ['sent 1', 'sent 2,3']);
  assert.deepEqual(events.slice(2).sort(), ['answered 1', 'answered 2', 'answered 3']);
});

test('a batch answering fewer results than commands fails each of its commands', async () => {
  const b = createWriteBatcher<number, number>(async (cs) => cs.slice(1));
  const outcomes = await Promise.allSettled([b.submit(1), b.submit(2)]);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['rejected', 'rejected'],
  );
});

test('with holdMs, commands fewer than the last batch wait for the rest while none runs, then go after holdMs', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const started: number[][] = [];
  const b = createWriteBatcher<number, number>(
    async (cs) => {
      started.push([...cs]);
      return [...cs];
    },
    { holdMs: 2 },
  );
  const tick = () => new Promise((r) => setImmediate(r));
  await Promise.all([1, 2, 3].map((n) => b.submit(n)));
  const four = b.submit(4);
  await tick();
  assert.equal(started.length, 1, 'one of three: it waits');
  const rest = [5, 6].map((n) => b.submit(n));
  await tick();
  assert.deepEqual(
    started,
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    'three waiting: they go at once, no timer',
  );
  await Promise.all([four, ...rest]);
  const seven = b.submit(7);
  await tick();
  assert.equal(started.length, 2, 'one of three again: it waits');
  t.mock.timers.tick(2);
  assert.equal(await seven, 7);
  assert.deepEqual(started.at(-1), [7], 'the hold over, it goes alone');
});
