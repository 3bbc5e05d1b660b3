import type { RateLimitHit, RateLimitStore } from './store.ts';

interface LocalWindow {
  /** The shared count as of the last answer from the shared store (all instances). */
  shared: number;
  /** Requests a sync has sent and the shared store has not answered yet. */
  inFlight: number;
  /** Requests counted here and not yet sent to the shared store. */
  pending: number;
  windowMs: number;
  endsAt: number;
}

/**
 * Counts in this process and sends the sums to a shared store every syncMs, instead of a
 * round trip to it per request. A caller's first request of a window still asks the
 * shared store (so the window and the other instances' count are known); requests that
 * arrive while that first answer is on its way wait for it; later requests are answered
 * from `shared + inFlight + pending` at once.
 *
 * The trade-off: between syncs an instance does not see the other instances' newest
 * requests, so with N gateways a caller can exceed its limit by at most what it sends
 * to the other N − 1 in one syncMs. A failed sync keeps its requests pending for the next.
 */
export function createPreCountingStore(shared: RateLimitStore, opts: { syncMs: number }): RateLimitStore {
  const windows = new Map<string, LocalWindow>();
  /** First requests of a window on their way to the shared store, by key. */
  const openings = new Map<string, Promise<RateLimitHit>>();
  let syncing: Promise<void> | undefined;

  const live = (key: string): LocalWindow | undefined => {
    const w = windows.get(key);
    return w !== undefined && w.endsAt > Date.now() ? w : undefined;
  };

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
      // Still counted while on their way: a request answered during the sync sees them.
      w.pending = 0;
      w.inFlight += n;
      sends.push(
        shared.hit(key, w.windowMs, n).then(
          (h) => {
            w.inFlight -= n;
            w.shared = h.count;
            w.endsAt = Date.now() + h.resetMs;
          },
          () => {
            w.inFlight -= n;
            w.pending += n;
          },
        ),
      );
    }
    await Promise.all(sends);
  }

  /** A window's first request, through the shared store; its answer opens the local window. */
  async function open(key: string, windowMs: number, requests: number): Promise<RateLimitHit> {
    const asked = shared.hit(key, windowMs, requests);
    openings.set(key, asked);
    try {
      const h = await asked;
      // Several openings can race when one failed and its waiters each asked again.
      const current = live(key);
      if (current) current.shared = Math.max(current.shared, h.count);
      else
        windows.set(key, {
          shared: h.count,
          inFlight: 0,
          pending: 0,
          windowMs,
          endsAt: Date.now() + h.resetMs,
        });
      return h;
    } finally {
      if (openings.get(key) === asked) openings.delete(key);
    }
  }

  const timer = setInterval(() => {
    syncing ??= sync().finally(() => (syncing = undefined));
  }, opts.syncMs);
  timer.unref();

  return {
    kind: shared.kind,
    async hit(key, windowMs, requests = 1) {
      let w = live(key);
      if (w === undefined) {
        const opening = openings.get(key);
        if (opening === undefined) return open(key, windowMs, requests);
        // Counted locally only once the shared count is known; if that first request
        // failed, this one asks the shared store itself.
        await opening.catch(() => undefined);
        w = live(key);
        if (w === undefined) return open(key, windowMs, requests);
      }
      w.pending += requests;
      return { count: w.shared + w.inFlight + w.pending, resetMs: w.endsAt - Date.now() };
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
