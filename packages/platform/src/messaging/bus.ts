import type { EventEnvelope } from '@mercato/contracts';

/** What a bus subscriber sees of one delivery. */
export interface Delivery {
  /** 1 on the first delivery of this event to this consumer, 2 on the first redelivery, … */
  attempt: number;
}

/**
 * Thrown (or returned as rejection) by a bus handler to ask for redelivery after a delay.
 * Any other error also leads to redelivery, after the adapter's default delay.
 */
export class RetryLater extends Error {
  readonly delayMs: number;
  constructor(delayMs: number, cause?: unknown) {
    super(`retry in ${delayMs} ms`, { cause });
    this.name = 'RetryLater';
    this.delayMs = delayMs;
  }
}

/** A durable subscription: one per service and subscription name. */
export interface SubscriptionSpec {
  /** Durable consumer name, unique per service+subscription, e.g. `inventory-product-events`. */
  durable: string;
  /** Event types to receive, e.g. ['product.created', 'product.deactivated']. */
  types: string[];
  /** Resolves → ack. Rejects → redelivery (after RetryLater.delayMs when given). */
  handler: (event: EventEnvelope, delivery: Delivery) => Promise<void>;
  /** How many deliveries may be in progress at once for this subscription (default 16). */
  concurrency?: number;
}

/**
 * A listener: a subscription of this process alone, with no durable state, no inbox and no
 * acknowledgement, for state every process keeps for itself (a cache to invalidate, a
 * deny-list). Every listener of every process gets every event of its types, unlike a
 * durable subscription, whose events are shared among a service's replicas.
 */
export interface ListenSpec {
  /** Names the listener in logs (and its JetStream consumers). */
  name: string;
  /** Event types to receive. */
  types: string[];
  /**
   * Hand over first what the bus stored since then (JetStream; the in-process bus keeps
   * nothing), so a process that starts late rebuilds its state; `listen` resolves once it
   * is through what was stored when it began. Without it, only events published from now on.
   */
  since?: Date;
  /**
   * Called once per event (at most once: no retry, no redelivery), in publish order per
   * event type; across types no order is promised. A throw or rejection is logged.
   */
  handler: (event: EventEnvelope) => void | Promise<void>;
}

/** An envelope as JSON text with the fields a bus routes and dedupes by. */
export interface EncodedEvent {
  id: string;
  type: string;
  body: string;
}

/** A running subscription. */
export interface Subscription {
  stop(): Promise<void>;
}

/**
 * The port every bus adapter implements: in-process (embedded mode) and NATS
 * JetStream (distributed mode). Delivery is at least once; handlers must be idempotent
 * (the kit's consumer dedupes by event id in the inbox table).
 */
export interface EventBus {
  readonly kind: 'memory' | 'nats';
  /** Resolves once the broker has stored the event (JetStream ack). Dedupes by event id. */
  publish(event: EventEnvelope): Promise<void>;
  /**
   * The same for an envelope already in its JSON text (as the outbox holds it), when the
   * adapter can send the text as it is; the relay uses it when present.
   */
  publishEncoded?(event: EncodedEvent): Promise<void>;
  subscribe(spec: SubscriptionSpec): Promise<Subscription>;
  /** Starts a listener (see ListenSpec): every process gets every event, nothing is acknowledged. */
  listen(spec: ListenSpec): Promise<Subscription>;
  /** Throws when the broker is unreachable (used by /health/ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
