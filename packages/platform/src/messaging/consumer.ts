import type { EventEnvelope } from '@mercato/contracts';
import { sql, type Transaction } from 'kysely';
import { runWithContext } from '../context/index.ts';
import { prepared, type Database } from '../db/database.ts';
import { createWriteBatcher } from '../db/write-batcher.ts';
import { storableJson, storableText } from '../db/sql-values.ts';
import { newId } from '../ids/index.ts';
import type { Logger } from '../logging/index.ts';
import type { ServiceMetrics } from '../metrics/index.ts';
import { inConsumerSpan } from '../telemetry/trace.ts';
import { RetryLater, type Delivery, type EventBus, type Subscription } from './bus.ts';

/** A service's subscription: which events, and what to do with one, inside a transaction. */
export interface EventHandlerSpec<DB = unknown> {
  /** Stable name; the durable consumer is `<service>-<name>`. */
  name: string;
  types: string[];
  handle(trx: Transaction<DB>, event: EventEnvelope): Promise<void>;
  /**
   * With `batch`: the new events of a batch (in delivery order, each not seen before) in one
   * call instead of one `handle` per event — statements for many events at once. Must do
   * what `handle` for each in turn would do (a failed batch reruns its events through
   * `handle`, one by one). Runs in the first event's context: events it writes carry that
   * event's correlation.
   */
  handleMany?(trx: Transaction<DB>, events: EventEnvelope[]): Promise<void>;
  /**
   * Checks an event before any handling (its data against its schema); an event it throws
   * on is parked as a dead letter at once with that error, without retries.
   */
  check?(event: EventEnvelope): void;
  /** Attempts before the event goes to the dead-letter table (default from the runtime). */
  maxAttempts?: number;
  concurrency?: number;
  /**
   * Most events applied in one transaction (default 1). Above 1, events delivered while a
   * transaction runs wait and go together in the next: one inbox statement and one commit
   * for many. A failing handler rolls its batch back and the batch's events are applied one
   * by one, so retries and dead letters stay per event. For handlers that only write to the
   * service's database (a call to another system would be repeated by that rerun).
   */
  batch?: number;
}

const toError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/** How retries back off; the defaults suit production, tests shorten them. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 60_000 };

/** Exponential back-off with full jitter on the upper half, so retries of many events spread out. */
export function retryDelay(attempt: number, policy: RetryPolicy): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (Math.random() * exp) / 2);
}

/** A consumer that can also re-run one event (dead-letter replay). */
export interface Consumer {
  readonly name: string;
  /** Applies the event once (inbox dedupe). Returns false when it had been applied before. */
  apply(event: EventEnvelope): Promise<boolean>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Binds a handler to the bus with the inbox pattern: the inbox row and the handler's
 * writes commit together, so a redelivered event (same id) is skipped; a failing handler
 * is retried with back-off and, after maxAttempts, parked in dead_letters and acked.
 */
export function createConsumer<DB>(
  service: string,
  database: Database<DB>,
  bus: EventBus,
  spec: EventHandlerSpec<DB>,
  deps: { logger: Logger; metrics?: ServiceMetrics; retry?: RetryPolicy },
): Consumer {
  const consumer = `${service}-${spec.name}`;
  const policy = {
    ...(deps.retry ?? defaultRetryPolicy),
    ...(spec.maxAttempts ? { maxAttempts: spec.maxAttempts } : {}),
  };
  const inbox = sql.id(database.schema, 'inbox');
  const deadLetters = sql.id(database.schema, 'dead_letters');
  let subscription: Subscription | undefined;

  /** Runs fn as the event's handling: in its consumer span and request context. */
  function asEvent<T>(event: EventEnvelope, fn: () => Promise<T>): Promise<T> {
    // With tracing on, the handler runs in a consumer span continuing the event's trace,
    // and the request context carries that span's traceparent (logs, events it writes).
    return inConsumerSpan({ event, consumer, system: bus.kind }, (traceparent) =>
      runWithContext({ correlationId: event.correlationId, traceparent, causationId: event.id }, fn),
    );
  }

  /**
   * Inserts the events' inbox rows; answers, per event, whether it is new (an event twice in
   * the list is inserted once: its second copy is a duplicate).
   */
  async function claim(trx: Transaction<DB>, events: readonly EventEnvelope[]): Promise<boolean[]> {
    const inserted = await prepared(
      sql<{ event_id: string }>`insert into ${inbox} (consumer, event_id)
        select ${consumer}, id from unnest(${events.map((e) => e.id)}::uuid[]) as u (id)
        on conflict do nothing returning event_id`,
    ).execute(trx);
    const fresh = new Set(inserted.rows.map((r) => r.event_id));
    return events.map((e) => fresh.delete(e.id));
  }

  async function apply(event: EventEnvelope): Promise<boolean> {
    spec.check?.(event);
    return asEvent(event, () =>
      database.transaction(async (trx) => {
        const [isNew] = await claim(trx, [event]);
        if (isNew) await spec.handle(trx, event);
        return isNew === true;
      }),
    );
  }

  /** Applies events in one transaction; when any fails, each alone (its error its own). */
  async function applyTogether(events: readonly EventEnvelope[]): Promise<Array<boolean | Error>> {
    const alone = async (): Promise<Array<boolean | Error>> => {
      const out: Array<boolean | Error> = [];
      for (const e of events) out.push(await apply(e).catch((err: unknown) => toError(err)));
      return out;
    };
    if (events.length === 1 && !spec.handleMany) return alone();
    try {
      return await database.transaction(async (trx) => {
        const isNew = await claim(trx, events);
        const todo = events.filter((_, i) => isNew[i]);
        if (spec.handleMany && todo.length > 0) {
          const { handleMany } = spec;
          await asEvent(todo[0]!, () => handleMany(trx, todo));
        } else {
          for (const e of todo) await asEvent(e, () => spec.handle(trx, e));
        }
        return isNew;
      });
    } catch {
      return alone();
    }
  }
  // One batch at a time: two batches of one consumer could lock the same rows in opposite orders.
  const batcher =
    (spec.batch ?? 1) > 1
      ? createWriteBatcher(applyTogether, { maxBatch: spec.batch, maxInFlight: 1 })
      : undefined;
  const applyNext = batcher ? (event: EventEnvelope) => batcher.submit(event) : apply;

  async function park(event: EventEnvelope, err: unknown, attempts: number): Promise<void> {
    // Storable whatever the event holds: a NUL in its data or in the error quoting it would
    // fail this insert too, and the event would be redelivered for ever instead of parked.
    const message = storableText(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    await sql`insert into ${deadLetters} (id, consumer, event_id, event_type, envelope, error, attempts)
      values (${newId()}, ${consumer}, ${event.id}, ${storableText(event.type)}, ${storableJson(event)}::jsonb, ${message}, ${attempts})
      on conflict (consumer, event_id) do update set error = excluded.error, attempts = excluded.attempts,
        created_at = now(), replayed_at = null`.execute(database.db);
    deps.metrics?.deadLetters.inc({ consumer });
    deps.logger.error(
      { consumer, eventId: event.id, eventType: event.type, attempts },
      'event dead-lettered',
    );
  }

  async function onDelivery(event: EventEnvelope, delivery: Delivery): Promise<void> {
    try {
      spec.check?.(event);
    } catch (err) {
      // A malformed event stays malformed: parked at once, naming what is wrong.
      deps.metrics?.consumerFailures.inc({ consumer });
      await park(event, err, delivery.attempt);
      return;
    }
    try {
      const applied = await applyNext(event);
      deps.metrics?.eventsHandled.inc({ consumer, outcome: applied ? 'applied' : 'duplicate' });
    } catch (err) {
      deps.metrics?.consumerFailures.inc({ consumer });
      if (delivery.attempt >= policy.maxAttempts) {
        await park(event, err, delivery.attempt);
        return;
      }
      deps.logger.warn(
        { err, consumer, eventId: event.id, attempt: delivery.attempt },
        'event handler failed, will retry',
      );
      throw new RetryLater(retryDelay(delivery.attempt, policy), err);
    }
  }

  return {
    name: consumer,
    apply,
    async start() {
      subscription = await bus.subscribe({
        durable: consumer,
        types: spec.types,
        handler: onDelivery,
        ...(spec.concurrency ? { concurrency: spec.concurrency } : {}),
      });
    },
    async stop() {
      await subscription?.stop();
      subscription = undefined;
    },
  };
}
