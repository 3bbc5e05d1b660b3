import {
  createWriteBatcher,
  isRetryableConflict,
  pgErrorCode,
  type WriteBatcherOptions,
} from '@mercato/platform/db';
import { type ServiceContext } from '@mercato/platform/service';
import type { EventContext } from '@mercato/platform/messaging';
import type { InventoryDB } from '../db.ts';
import {
  keyOf,
  reservationRepository as repo,
  type ReservationInsert,
  type ReserveOutcome,
} from './reservation-repository.ts';

/** One POST /reservations as the batch takes it. */
export interface ReserveCommand extends ReservationInsert {
  lines: Array<{ sku: string; quantity: number }>;
  /** The request's correlation fields: its events carry them whatever batch writes them. */
  context: EventContext;
}

/**
 * Deadlock, serialization failure, or a key of the batch stored meanwhile by a concurrent
 * request (MC409, raised by reserve_batch: the plan counted that request as new): the batch
 * changed nothing and runs again (the key is then found, and the request replays).
 */
const retryable = (err: unknown): boolean => isRetryableConflict(err) || pgErrorCode(err) === 'MC409';

const ATTEMPTS = 5;

/**
 * Reservations by group commit: concurrent POST /reservations share one statement, the
 * database function reserve_batch (migrations/repeatable/reserve_batch.sql), autocommitted —
 * one round trip and one WAL flush for the batch. Batches go out on the pipelined connection:
 * the next is at the server while one runs (no idle gap for the answers to travel back), and
 * they run one after the other there, never waiting on each other's locks. It locks every
 * level row of the batch's SKUs in (sku, warehouse id) order — the order every writer uses —,
 * reads the keys, plans the reservations one after the other (each sees what the ones before
 * it held; all lines or none, a line split over warehouses by priority), and writes the
 * reservations, allocations, levels, refusals, stock marks and events. A hot SKU's row is
 * locked once per batch instead of once per request. The CHECK (reserved <= on_hand) still
 * refuses an oversell whatever the plan says.
 */
export function createReservationBatcher(
  ctx: ServiceContext<InventoryDB>,
  opts: WriteBatcherOptions,
): (command: ReserveCommand) => Promise<ReserveOutcome> {
  const { database, outbox } = ctx;

  async function reserveTogether(commands: readonly ReserveCommand[]): Promise<ReserveOutcome[]> {
    // Each command's inventory.reserved envelope, its data but the allocations (reserve_batch
    // adds them), also the base of the low-stock events it causes: they carry the request's
    // correlation fields.
    const envelopes = outbox.envelopes(
      commands.map((c) => ({
        type: 'inventory.reserved' as const,
        subject: c.id,
        // allocations: reserve_batch writes them (envelopeTextOpenAt leaves the placeholder out).
        data: {
          reservationId: c.id,
          reference: c.reference,
          expiresAt: c.expiresAt,
          lines: c.lines,
          allocations: [],
        },
        context: c.context,
      })),
    );
    const outcomes = await repo.reserveBatch(database.pipeline, database.schema, commands, envelopes);
    if (outcomes.some((o) => o.outcome === 'created')) outbox.committed();
    return outcomes;
  }

  /** Runs commands together, again on a retryable failure; on any other failure each alone, so an error is its own. */
  async function attempt(commands: readonly ReserveCommand[]): Promise<Array<ReserveOutcome | Error>> {
    for (let tries = 1; ; tries++) {
      try {
        return await reserveTogether(commands);
      } catch (err) {
        if (retryable(err) && tries < ATTEMPTS) continue;
        if (commands.length === 1) return [err instanceof Error ? err : new Error(String(err))];
        const out: Array<ReserveOutcome | Error> = [];
        for (const c of commands) out.push(...(await attempt([c])));
        return out;
      }
    }
  }

  async function runBatch(commands: readonly ReserveCommand[]): Promise<Array<ReserveOutcome | Error>> {
    // A key twice in one batch: the repeat runs after the first has committed, and replays it.
    const seen = new Set<string>();
    const now: number[] = [];
    const later: number[] = [];
    commands.forEach((c, i) => {
      const k = keyOf(c.idempotency);
      (seen.has(k) ? later : now).push(i);
      seen.add(k);
    });
    const out: Array<ReserveOutcome | Error> = new Array(commands.length);
    const first = await attempt(now.map((i) => commands[i] as ReserveCommand));
    now.forEach((i, j) => (out[i] = first[j] as ReserveOutcome | Error));
    if (later.length > 0) {
      const rest = await runBatch(later.map((i) => commands[i] as ReserveCommand));
      later.forEach((i, j) => (out[i] = rest[j] as ReserveOutcome | Error));
    }
    return out;
  }

  const batcher = createWriteBatcher(runBatch, opts);
  return (command) => batcher.submit(command);
}
