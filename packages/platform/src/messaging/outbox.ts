import type { EventData, EventEnvelope, EventType } from '@mercato/contracts';
import { sql, type QueryExecutorProvider } from 'kysely';
import { currentContext, type RequestContext } from '../context/index.ts';
import { afterCommit, prepared } from '../db/database.ts';
import { newId } from '../ids/index.ts';
import { activeTraceparent } from '../telemetry/trace.ts';
import { checkEventData } from './event-schemas.ts';

/** An event as a use case states it; the outbox completes the envelope. */
export interface EventDraft<T extends string = EventType> {
  type: T;
  subject: string;
  data: DataOf<T>;
  version?: number;
  /**
   * The request the event belongs to, when it is written outside that request's async
   * context (one transaction writing for several requests, e.g. a batch); else the current one.
   */
  context?: EventContext;
}

/** The data of a registered event type; anything for a type outside the registry (kit tests). */
export type DataOf<T extends string> = T extends EventType ? EventData<T> : unknown;

/** A draft of any of the given types (a list of events of several types). */
export type AnyEventDraft<Types extends string = EventType> = { [T in Types]: EventDraft<T> }[Types];

/** The correlation fields an event takes from its request. */
export interface EventContext {
  correlationId: string;
  causationId?: string;
  traceparent?: string;
}

/**
 * Writes events into the service's outbox table inside the caller's transaction. Types
 * and data come from the event registry (packages/contracts); the data is checked against
 * its schema before anything is written (EventSchemaError: a bug of the writer, not of
 * the caller, so a 500).
 */
export interface Outbox<Types extends string = EventType> {
  add<T extends Types>(trx: QueryExecutorProvider, draft: EventDraft<T>): Promise<EventEnvelope<DataOf<T>>>;
  addMany(trx: QueryExecutorProvider, drafts: ReadonlyArray<AnyEventDraft<Types>>): Promise<EventEnvelope[]>;
  /**
   * The envelopes of drafts, for a caller whose own autocommitted statement writes them into
   * the outbox table (a SQL function doing a whole transaction's work): it calls
   * `committed()` once that statement has returned.
   */
  envelopes(drafts: ReadonlyArray<AnyEventDraft<Types>>): EventEnvelope[];
  /** Events were committed outside Database.transaction: the relay publishes them now. */
  committed(): void;
}

/**
 * Creates the outbox of one service. `onCommitted` runs after a transaction that wrote
 * events commits (the relay's kick, so events leave without waiting for the next poll).
 */
export function createOutbox<Types extends string = EventType>(opts: {
  source: string;
  schema: string;
  onCommitted?: () => void;
  /** Check each draft's data against the event registry (default true; kit tests of unregistered types turn it off). */
  checkSchemas?: boolean;
}): Outbox<Types> {
  const check = opts.checkSchemas ?? true;
  const table = sql.id(opts.schema, 'outbox');

  function envelope(
    draft: AnyEventDraft<Types>,
    ctx: RequestContext | EventContext | undefined,
    traceparent?: string,
  ): EventEnvelope {
    const version = draft.version ?? 1;
    if (check) checkEventData(draft.type, version, draft.data);
    const env: EventEnvelope = {
      id: newId(),
      type: draft.type,
      version,
      source: opts.source,
      time: new Date().toISOString(),
      subject: draft.subject,
      correlationId: ctx?.correlationId ?? newId(),
      data: draft.data,
    };
    if (ctx?.causationId) env.causationId = ctx.causationId;
    if (traceparent) env.traceparent = traceparent;
    return env;
  }

  function envelopes(drafts: ReadonlyArray<AnyEventDraft<Types>>): EventEnvelope[] {
    const ctx = currentContext();
    // The active span's context (tracing on) so the consumer's span continues this trace
    // as its child; otherwise the request context's traceparent, for log correlation.
    const traceparent = activeTraceparent() ?? ctx?.traceparent;
    return drafts.map((d) =>
      d.context ? envelope(d, d.context, d.context.traceparent) : envelope(d, ctx, traceparent),
    );
  }

  async function addMany(
    trx: QueryExecutorProvider,
    drafts: ReadonlyArray<AnyEventDraft<Types>>,
  ): Promise<EventEnvelope[]> {
    if (drafts.length === 0) return [];
    // Registered first: outside a Database transaction this throws before anything is written
    // (an autocommitted event would go out while the caller sees an error).
    if (opts.onCommitted) afterCommit(trx, opts.onCommitted);
    const staged = envelopes(drafts);
    // Arrays, not a VALUES list: the text is the same for any number of events, so it is
    // prepared once per connection. unnest keeps the order, and seq follows it.
    await prepared(sql`insert into ${table} (id, type, envelope)
      select * from unnest(${staged.map((e) => e.id)}::uuid[], ${staged.map((e) => e.type)}::text[],
                           ${staged.map((e) => JSON.stringify(e))}::jsonb[])`).execute(trx);
    return staged;
  }

  return {
    async add<T extends Types>(trx: QueryExecutorProvider, draft: EventDraft<T>) {
      const [env] = await addMany(trx, [draft as unknown as AnyEventDraft<Types>]);
      return env as EventEnvelope<DataOf<T>>;
    },
    addMany,
    envelopes,
    committed: () => opts.onCommitted?.(),
  };
}

/**
 * An envelope's JSON text cut open where `data[field]` takes its value (`data` written last,
 * `field` left out of it): a SQL statement that learns the value itself appends its JSON and
 * `}}`, and stores the event without taking a JSON document apart and merging it per row.
 * The draft states a placeholder for the field (so it was checked whole against its schema).
 */
export function envelopeTextOpenAt(envelope: EventEnvelope, field: string): string {
  const { data: whole, ...rest } = envelope;
  const data = { ...(whole as Record<string, unknown>) };
  delete data[field];
  // One serialization, data last: the text ends with data's closing brace and the envelope's.
  const text = JSON.stringify({ ...rest, data });
  const open = text.slice(0, -2);
  return `${open.endsWith('{') ? open : `${open},`}${JSON.stringify(field)}:`;
}

/**
 * The current request's correlation fields, to hand to work that writes its events later
 * or elsewhere (EventDraft.context), e.g. a command queued for a batch.
 */
export function captureEventContext(): EventContext {
  const ctx = currentContext();
  const traceparent = activeTraceparent() ?? ctx?.traceparent;
  return {
    correlationId: ctx?.correlationId ?? newId(),
    ...(ctx?.causationId ? { causationId: ctx.causationId } : {}),
    ...(traceparent ? { traceparent } : {}),
  };
}
