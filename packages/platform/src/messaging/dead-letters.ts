import type { EventEnvelope } from '@mercato/contracts';
import { sql } from 'kysely';
import type { KitDatabase } from '../db/database.ts';
import { storableText } from '../db/sql-values.ts';
import { CommonErrors } from '../errors/index.ts';
import type { Consumer } from './consumer.ts';

/** A parked event as the admin endpoint shows it. */
export interface DeadLetter {
  id: string;
  consumer: string;
  eventId: string;
  eventType: string;
  error: string;
  attempts: number;
  createdAt: string;
  replayedAt: string | null;
  envelope: EventEnvelope;
}

interface Row {
  id: string;
  consumer: string;
  event_id: string;
  event_type: string;
  error: string;
  attempts: number;
  created_at: Date;
  replayed_at: Date | null;
  envelope: EventEnvelope;
}

function toDeadLetter(r: Row): DeadLetter {
  return {
    id: r.id,
    consumer: r.consumer,
    eventId: r.event_id,
    eventType: r.event_type,
    error: r.error,
    attempts: r.attempts,
    createdAt: new Date(r.created_at).toISOString(),
    replayedAt: r.replayed_at ? new Date(r.replayed_at).toISOString() : null,
    envelope: r.envelope,
  };
}

/** Lists and replays a service's dead letters. */
export function createDeadLetterStore(database: KitDatabase, consumers: () => Consumer[]) {
  const table = sql.id(database.schema, 'dead_letters');
  return {
    async list(opts: { includeReplayed?: boolean; limit?: number; offset?: number } = {}) {
      const where = opts.includeReplayed ? sql`true` : sql`replayed_at is null`;
      const rows = await sql<Row>`select * from ${table} where ${where}
        order by created_at desc limit ${opts.limit ?? 50} offset ${opts.offset ?? 0}`.execute(database.db);
      const count = await sql<{ n: string }>`select count(*) as n from ${table} where ${where}`.execute(
        database.db,
      );
      return { items: rows.rows.map(toDeadLetter), totalCount: Number(count.rows[0]?.n ?? 0) };
    },

    /** Runs the event through its consumer again; on success marks it replayed. Errors propagate. */
    async replay(id: string): Promise<DeadLetter> {
      const found = await sql<Row>`select * from ${table} where id = ${id}`.execute(database.db);
      const row = found.rows[0];
      if (!row) throw CommonErrors.DEAD_LETTER_NOT_FOUND(`no dead letter ${id}`);
      const consumer = consumers().find((c) => c.name === row.consumer);
      if (!consumer) throw CommonErrors.CONFLICT(`consumer ${row.consumer} is not running in this service`);
      try {
        await consumer.apply(row.envelope);
      } catch (err) {
        const message = storableText(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
        await sql`update ${table} set attempts = attempts + 1, error = ${message} where id = ${id}`.execute(
          database.db,
        );
        throw CommonErrors.CONFLICT(`replay failed again: ${message}`);
      }
      const updated =
        await sql<Row>`update ${table} set replayed_at = now() where id = ${id} returning *`.execute(
          database.db,
        );
      return toDeadLetter(updated.rows[0] as Row);
    },
  };
}

export type DeadLetterStore = ReturnType<typeof createDeadLetterStore>;
