import type { RateLimitHit, RateLimitStore } from './store.ts';

interface Window {
  count: number;
  endsAt: number;
}

/**
 * Counters in this process (embedded mode, tests): a Map of fixed windows. Expired
 * windows are swept once per sweepMs, so memory stays proportional to the callers seen
 * in the last window, not to every caller ever seen.
 */
export function createMemoryRateLimitStore(opts: { sweepMs?: number } = {}): RateLimitStore {
  const windows = new Map<string, Window>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, w] of windows) if (w.endsAt <= now) windows.delete(key);
  }, opts.sweepMs ?? 60_000);
  sweep.unref();

  return {
    kind: 'memory',
    hit(key: string, windowMs: number, requests = 1): Promise<RateLimitHit> {
      const now = Date.now();
      let w = windows.get(key);
      if (w === undefined || w.endsAt <= now) {
        w = { count: 0, endsAt: now + windowMs };
        windows.set(key, w);
      }
      w.count += requests;
      return Promise.resolve({ count: w.count, resetMs: w.endsAt - now });
    },
    ping: () => Promise.resolve(),
    close() {
      clearInterval(sweep);
      windows.clear();
      return Promise.resolve();
    },
  };
}
