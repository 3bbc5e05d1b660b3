/**
 * The cache port: in memory in embedded mode, Redis in distributed mode. A cache is an
 * optimisation, never the source of truth: every value must be reloadable.
 *
 * Values must be JSON-serialisable (the Redis adapter stores JSON). `undefined` means
 * "absent", so it cannot be stored: `set(key, undefined)` deletes the key. Store `null`
 * to cache a known absence.
 */
export interface Cache {
  readonly kind: 'memory' | 'redis';
  /** The value, or undefined when absent or expired. */
  get<T>(key: string): Promise<T | undefined>;
  /** Stores value for ttlMs (a positive, finite number of milliseconds). */
  set<T>(key: string, value: T, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Removes every key starting with prefix; resolves to how many were removed. */
  invalidatePrefix(prefix: string): Promise<number>;
  /** Throws when the backing store is unreachable (used by /health/ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Throws a RangeError unless ttlMs is usable by both adapters. */
export function assertTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`cache ttlMs must be a positive finite number, got ${ttlMs}`);
  }
}

/** Options for {@link getOrLoad}. */
export interface GetOrLoadOptions {
  /**
   * Called when the cache itself fails (e.g. Redis down). The load still happens: a
   * broken cache degrades to a pass-through instead of failing the request.
   */
  onCacheError?: (err: unknown, op: 'get' | 'set') => void;
}

// Keyed by cache instance so two caches (two namespaces) never share a flight.
const flights = new WeakMap<Cache, Map<string, Promise<unknown>>>();

/**
 * Returns the cached value of key, or loads, stores and returns it. Concurrent calls
 * for the same cache and key in this process share one lookup and one load
 * (single-flight), so a cold hot key hits the loader once, not once per request.
 * A loader that rejects rejects every waiter and caches nothing; a loader that
 * resolves to undefined is not cached.
 */
export function getOrLoad<T>(
  cache: Cache,
  key: string,
  ttlMs: number,
  load: () => Promise<T>,
  opts: GetOrLoadOptions = {},
): Promise<T> {
  assertTtl(ttlMs);
  let byKey = flights.get(cache);
  if (!byKey) {
    byKey = new Map();
    flights.set(cache, byKey);
  }
  const inFlight = byKey.get(key);
  if (inFlight) return inFlight as Promise<T>;

  // The lookup is part of the flight: registering only after a miss would let every
  // caller that arrives during the lookup's round trip start its own load.
  const flight = lookupOrLoad(cache, key, ttlMs, load, opts);
  const map = byKey;
  map.set(key, flight);
  const forget = () => {
    if (map.get(key) === flight) map.delete(key);
  };
  flight.then(forget, forget);
  return flight;
}

async function lookupOrLoad<T>(
  cache: Cache,
  key: string,
  ttlMs: number,
  load: () => Promise<T>,
  opts: GetOrLoadOptions,
): Promise<T> {
  try {
    const hit = await cache.get<T>(key);
    if (hit !== undefined) return hit;
  } catch (err) {
    opts.onCacheError?.(err, 'get');
  }
  const value = await load();
  if (value !== undefined) {
    try {
      await cache.set(key, value, ttlMs);
    } catch (err) {
      opts.onCacheError?.(err, 'set');
    }
  }
  return value;
}
