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
