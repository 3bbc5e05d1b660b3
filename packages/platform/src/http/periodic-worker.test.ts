import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureLogger, waitFor } from '@mercato/testing';
import { createPeriodicWorker } from './periodic-worker.ts';

test('rounds run every interval, never two at once; a failed round is logged and the next one runs', async () => {
  const { logger, logs } = captureLogger('periodic-test');
  let rounds = 0;
  let running = 0;
  let overlapped = false;
  const worker = createPeriodicWorker({
    name: 'test-job',
    intervalMs: 5,
    logger,
    async run() {
      running++;
      overlapped ||= running > 1;
      rounds++;
      await new Promise((r) => setTimeout(r, 10));
      running--;
      if (rounds === 2) throw new Error('boom');
    },
  });
  worker.start();
  await waitFor(() => rounds >= 4, 3000, 'four rounds');
  await worker.stop();
  const after = rounds;
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(rounds, after, 'no round after stop');
  assert.equal(overlapped, false);
  assert.match(logs.text(), /test-job: round failed/);
});

test('stop and flush run the drain when one is given; flush without one runs a round', async () => {
  const { logger } = captureLogger('periodic-test');
  const calls: string[] = [];
  const draining = createPeriodicWorker({
    name: 'drained',
    intervalMs: 60_000,
    logger,
    run: async () => void calls.push('run'),
    drain: async () => void calls.push('drain'),
  });
  draining.start();
  await draining.flush?.();
  await draining.stop();
  assert.deepEqual(calls, ['drain', 'drain']);

  const plain = createPeriodicWorker({
    name: 'plain',
    intervalMs: 60_000,
    logger,
    run: async () => void calls.push('run'),
  });
  await plain.flush?.();
  await plain.stop();
  assert.deepEqual(calls, ['drain', 'drain', 'run']);
});
