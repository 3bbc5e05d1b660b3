import type { RateLimitStore } from './store.ts';

interface LocalWindow {
  /** The shared count as of the last answer from the shared store (all instances). */
  shared: number;
  /** Requests counted here and not yet sent to the shared store. */
  pending: number;
  windowMs: number;
  endsAt: number;
}

/**
 * Counts in this process and sends the sums to a shared store every syncMs, instead of a
 * round trip to it per request. A caller's first request of a window still asks the
 * shared store (so the window and the other instances' count are known); later requests
 * are answered from `shared + pending` at once.
 *
 * The trade-off: between syncs an instance does not see the other instances' newest
 * requests, so with N gateways a caller can exceed its limit by at most what it sends
 * to the other N − 1 in one syncMs. A failed sync keeps its requests pending for the next.
 */
export function createPreCountingStore(shared: RateLimitStore, opts: { syncMs: number }): RateLimitStore {
  const windows = new Map<string, LocalWindow>();
  let syncing: Promise<void> | undefined;

  async function sync(): Promise<void> {
    const now = Date.now();
    const sends: Promise<void>[] = [];
    for (const [key, w] of windows) {
      if (w.endsAt <= now) {
        // Its requests count in a window that has ended: nothing to limit any more.
        windows.delete(key);
        continue;
      }
      if (w.pending === 0) continue;
      const n = w.pending;
      w.pending = 0;
      sends.push(
        shared.hit(key, w.windowMs, n).then(
          (h) => {
            w.shared = h.count;
            w.endsAt = Date.now() + h.resetMs;
          },
          () => {
            w.pending += n;
          },
        ),
      );
    }
    await Promise.all(sends);
  }

  const timer = setInterval(() => {
    syncing ??= sync().finally(() => (syncing = undefined));
  }, opts.syncMs);
  timer.unref();

  return {
    kind: shared.kind,
    async hit(key, windowMs, requests = 1) {
      const now = Date.now();
      const w = windows.get(key);
      if (w === undefined || w.endsAt <= now) {
        const h = await shared.hit(key, windowMs, requests);
        // Requests that raced this first one may have made a window meanwhile: keep theirs.
        const current = windows.get(key);
        if (current && current.endsAt > now) current.shared = Math.max(current.shared, h.count);
        else windows.set(key, { shared: h.count, pending: 0, windowMs, endsAt: Date.now() + h.resetMs });
        return h;
      }
      w.pending += requests;
      return { count: w.shared + w.pending, resetMs: w.endsAt - now };
    },
    ping: () => shared.ping(),
    async close() {
      clearInterval(timer);
      await syncing;
      await sync();
      await shared.close();
    },
  };
}
