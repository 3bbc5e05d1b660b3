import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cacheContract } from './cache.contract.ts';
import { createMemoryCache } from './memory-cache.ts';

cacheContract('memory', (namespace) => createMemoryCache({ namespace }));

describe('memory cache', () => {
  test('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = createMemoryCache({ maxEntries: 2 });
    await cache.set('a', 1, 60_000);
    await cache.set('b', 2, 60_000);
    await cache.get('a');
    await cache.set('c', 3, 60_000);
    assert.equal(await cache.get('a'), 1);
    assert.equal(await cache.get('b'), undefined);
    assert.equal(await cache.get('c'), 3);
  });

  test('returns the stored object itself (no clone), so callers must not mutate it', async () => {
    const cache = createMemoryCache();
    const value = { n: 1 };
    await cache.set('k', value, 60_000);
    assert.equal(await cache.get('k'), value);
  });

  test('expired entries are not counted by invalidatePrefix', async () => {
    const cache = createMemoryCache();
    await cache.set('p:old', 1, 20);
    await cache.set('p:new', 2, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(await cache.invalidatePrefix('p:'), 1);
  });
});
