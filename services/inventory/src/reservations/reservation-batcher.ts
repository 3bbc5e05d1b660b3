import type { InventoryReservedV1 } from '@mercato/contracts';
import { createWriteBatcher, type Kysely, type WriteBatcherOptions } from '@mercato/platform/db';
import type { ServiceContext } from '@mercato/platform/http';
import type { EventContext, EventDraft } from '@mercato/platform/messaging';
import { pgCode, type InventoryDB } from '../db.ts';
import { levelEffects } from '../stock/level-changes.ts';
import type { Shortage } from './reservation.ts';
import { planReservations, type PlannedAllocation } from './reservation-allocation.ts';
import { keyOf, reservationRepository as repo, type ReservationInsert } from './reservation-repository.ts';

/** One POST /reservations as the batch takes it. */
export interface ReserveCommand extends ReservationInsert {
  lines: Array<{ sku: string; quantity: number }>;
  /** The request's correlation fields: its events carry them whatever batch writes them. */
  context: EventContext;
}

export interface ReservedAllocation {
  lineNo: number;
  sku: string;
  warehouseCode: string;
  quantity: number;
}

/**
 * What became of a command: `created` (createdAt, allocations), `refused` (shortages), or,
 * for a key used before, `replay` of the same request (reservationId, or the stored
 * shortages of a refusal with its first correlationId) or `mismatch` (another request).
 */
export type ReserveOutcome =
  | { outcome: 'created'; createdAt: Date; allocations: ReservedAllocation[] }
  | { outcome: 'refused'; shortages: Shortage[] }
  | {
      outcome: 'replay';
      reservationId: string | null;
      shortages: Shortage[] | null;
      correlationId: string | null;
    }
  | { outcome: 'mismatch' };

/**
 * A key of the batch was stored by a concurrent request after the batch read the keys:
 * the batch's plan counted that request as new, so it rolls back and runs again (the key
 * is then found, and the request replays).
 */
class KeyTakenMeanwhile extends Error {}

/** Deadlock, serialization failure, or a key taken meanwhile: the batch changed nothing and may run again. */
const retryable = (err: unknown): boolean =>
  err instanceof KeyTakenMeanwhile || ['40P01', '40001'].includes(pgCode(err) ?? '');

const ATTEMPTS = 5;

/**
 * Reservations by group commit: concurrent POST /reservations share one transaction. A
 * batch locks every level row of its SKUs in (sku, warehouse id) order — the order every
 * writer uses — reads the keys, plans the reservations one after the other in memory
 * (each sees what the ones before it held; all lines or none), and writes the reservations,
 * allocations, levels, refusals, stock marks and events in one statement. A hot SKU's row
 * is then locked once per batch instead of once per request, and the commit's WAL flush is
 * shared. The CHECK (reserved <= on_hand) still refuses an oversell whatever the plan says.
 */
export function createReservationBatcher(
  ctx: ServiceContext<InventoryDB>,
  opts: WriteBatcherOptions,
): (command: ReserveCommand) => Promise<ReserveOutcome> {
  const { database, outbox } = ctx;
  const schema = database.schema;

  async function reserveTogether(commands: readonly ReserveCommand[]): Promise<ReserveOutcome[]> {
    return database.transaction(async (trx: Kysely<InventoryDB>) => {
      const skus = [...new Set(commands.flatMap((c) => c.lines.map((l) => l.sku)))].sort();
      // One round trip: the keys already used, and the level rows locked. A request with the
      // same key committing after this read makes the insert below skip its row, and the
      // batch runs again (KeyTakenMeanwhile).
      const { keys, levels: locked } = await repo.readBatch(
        trx,
        schema,
        commands.map((c) => c.idempotency),
        skus,
      );

      const outcomes: ReserveOutcome[] = new Array(commands.length);
      const fresh: number[] = [];
      commands.forEach((c, i) => {
        const used = keys.get(keyOf(c.idempotency));
        if (!used) fresh.push(i);
        else if (used.hash !== c.idempotency.fingerprint) outcomes[i] = { outcome: 'mismatch' };
        else if (used.kind === 'reservation') {
          outcomes[i] = {
            outcome: 'replay',
            reservationId: used.reservationId,
            shortages: null,
            correlationId: null,
          };
        } else {
          outcomes[i] = {
            outcome: 'replay',
            reservationId: null,
            shortages: used.shortages,
            correlationId: used.correlationId,
          };
        }
      });

      const { plans, state } = planReservations(
        locked,
        fresh.map((i) => commands[i] as ReserveCommand),
      );
      const held: Array<{ command: ReserveCommand; index: number; allocations: PlannedAllocation[] }> = [];
      const refused: Array<{ command: ReserveCommand; shortages: Shortage[] }> = [];
      plans.forEach((plan, j) => {
        const index = fresh[j] as number;
        const command = commands[index] as ReserveCommand;
        if ('held' in plan) held.push({ command, index, allocations: plan.held });
        else {
          refused.push({ command, shortages: plan.shortages });
          outcomes[index] = { outcome: 'refused', shortages: plan.shortages };
        }
      });

      const events: EventDraft[] = [];
      // A level event belongs to the last reservation that moved the SKU.
      const lastBySku = new Map<string, EventContext>();
      for (const h of held) {
        const allocations = h.allocations.map((a) => ({
          sku: a.sku,
          warehouseCode: a.warehouseCode,
          quantity: a.quantity,
        }));
        const data: InventoryReservedV1 = {
          reservationId: h.command.id,
          reference: h.command.reference,
          expiresAt: h.command.expiresAt,
          lines: h.command.lines,
          allocations,
        };
        events.push({ type: 'inventory.reserved', subject: h.command.id, data, context: h.command.context });
        for (const l of h.command.lines) lastBySku.set(l.sku, h.command.context);
      }
      const effects = levelEffects(locked, state);
      for (const e of effects.events) {
        const context = lastBySku.get(e.subject);
        events.push(context ? { ...e, context } : e);
      }

      // Every write in one statement: the level rows stay locked for one round trip and the commit.
      const done = await repo.writeBatch(trx, schema, {
        held: held.map((h) => h.command),
        allocations: held.flatMap((h) => h.allocations.map((a) => ({ ...a, reservationId: h.command.id }))),
        levels: [...state.values()],
        refusals: refused.map((r) => ({
          idempotency: r.command.idempotency,
          shortages: r.shortages,
          correlationId: r.command.context.correlationId,
        })),
        marked: effects.availabilityChanged,
        events: outbox.stage(trx, events).insert,
      });
      // A key stored meanwhile by a concurrent request (its row skipped), or a refused request
      // whose key a reservation holds (the same request sent twice at once, which took the
      // stock first): run again, and replay.
      if (done.held < held.length || done.refused < refused.length || done.taken > 0) {
        throw new KeyTakenMeanwhile();
      }
      // created_at is the transaction's now(), the same for the whole batch.
      for (const h of held) {
        outcomes[h.index] = {
          outcome: 'created',
          createdAt: done.now,
          allocations: h.allocations.map(({ lineNo, sku, warehouseCode, quantity }) => ({
            lineNo,
            sku,
            warehouseCode,
            quantity,
          })),
        };
      }
      return outcomes;
    });
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
