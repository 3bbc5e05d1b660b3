import { randomBytes } from 'node:crypto';
import type { Random } from './random.ts';
import { signPayload, SIGNATURE_HEADER } from './signature.ts';

/** A PSP event as its webhooks carry it (Stripe's shape). */
export interface PspEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  livemode: false;
  data: { object: Record<string, unknown> };
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  secret: string;
}

/** One delivery attempt, kept for GET /v1/test_helpers/webhook_deliveries. */
export interface DeliveryRecord {
  eventId: string;
  type: string;
  endpointId: string;
  attempt: number;
  duplicate: boolean;
  status: number | null;
  error: string | null;
  at: string;
}

export interface WebhookOptions {
  /** The header the signature travels in (default the PSP's `psp-signature`; the carrier has its own). */
  signatureHeader?: string;
  /** Who the deliveries say they come from. */
  userAgent?: string;
  /** Chance that an event is delivered a second time (a PSP's at-least-once delivery). */
  duplicateRate: number;
  /** Each first delivery waits a random 0..maxDelayMs, so events close together may arrive out of order. */
  maxDelayMs: number;
  /** Attempts per delivery before giving up (non-2xx answers and network errors are retried). */
  maxAttempts: number;
  /** First retry's wait; doubled each time. */
  retryBaseMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
}

/**
 * Sends every event to every endpoint, signed (HMAC with timestamp), with a random delay,
 * sometimes twice, retrying failures with exponential back-off. Decisions come from the
 * seeded random source; `idle()` resolves when nothing is pending.
 */
export function createWebhookSender(random: Random, opts: WebhookOptions, now: () => number = Date.now) {
  const endpoints = new Map<string, WebhookEndpoint>();
  const deliveries: DeliveryRecord[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let pending = 0;
  let idleWaiters: Array<() => void> = [];
  let closed = false;

  function settle(): void {
    pending--;
    if (pending === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  function later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  }

  async function attempt(ep: WebhookEndpoint, event: PspEvent, n: number, duplicate: boolean): Promise<void> {
    if (closed) return settle();
    const payload = JSON.stringify(event);
    const record: DeliveryRecord = {
      eventId: event.id,
      type: event.type,
      endpointId: ep.id,
      attempt: n,
      duplicate,
      status: null,
      error: null,
      at: new Date(now()).toISOString(),
    };
    deliveries.push(record);
    try {
      const res = await fetch(ep.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [opts.signatureHeader ?? SIGNATURE_HEADER]: signPayload(
            ep.secret,
            payload,
            Math.floor(now() / 1000),
          ),
          'user-agent': opts.userAgent ?? 'mercato-psp-simulator/1.0',
        },
        body: payload,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      record.status = res.status;
      await res.body?.cancel();
      if (res.ok) return settle();
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    }
    if (n >= opts.maxAttempts || closed) return settle();
    later(opts.retryBaseMs * 2 ** (n - 1), () => void attempt(ep, event, n + 1, duplicate));
  }

  function schedule(ep: WebhookEndpoint, event: PspEvent, duplicate: boolean, delayMs: number): void {
    pending++;
    later(delayMs, () => void attempt(ep, event, 1, duplicate));
  }

  return {
    endpoints,
    deliveries,
    addEndpoint(url: string, secret?: string): WebhookEndpoint {
      const ep = {
        id: `we_${randomBytes(12).toString('hex')}`,
        url,
        secret: secret ?? `whsec_${randomBytes(24).toString('hex')}`,
      };
      endpoints.set(ep.id, ep);
      return ep;
    },
    /** Queues an event for every endpoint (delays and duplicates drawn from the seeded source). */
    send(event: PspEvent): void {
      for (const ep of endpoints.values()) {
        schedule(ep, event, false, opts.maxDelayMs > 0 ? random.int(opts.maxDelayMs + 1) : 0);
        if (random.next() < opts.duplicateRate) {
          schedule(ep, event, true, opts.maxDelayMs > 0 ? random.int(opts.maxDelayMs + 1) : 0);
        }
      }
    },
    /** Sends an event again at once (test helper: a late redelivery). */
    resend(event: PspEvent): void {
      for (const ep of endpoints.values()) schedule(ep, event, true, 0);
    },
    idle(): Promise<void> {
      return pending === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r));
    },
    close(): void {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      pending = 0;
      for (const w of idleWaiters) w();
      idleWaiters = [];
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
