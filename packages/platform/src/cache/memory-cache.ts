import { LRUCache } from 'lru-cache';
import { assertTtl, type Cache } from './cache.ts';

/** Options for {@link createMemoryCache}. */
export interface MemoryCacheOptions {
  /** Least recently used entries are evicted beyond this (default 10,000). */
  maxEntries?: number;
  /**
   * Accepted for parity with the Redis adapter's configuration. Each memory cache has
   * its own store, so two of them are isolated whatever their namespaces.
   */
  namespace?: string;
}

// lru-cache refuses null/undefined values; the box lets callers cache `null`.
interface Box {
  value: unknown;
}

/**
 * An in-process LRU cache with a TTL per entry (embedded mode, tests).
 *
 * Values are stored as-is, not cloned: `get` returns the very object that was `set`.
 * Callers must treat cached values as immutable; mutating one changes what every other
 * reader sees (the Redis adapter would hand each reader its own copy, so code that
 * mutates would behave differently between the two modes).
 */
export function createMemoryCache(opts: MemoryCacheOptions = {}): Cache {
  const lru = new LRUCache<string, Box>({ max: opts.maxEntries ?? 10_000 });

  return {
    kind: 'memory',

    async get<T>(key: string): Promise<T | undefined> {
      return lru.get(key)?.value as T | undefined;
    },

    async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
      assertTtl(ttlMs);
      if (value === undefined) {
        lru.delete(key);
        return;
      }
      lru.set(key, { value }, { ttl: ttlMs });
    },

    async delete(key: string): Promise<void> {
      lru.delete(key);
    },

    async invalidatePrefix(prefix: string): Promise<number> {
      // Collect first: deleting while iterating the LRU's linked list would skip entries.
      // keys() already leaves expired entries out, so they are not counted.
      const doomed: string[] = [];
      for (const key of lru.keys()) {
        if (key.startsWith(prefix)) doomed.push(key);
      }
      let removed = 0;
      for (const key of doomed) {
        if (lru.delete(key)) removed++;
      }
      return removed;
    },

    async ping(): Promise<void> {},

    async close(): Promise<void> {
      lru.clear();
    },
  };
}
