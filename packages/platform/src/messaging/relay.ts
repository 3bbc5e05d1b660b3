import type { EventEnvelope } from '@mercato/contracts';
import { sql, type RawBuilder } from 'kysely';
import { prepared, tryTransactionLock, type KitDatabase } from '../db/database.ts';
import type { Logger } from '../logging/index.ts';
import type { ServiceMetrics } from '../metrics/index.ts';
import type { EncodedEvent, EventBus } from './bus.ts';

/** Tuning of the outbox relay. */
export interface RelayOptions {
  batchSize?: number;
  /** Publishes in flight at once; the bus keeps them in send order. */
  window?: number;
  /** Poll interval when idle (a commit kicks the relay sooner). */
  pollMs?: number;
  /**
   * After a commit's kick, how long the relay lets more commits come before its round
   * (default 5 ms): under load one round then publishes what many transactions wrote, instead
   * of a round (five statements) per commit.
   */
  lingerMs?: number;
  maxBackoffMs?: number;
  /**
   * Event types of which only the latest per subject matters (a level, a state): of
   * several pending in one round, only the last is published and the earlier ones are
   * deleted unpublished. They must carry the whole state, not a delta.
   */
  coalesce?: readonly string[];
}

/** Publishes a service's outbox rows to the bus, in order, and deletes what the bus acknowledged. */
export interface Relay {
  start(): void;
  /** Asks for a round as soon as possible (called after a commit that wrote events). */
  kick(): void;
  /** Stops polling after publishing what is pending (bounded by timeoutMs). */
  stop(timeoutMs?: number): Promise<void>;
  /** Runs rounds until the outbox is empty; for tests and draining. Returns events published. */
  drain(): Promise<number>;
}

/** An outbox row as a round reads it: the envelope as its stored JSON text. */
interface Row {
  seq: string;
  id: string;
  type: string;
  subject: string;
  body: string;
  created_at: Date | string;
}

/**
 * Creates the relay of one service. On PostgreSQL a round runs in a transaction holding
 * a transaction-level advisory lock per schema, so among replicas one relay publishes at
 * a time and order is kept. On PGlite (one process, one connection) the round takes no
 * transaction: the in-process bus runs handlers during publish and they need the connection.
 */
export function createRelay(
  database: KitDatabase,
  bus: EventBus,
  deps: { logger: Logger; metrics?: ServiceMetrics },
  opts: RelayOptions = {},
): Relay {
  const batchSize = opts.batchSize ?? 1000;
  const window = opts.window ?? 512;
  const pollMs = opts.pollMs ?? 250;
  const lingerMs = opts.lingerMs ?? 5;
  const maxBackoffMs = opts.maxBackoffMs ?? 30_000;
  const coalesce = new Set(opts.coalesce ?? []);
  const table = sql.id(database.schema, 'outbox');
  const lockKey = `mercato:relay:${database.schema}`;

  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = 0;
  let current: Promise<void> | undefined;
  let again = false;
  let failures = 0;

  // The stored text as it is when the bus can send it (no parse and re-serialization per event).
  const publishOne = bus.publishEncoded
    ? bus.publishEncoded.bind(bus)
    : (e: EncodedEvent) => bus.publish(JSON.parse(e.body) as EventEnvelope);

  async function publishAll(events: Row[]): Promise<number> {
    let published = 0;
    for (let i = 0; i < events.length; i += window) {
      const slice = events.slice(i, i + window);
      const results = await Promise.allSettled(slice.map((e) => publishOne(e)));
      // Keep order: only the acknowledged prefix counts; the rest is retried (the bus
      // dedupes by event id, so a later row published twice is delivered once).
      const firstFailure = results.findIndex((r) => r.status === 'rejected');
      if (firstFailure === -1) {
        published += slice.length;
        continue;
      }
      published += firstFailure;
      const reason = (results[firstFailure] as PromiseRejectedResult).reason;
      deps.logger.warn({ err: reason }, 'relay: publish failed, will retry');
      break;
    }
    return published;
  }

  /** One batch: publishes, deletes the acknowledged prefix; `complete` is false when a publish failed. */
  async function round(
    exec: Parameters<RawBuilder<unknown>['execute']>[0],
  ): Promise<{ published: number; complete: boolean }> {
    const rows = await prepared(
      sql<Row>`select seq, id::text as id, type, envelope ->> 'subject' as subject, envelope::text as body,
                      created_at
               from ${table} order by seq limit ${batchSize}`,
    ).execute(exec);
    // The gauges come from what the round read anyway: counting the outbox apart cost a
    // scan of its dead rows per round, more than the round itself under load.
    deps.metrics?.outboxBacklog.set(rows.rows.length);
    const oldest = rows.rows[0]?.created_at;
    deps.metrics?.relayLagSeconds.set(
      oldest ? Math.max(0, (Date.now() - new Date(oldest).getTime()) / 1000) : 0,
    );
    if (rows.rows.length === 0) return { published: 0, complete: true };
    const { send, doneBefore } = plan(rows.rows);
    const published = await publishAll(send);
    // Rows up to the first unacknowledged one are done: published, or superseded by a later
    // row of the same subject (which is published in this round or retried in the next).
    const done = published === send.length ? rows.rows.length : (doneBefore[published] ?? 0);
    if (done > 0) {
      const seqs = rows.rows.slice(0, done).map((r) => r.seq);
      await prepared(sql`delete from ${table} where seq = any(${seqs}::bigint[])`).execute(exec);
      deps.metrics?.relayPublished.inc(published);
    }
    return { published: done, complete: done === rows.rows.length };
  }

  /**
   * The events to publish, in order, without the superseded ones of coalesced types; and
   * for each event to publish, how many rows come before it (the rows done if it fails).
   */
  function plan(rows: Row[]): { send: Row[]; doneBefore: number[] } {
    const last = new Map<string, number>();
    if (coalesce.size > 0) {
      rows.forEach((r, i) => {
        if (coalesce.has(r.type)) last.set(`${r.type}\u0000${r.subject}`, i);
      });
    }
    const send: Row[] = [];
    const doneBefore: number[] = [];
    rows.forEach((r, i) => {
      if (coalesce.has(r.type) && last.get(`${r.type}\u0000${r.subject}`) !== i) return;
      send.push(r);
      doneBefore.push(i);
    });
    return { send, doneBefore };
  }

  /** One round; `locked` is false when another round (a replica's, or this relay's loop) held the lock. */
  async function runRound(): Promise<{ published: number; locked: boolean }> {
    const result =
      database.kind === 'pglite'
        ? { ...(await round(database.db)), locked: true }
        : // The commit deleting the published rows need not wait for its WAL flush: a crash
          // losing it only has the rows published again, which the bus and the inboxes drop.
          await database.transaction(async (trx) =>
            (await tryTransactionLock(trx, lockKey, { asyncCommit: true }))
              ? { ...(await round(trx)), locked: true }
              : { published: 0, complete: true, locked: false },
          );
    // Raised after the commit: thrown inside the transaction it would undo the deletion of
    // the rows the bus did acknowledge, and they would be published again next round.
    if (!result.complete) throw new Error('relay: publish incomplete');
    return { published: result.published, locked: result.locked };
  }

  async function loop(): Promise<void> {
    again = false;
    try {
      let n: number;
      do {
        n = (await runRound()).published;
      } while (n === batchSize && running);
      failures = 0;
    } catch (err) {
      failures++;
      deps.metrics?.relayFailures.inc();
      deps.logger.error({ err, failures }, 'relay round failed');
      schedule(Math.min(maxBackoffMs, 100 * 2 ** Math.min(failures, 12)), true);
      return;
    }
    // Commits during the round: their rows go in a round after the linger.
    schedule(again ? lingerMs : pollMs);
  }

  /** Runs a round in ms, unless one is already due sooner (`reset`: in ms whatever was due). */
  function schedule(ms: number, reset = false): void {
    if (!running) return;
    const at = Date.now() + ms;
    if (timer && timerAt <= at && !reset) return;
    clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      trigger();
    }, ms);
    timer.unref();
  }

  function trigger(): void {
    if (!running) return;
    if (current) {
      again = true;
      return;
    }
    clearTimeout(timer);
    timer = undefined;
    current = loop().finally(() => {
      current = undefined;
    });
  }

  return {
    start() {
      if (running) return;
      running = true;
      trigger();
    },
    kick() {
      // A kick during back-off would hammer a broker that is down: wait for the timer.
      if (failures > 0) return;
      if (current) again = true;
      else schedule(lingerMs);
    },
    async stop(timeoutMs = 5000) {
      if (!running) return;
      running = false;
      clearTimeout(timer);
      await current;
      const deadline = Date.now() + timeoutMs;
      try {
        while (Date.now() < deadline && (await runRound()).published > 0);
      } catch (err) {
        deps.logger.warn({ err }, 'relay: events left in the outbox at shutdown; they go out at next start');
      }
    },
    async drain() {
      let total = 0;
      // Until a round that held the lock found nothing: a round of this relay's own loop (a
      // linger timer firing meanwhile) or of a replica may hold it for a moment.
      for (let waits = 0; waits < 200;) {
        clearTimeout(timer);
        timer = undefined;
        await current;
        const r = await runRound();
        total += r.published;
        if (r.locked && r.published === 0) break;
        if (!r.locked) {
          waits++;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
      schedule(pollMs); // the poll the cleared timer would have run (no-op when stopped)
      return total;
    },
  };
}
