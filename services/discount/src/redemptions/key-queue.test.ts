import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createKeyQueue } from './key-queue.ts';

test('tasks of one key run one at a time, in arrival order; other keys run alongside; a failure does not block the queue', async () => {
  const q = createKeyQueue();
  const log: string[] = [];
  let running = 0;
  let most = 0;
  const task =
    (name: string, fail = false) =>
    async () => {
      running++;
      most = Math.max(most, running);
      log.push(`start ${name}`);
      await new Promise((r) => setImmediate(r));
      log.push(`end ${name}`);
      running--;
      if (fail) throw new Error(name);
      return name;
    };
  const results = await Promise.allSettled([
    q.run(['a'], task('1')),
    q.run(['a'], task('2', true)),
    q.run(['a', 'b'], task('3')),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.equal(most, 1);
  assert.deepEqual(log, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  const parallel: string[] = [];
  await Promise.all([
    q.run(['x'], async () => parallel.push('x')),
    q.run(['y'], async () => parallel.push('y')),
  ]);
  assert.equal(parallel.length, 2);
});
