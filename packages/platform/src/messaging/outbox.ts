import type { EventEnvelope } from '@mercato/contracts';
import { sql, type QueryExecutorProvider } from 'kysely';
import { currentContext, type RequestContext } from '../context/index.ts';
import { afterCommit } from '../db/database.ts';
import { newId } from '../ids/index.ts';
import { activeTraceparent } from '../telemetry/trace.ts';

/** An event as a use case states it; the outbox completes the envelope. */
export interface EventDraft<T = unknown> {
  type: string;
  subject: string;
  data: T;
  version?: number;
}

/** Writes events into the service's outbox table inside the caller's transaction. */
export interface Outbox {
  add<T>(trx: QueryExecutorProvider, draft: EventDraft<T>): Promise<EventEnvelope<T>>;
  addMany(trx: QueryExecutorProvider, drafts: EventDraft[]): Promise<EventEnvelope[]>;
  /**
   * Tells the outbox that rows written without `add`/`addMany` — by a single autocommitted
   * statement or a database function, outside a Database transaction — have committed: runs
   * the same `onCommitted` hook (the relay's kick), so they leave without waiting for the
   * next poll. Call it only after the commit.
   */
  committed(): void;
}

/**
 * Creates the outbox of one service. `onCommitted` runs after a transaction that wrote
 * events commits (the relay's kick, so events leave without waiting for the next poll).
 */
export function createOutbox(opts: { source: string; schema: string; onCommitted?: () => void }): Outbox {
  const table = sql.id(opts.schema, 'outbox');

  function envelope<T>(
    draft: EventDraft<T>,
    ctx: RequestContext | undefined,
    traceparent?: string,
  ): EventEnvelope<T> {
    const env: EventEnvelope<T> = {
      id: newId(),
      type: draft.type,
      version: draft.version ?? 1,
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

  async function addMany(trx: QueryExecutorProvider, drafts: EventDraft[]): Promise<EventEnvelope[]> {
    if (drafts.length === 0) return [];
    // Registered first: outside a Database transaction this throws before anything is written
    // (an autocommitted event would go out while the caller sees an error).
    if (opts.onCommitted) afterCommit(trx, opts.onCommitted);
    const ctx = currentContext();
    // The active span's context (tracing on) so the consumer's span continues this trace
    // as its child; otherwise the request context's traceparent, for log correlation.
    const traceparent = activeTraceparent() ?? ctx?.traceparent;
    const envelopes = drafts.map((d) => envelope(d, ctx, traceparent));
    const values = envelopes.map((e) => sql`(${e.id}, ${e.type}, ${JSON.stringify(e)}::jsonb)`);
    await sql`insert into ${table} (id, type, envelope) values ${sql.join(values)}`.execute(trx);
    return envelopes;
  }

  return {
    async add<T>(trx: QueryExecutorProvider, draft: EventDraft<T>) {
      const [env] = await addMany(trx, [draft]);
      return env as EventEnvelope<T>;
    },
    addMany,
    committed() {
      opts.onCommitted?.();
    },
  };
}
