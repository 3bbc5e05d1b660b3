import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newId } from './index.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('newId gives distinct UUIDv7s in increasing order, past many refills of its random pool', () => {
  const ids = Array.from({ length: 20_000 }, () => newId());
  for (const id of ids) assert.match(id, V7);
  assert.equal(new Set(ids).size, ids.length);
  const sorted = [...ids].sort();
  assert.deepEqual(sorted, ids, 'generated in increasing order');
  // The first 48 bits are the clock's milliseconds.
  const ms = parseInt(ids.at(-1)!.replace(/-/g, '').slice(0, 12), 16);
  assert.ok(Math.abs(ms - Date.now()) < 5_000, `timestamp ${ms} near now`);
});
