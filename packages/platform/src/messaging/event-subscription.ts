import type { EventEnvelope, EventType, TypedEvent } from '@mercato/contracts';
import type { Transaction } from 'kysely';
import type { EventHandlerSpec } from './consumer.ts';
import { checkEventData } from './event-schemas.ts';

/** A handler per event type, given the event with its data typed (and checked) by its schema. */
export type EventHandlers<DB> = {
  [T in EventType]?: (trx: Transaction<DB>, event: TypedEvent<T>) => Promise<void>;
};

/** A handler per event type for several events of that type at once (see EventSubscription.onMany). */
export type EventBatchHandlers<DB> = {
  [T in EventType]?: (trx: Transaction<DB>, events: Array<TypedEvent<T>>) => Promise<void>;
};

/**
 * A service's subscription: the event types it handles, each with its handler, inside a
 * transaction with the consumer's inbox row. Every event's data is checked against its
 * registered schema on receipt: one that does not match is parked as a dead letter at once,
 * naming the field (retrying would not change it), instead of reaching a handler.
 */
export interface EventSubscription<DB> {
  /** Stable name; the durable consumer is `<service>-<name>`. */
  name: string;
  on: EventHandlers<DB>;
  /**
   * With `batch`: consecutive new events of one type in one call instead of one `on` call
   * each — statements for many events at once. Must do what `on` for each in turn would do
   * (a failed batch reruns its events through `on`, one by one).
   */
  onMany?: EventBatchHandlers<DB>;
  /** Attempts before the event goes to the dead-letter table (default from the runtime). */
  maxAttempts?: number;
  concurrency?: number;
  /**
   * Most events applied in one transaction (default 1); for handlers that only write to the
   * service's database (a batch that fails is rerun event by event).
   */
  batch?: number;
}

type Handler<DB> = (trx: Transaction<DB>, event: EventEnvelope) => Promise<void>;
type BatchHandler<DB> = (trx: Transaction<DB>, events: EventEnvelope[]) => Promise<void>;

/** The kit consumer's spec of a typed subscription (validation on receipt, dispatch by type). */
export function subscriptionSpec<DB>(sub: EventSubscription<DB>): EventHandlerSpec<DB> {
  // The maps are keyed by type; each handler is only ever given events of its own key.
  const on = sub.on as Record<string, Handler<DB> | undefined>;
  const onMany = sub.onMany as Record<string, BatchHandler<DB> | undefined> | undefined;
  const types = Object.keys(on).filter((t) => on[t] !== undefined);
  const handlerOf = (event: EventEnvelope): Handler<DB> => {
    const handler = on[event.type];
    if (!handler) throw new Error(`${sub.name} has no handler for ${event.type}`);
    return handler;
  };
  return {
    name: sub.name,
    types,
    check: (event) => checkEventData(event.type, event.version, event.data),
    handle: (trx, event) => handlerOf(event)(trx, event),
    ...(onMany && {
      async handleMany(trx, events) {
        // Runs of one type keep the delivery order across types.
        let start = 0;
        while (start < events.length) {
          const type = events[start]!.type;
          let end = start + 1;
          while (end < events.length && events[end]!.type === type) end++;
          const run = events.slice(start, end);
          const many = onMany[type];
          if (many) await many(trx, run);
          else for (const e of run) await handlerOf(e)(trx, e);
          start = end;
        }
      },
    }),
    ...(sub.maxAttempts !== undefined && { maxAttempts: sub.maxAttempts }),
    ...(sub.concurrency !== undefined && { concurrency: sub.concurrency }),
    ...(sub.batch !== undefined && { batch: sub.batch }),
  };
}
