import type { Logger } from 'pino';
import type { EventEnvelope } from '@mercato/contracts';
import {
  RetryLater,
  type EventBus,
  type ListenSpec,
  type Subscription,
  type SubscriptionSpec,
} from './bus.ts';

/** Options of the in-process bus. */
export interface MemoryBusOptions {
  /** Wait before redelivering after a plain rejection (default 1000 ms). */
  defaultRetryDelayMs?: number;
  logger?: Logger;
}

// Mirrors JetStream's default duplicate window so both adapters dedupe alike.
const DUPLICATE_WINDOW_MS = 2 * 60_000;
const DEDUPE_MAX_IDS = 100_000;
const DEFAULT_CONCURRENCY = 16;

/** A FIFO counting semaphore: FIFO so that concurrency 1 keeps publish order. */
export class Semaphore {
  #free: number;
  readonly #waiters: (() => void)[] = [];
  constructor(size: number) {
    this.#free = size;
  }
  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#free++;
  }
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The ids a subscription acked within the duplicate window, at most `max` of them. Every id
 * is kept for the same time, so insertion order is expiry order and the oldest leave first.
 * Grows with use: an LRU sized for 100,000 ids allocated its arrays up front, ~4 MB per
 * subscription, two dozen of them in an embedded platform that had received nothing yet.
 */
export class RecentIds {
  readonly #expires = new Map<string, number>();
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  constructor(max: number, ttlMs: number, now: () => number = Date.now) {
    this.#max = max;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }
  has(id: string): boolean {
    const until = this.#expires.get(id);
    return until !== undefined && until > this.#now();
  }
  add(id: string): void {
    const now = this.#now();
    this.#expires.delete(id);
    this.#expires.set(id, now + this.#ttlMs);
    for (const [oldest, until] of this.#expires) {
      if (this.#expires.size <= this.#max && until > now) break;
      this.#expires.delete(oldest);
    }
  }
  get size(): number {
    return this.#expires.size;
  }
}

interface MemorySubscription {
  spec: SubscriptionSpec;
  types: ReadonlySet<string>;
  semaphore: Semaphore;
  acked: RecentIds;
  /** A second publish of an event still being delivered joins the first delivery. */
  inflight: Map<string, Promise<void>>;
  abort: AbortController;
}

/**
 * The in-process bus of embedded mode. `publish` resolves only once every matching
 * subscription has acked the event (retries happen inside `publish`), so an outbox relay
 * may delete its row when `publish` resolves. Listeners are called within `publish` too,
 * before the durable subscriptions; `since` finds nothing to replay here.
 */
export function createMemoryBus(opts: MemoryBusOptions = {}): EventBus {
  const defaultDelay = opts.defaultRetryDelayMs ?? 1000;
  const log = opts.logger;
  const subs = new Set<MemorySubscription>();
  const listeners = new Set<{ spec: ListenSpec; types: ReadonlySet<string> }>();
  let closed = false;

  async function tell(spec: ListenSpec, json: string, event: EventEnvelope): Promise<void> {
    try {
      await spec.handler(JSON.parse(json) as EventEnvelope);
    } catch (err) {
      log?.warn({ err, eventId: event.id, type: event.type, listener: spec.name }, 'event listener failed');
    }
  }

  async function deliver(sub: MemorySubscription, json: string, event: EventEnvelope): Promise<void> {
    const { signal } = sub.abort;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted)
        throw new Error(`subscription ${sub.spec.durable} stopped before ack of ${event.id}`);
      await sub.semaphore.acquire();
      let delay = defaultDelay;
      try {
        if (signal.aborted) continue;
        // Each handler gets its own JSON copy, as over NATS: no shared mutation, no Dates.
        await sub.spec.handler(JSON.parse(json) as EventEnvelope, { attempt });
        sub.acked.add(event.id);
        return;
      } catch (err) {
        delay = err instanceof RetryLater ? err.delayMs : defaultDelay;
        log?.warn(
          { err, eventId: event.id, type: event.type, durable: sub.spec.durable, attempt, delayMs: delay },
          'event handler failed, will retry',
        );
      } finally {
        sub.semaphore.release();
      }
      await abortableSleep(delay, signal).catch(() => undefined);
    }
  }

  function deliverOnce(sub: MemorySubscription, json: string, event: EventEnvelope): Promise<void> {
    if (sub.acked.has(event.id)) return Promise.resolve();
    const running = sub.inflight.get(event.id);
    if (running) return running;
    const p = deliver(sub, json, event).finally(() => sub.inflight.delete(event.id));
    sub.inflight.set(event.id, p);
    return p;
  }

  // Waits for running handlers so a graceful shutdown does not cut one off mid-transaction.
  async function stopSub(sub: MemorySubscription): Promise<void> {
    subs.delete(sub);
    sub.abort.abort(new Error(`subscription ${sub.spec.durable} stopped`));
    await Promise.allSettled([...sub.inflight.values()]);
  }

  return {
    kind: 'memory',

    async publish(event) {
      if (closed) throw new Error('memory bus is closed');
      const targets = [...subs].filter((s) => s.types.has(event.type));
      const told = [...listeners].filter((l) => l.types.has(event.type));
      if (targets.length === 0 && told.length === 0) return;
      const json = JSON.stringify(event);
      await Promise.all(told.map((l) => tell(l.spec, json, event)));
      await Promise.all(targets.map((sub) => deliverOnce(sub, json, event)));
    },

    async subscribe(spec): Promise<Subscription> {
      if (closed) throw new Error('memory bus is closed');
      const sub: MemorySubscription = {
        spec,
        types: new Set(spec.types),
        semaphore: new Semaphore(Math.max(1, spec.concurrency ?? DEFAULT_CONCURRENCY)),
        acked: new RecentIds(DEDUPE_MAX_IDS, DUPLICATE_WINDOW_MS),
        inflight: new Map(),
        abort: new AbortController(),
      };
      subs.add(sub);
      return {
        stop: () => stopSub(sub),
      };
    },

    async listen(spec): Promise<Subscription> {
      if (closed) throw new Error('memory bus is closed');
      const listener = { spec, types: new Set(spec.types) };
      listeners.add(listener);
      return {
        stop: async () => {
          listeners.delete(listener);
        },
      };
    },

    async ping() {
      if (closed) throw new Error('memory bus is closed');
    },

    async close() {
      closed = true;
      listeners.clear();
      await Promise.all([...subs].map(stopSub));
    },
  };
}
