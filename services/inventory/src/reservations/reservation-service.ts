import type { InventoryCommittedV1, InventoryReleasedV1 } from '@mercato/contracts';
import type { Kysely, WriteBatcherOptions } from '@mercato/platform/db';
import { CommonErrors, type AppError, type FieldError } from '@mercato/platform/errors';
import type { IdempotencyKeyInfo } from '@mercato/platform/idempotency';
import { pageResult } from '@mercato/platform/http';
import { type ServiceContext } from '@mercato/platform/service';
import { newId } from '@mercato/platform/ids';
import { captureEventContext, type AnyEventDraft } from '@mercato/platform/messaging';
import type { InventoryDB } from '../db.ts';
import { InventoryErrors } from '../errors.ts';
import { applyLevelChanges } from '../stock/level-changes.ts';
import type {
  CreateReservationInput,
  ReleaseInput,
  Reservation,
  ReservationFilter,
  Shortage,
} from './reservation.ts';
import { createReservationBatcher } from './reservation-batcher.ts';
import { reservationRepository as repo, type AllocationRow } from './reservation-repository.ts';

/**
 * Use cases of reservations. commit and release are what the checkout saga (and, later,
 * the order.confirmed / order.cancelled consumers) call: each is one transaction keyed by
 * the reservation id, and a repeat changes nothing and answers the current state.
 */
export interface ReservationService {
  /**
   * Holds every line or none. The Idempotency-Key record is the reservation itself (or its
   * stored refusal): a repeat of the same request answers the first answer again
   * (`replayed`, or the same 409 with `idempotent-replayed`), another request with the key
   * is 422 IDEMPOTENCY_KEY_REUSED.
   */
  create(
    input: CreateReservationInput,
    actor: string,
    idempotency: IdempotencyKeyInfo,
  ): Promise<CreateOutcome>;
  get(id: string): Promise<Reservation>;
  list(filter: ReservationFilter): Promise<ReturnType<typeof pageResult<Reservation>>>;
  commit(id: string, actor: string): Promise<Reservation>;
  release(id: string, input: ReleaseInput): Promise<Reservation>;
  /** Releases held reservations past their expiry (the sweeper); returns how many. */
  expireDue(limit: number): Promise<number>;
}

/**
 * A reservation (first answer or replayed), or a replayed refusal: the 409 to send with the
 * first answer's correlationId (the problem body the caller got the first time).
 */
export type CreateOutcome =
  { reservation: Reservation; replayed: boolean } | { replayedRefusal: AppError; correlationId: string };

const notFound = (id: string) => InventoryErrors.INVENTORY_RESERVATION_NOT_FOUND(`no reservation ${id}`);
const notHeld = (id: string, status: string) =>
  InventoryErrors.INVENTORY_RESERVATION_NOT_HELD(`reservation ${id} is ${status}`);

/** 400 naming the repeated SKUs of a lines array. */
function rejectDuplicateSkus(lines: Array<{ sku: string }>): void {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  lines.forEach((l, i) => {
    if (seen.has(l.sku)) errors.push({ path: `/body/lines/${i}/sku`, message: `repeats SKU ${l.sku}` });
    seen.add(l.sku);
  });
  if (errors.length > 0) throw CommonErrors.VALIDATION_FAILED('each SKU may appear once', { errors });
}

/** The 409 of a reservation refused for short stock (first answer and replays alike). */
function insufficientStock(shortages: Shortage[]): AppError {
  const errors = shortages.map(
    (s) =>
      ({
        path: `/body/lines/${s.lineNo - 1}`,
        message: `${s.available} available, ${s.requested} requested`,
        sku: s.sku,
        available: s.available,
        requested: s.requested,
      }) as FieldError,
  );
  return InventoryErrors.INVENTORY_INSUFFICIENT_STOCK(
    `not enough stock for ${shortages.map((s) => s.sku).join(', ')}`,
    { errors },
  );
}

/** A reservation as its creation answered it: everything held, nothing changed since. */
function asCreated(r: Reservation): Reservation {
  return {
    ...r,
    status: 'held',
    releaseReason: null,
    updatedAt: r.createdAt,
    lines: r.lines.map((l) => ({
      ...l,
      held: l.quantity,
      committed: 0,
      released: 0,
      allocations: l.allocations.map((a) => ({ ...a, held: a.quantity, committed: 0, released: 0 })),
    })),
  };
}

/** Sums quantities per SKU, in first-seen order. */
function perSku(items: Array<{ sku: string; quantity: number }>): Array<{ sku: string; quantity: number }> {
  const out = new Map<string, number>();
  for (const i of items) if (i.quantity > 0) out.set(i.sku, (out.get(i.sku) ?? 0) + i.quantity);
  return [...out].map(([sku, quantity]) => ({ sku, quantity }));
}

/** batching: how reservations are grouped into transactions (INVENTORY_RESERVE_BATCH_*). */
export function createReservationService(
  ctx: ServiceContext<InventoryDB>,
  batching: WriteBatcherOptions = {},
): ReservationService {
  const { database, outbox } = ctx;
  const reserve = createReservationBatcher(ctx, batching);
  // Replays are not counted again: each reservation (or refusal) once, as dashboards chart them.
  const reservations = ctx.metrics.counter({
    name: 'reservations_total',
    help: 'Reservations by outcome: held (created), refused (short stock), expired (released by the sweeper)',
    labelNames: ['outcome'],
  });
  const db = database.db;

  async function load(exec: Kysely<InventoryDB>, id: string): Promise<Reservation> {
    const [r] = await repo.load(exec, [id]);
    if (!r) throw notFound(id);
    return r;
  }

  /** Gives back held quantities of reservations: allocation rows, levels, events. */
  async function giveBack(
    trx: Kysely<InventoryDB>,
    moves: Array<{ a: AllocationRow; quantity: number }>,
  ): Promise<AnyEventDraft[]> {
    await repo.moveHeld(
      trx,
      database.schema,
      'released',
      moves.map(({ a, quantity }) => ({
        reservationId: a.reservation_id,
        lineNo: a.line_no,
        warehouseId: a.warehouse_id,
        quantity,
      })),
    );
    const applied = await applyLevelChanges(
      trx,
      database.schema,
      moves.map(({ a, quantity }) => ({ sku: a.sku, warehouseId: a.warehouse_id, reservedDelta: -quantity })),
    );
    return applied.events;
  }

  const service: ReservationService = {
    async create(input, actor, idempotency) {
      rejectDuplicateSkus(input.lines);
      const id = newId();
      const expiresAt = new Date(ctx.now() + input.ttlSeconds * 1000).toISOString();
      const out = await reserve({
        id,
        reference: input.reference,
        expiresAt,
        actor,
        lines: input.lines,
        idempotency,
        context: captureEventContext(),
      });
      switch (out.outcome) {
        case 'mismatch':
          throw CommonErrors.IDEMPOTENCY_KEY_REUSED();
        case 'refused':
          reservations.inc({ outcome: 'refused' });
          throw insufficientStock(out.shortages);
        case 'replay':
          if (!out.reservationId) {
            return {
              replayedRefusal: insufficientStock(out.shortages ?? []),
              correlationId: out.correlationId ?? '',
            };
          }
          return { reservation: asCreated(await load(db, out.reservationId)), replayed: true };
        case 'created':
          reservations.inc({ outcome: 'held' });
          break;
      }
      const createdAt = out.createdAt.toISOString();
      const reservation: Reservation = {
        id,
        reference: input.reference,
        status: 'held',
        releaseReason: null,
        expiresAt,
        createdBy: actor,
        createdAt,
        updatedAt: createdAt,
        lines: input.lines.map((l, i) => {
          const mine = out.allocations.filter((a) => a.lineNo === i + 1);
          return {
            sku: l.sku,
            quantity: l.quantity,
            held: l.quantity,
            committed: 0,
            released: 0,
            allocations: mine.map((a) => ({
              warehouseCode: a.warehouseCode,
              quantity: a.quantity,
              held: a.quantity,
              committed: 0,
              released: 0,
            })),
          };
        }),
      };
      return { reservation, replayed: false };
    },

    get: (id) => load(db, id),

    async list(filter) {
      const { ids, totalCount } = await repo.page(db, filter, filter);
      return pageResult(await repo.load(db, ids), filter.page, filter.pageSize, totalCount);
    },

    commit(id, actor) {
      return database.transaction(async (trx) => {
        const current = await repo.lock(trx, id);
        if (!current) throw notFound(id);
        if (current.status === 'committed') return load(trx, id); // a repeat: nothing changes
        if (current.status !== 'held') throw notHeld(id, current.status);
        const held = await repo.allocations(trx, [id], { heldOnly: true });
        await repo.moveHeld(
          trx,
          database.schema,
          'committed',
          held.map((a) => ({
            reservationId: id,
            lineNo: a.line_no,
            warehouseId: a.warehouse_id,
            quantity: a.held,
          })),
        );
        await repo.setStatus(trx, id, 'committed');
        // The stock leaves: on hand and reserved both drop, so availability does not change.
        const applied = await applyLevelChanges(
          trx,
          database.schema,
          held.map((a) => ({
            sku: a.sku,
            warehouseId: a.warehouse_id,
            onHandDelta: -a.held,
            reservedDelta: -a.held,
            movement: { kind: 'commit', actor, reservationId: id },
          })),
        );
        const data: InventoryCommittedV1 = {
          reservationId: id,
          reference: current.reference,
          lines: perSku(held.map((a) => ({ sku: a.sku, quantity: a.held }))),
        };
        await outbox.addMany(trx, [{ type: 'inventory.committed', subject: id, data }, ...applied.events]);
        return load(trx, id);
      });
    },

    release(id, input) {
      if (input.lines) rejectDuplicateSkus(input.lines);
      return database.transaction(async (trx) => {
        const current = await repo.lock(trx, id);
        if (!current) throw notFound(id);
        // Releasing everything again is a repeat: nothing changes.
        if (current.status === 'released' && !input.lines) return load(trx, id);
        if (current.status !== 'held') throw notHeld(id, current.status);
        const held = await repo.allocations(trx, [id], { heldOnly: true });
        const moves: Array<{ a: AllocationRow; quantity: number }> = [];
        if (!input.lines) {
          for (const a of held) moves.push({ a, quantity: a.held });
        } else {
          const errors: FieldError[] = [];
          input.lines.forEach((line, i) => {
            // Give back from the last-choice warehouse first: what stays held stays where it ships from.
            const rows = held.filter((a) => a.sku === line.sku).reverse();
            const holding = rows.reduce((n, a) => n + a.held, 0);
            if (holding < line.quantity) {
              errors.push({
                path: `/body/lines/${i}`,
                message: `${holding} held, ${line.quantity} to release`,
                sku: line.sku,
                held: holding,
                requested: line.quantity,
              } as FieldError);
              return;
            }
            let left = line.quantity;
            for (const a of rows) {
              const q = Math.min(a.held, left);
              if (q > 0) moves.push({ a, quantity: q });
              left -= q;
            }
          });
          if (errors.length > 0) {
            throw InventoryErrors.INVENTORY_RELEASE_EXCEEDS_HELD(`reservation ${id} holds less than asked`, {
              errors,
            });
          }
        }
        const releasing = moves.reduce((n, m) => n + m.quantity, 0);
        const stillHeld = held.reduce((n, a) => n + a.held, 0) - releasing;
        const reason = input.reason ?? (input.lines ? 'partial' : 'cancelled');
        if (stillHeld === 0) await repo.setStatus(trx, id, 'released', reason);
        else await repo.touch(trx, id);
        const levelEvents = await giveBack(trx, moves);
        const data: InventoryReleasedV1 = {
          reservationId: id,
          reference: current.reference,
          reason,
          lines: perSku(moves.map((m) => ({ sku: m.a.sku, quantity: m.quantity }))),
        };
        await outbox.addMany(trx, [{ type: 'inventory.released', subject: id, data }, ...levelEvents]);
        return load(trx, id);
      });
    },

    async expireDue(limit) {
      const count = await database.transaction(async (trx) => {
        // Due by the clock that set expires_at (ctx.now), not the database's: one clock for both.
        const expired = await repo.claimExpired(trx, limit, new Date(ctx.now()));
        if (expired.length === 0) return 0;
        const held = await repo.allocations(
          trx,
          expired.map((r) => r.id),
          { heldOnly: true },
        );
        const levelEvents = await giveBack(
          trx,
          held.map((a) => ({ a, quantity: a.held })),
        );
        const released: AnyEventDraft[] = expired.map((r) => {
          const data: InventoryReleasedV1 = {
            reservationId: r.id,
            reference: r.reference,
            reason: 'expired',
            lines: perSku(
              held.filter((a) => a.reservation_id === r.id).map((a) => ({ sku: a.sku, quantity: a.held })),
            ),
          };
          return { type: 'inventory.released', subject: r.id, data };
        });
        await outbox.addMany(trx, [...released, ...levelEvents]);
        return expired.length;
      });
      if (count > 0) reservations.inc({ outcome: 'expired' }, count);
      return count;
    },
  };
  return service;
}
