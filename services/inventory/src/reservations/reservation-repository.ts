import type { EventEnvelope } from '@mercato/contracts';
import { fetchPage, prepared, sql, type Kysely, type PageWindow } from '@mercato/platform/db';
import { envelopeTextOpenAt } from '@mercato/platform/messaging';
import { type InventoryDB, type ReservationStatus } from '../db.ts';
import type { Reservation, Shortage } from './reservation.ts';

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

/** reserve_batch's answer: commands by position from 1, allocations as parallel arrays. */
interface BatchAnswer {
  now: string;
  replays: Array<
    | { outcome: 'replay'; reservationId?: string; shortages?: Shortage[]; correlationId?: string }
    | { outcome: 'mismatch' }
    | null
  >;
  allocations: { command: number[]; lineNo: number[]; warehouseCode: string[]; quantity: number[] };
  shortages: Record<string, Shortage[]>;
}

/** A new reservation row with its key record (scope, key, request fingerprint). */
export interface ReservationInsert {
  id: string;
  reference: string;
  expiresAt: string;
  actor: string;
  idempotency: { scope: string; key: string; fingerprint: string };
}

export const keyOf = (k: { scope: string; key: string }): string => `${k.scope}\u0000${k.key}`;

interface AllocationRow {
  reservation_id: string;
  line_no: number;
  sku: string;
  warehouse_id: string;
  quantity: number;
  held: number;
  committed: number;
  released: number;
  code: string;
  priority: number;
}

function toReservation(
  row: {
    id: string;
    reference: string;
    status: ReservationStatus;
    release_reason: string | null;
    expires_at: Date;
    created_by: string;
    created_at: Date;
    updated_at: Date;
  },
  allocations: AllocationRow[],
): Reservation {
  // A line is its allocation rows (all or nothing: every line of a reservation has some).
  const lineNos = [...new Set(allocations.map((a) => a.line_no))].sort((x, y) => x - y);
  const lines = lineNos.map((lineNo) => {
    const mine = allocations.filter((a) => a.line_no === lineNo);
    const sum = (k: 'quantity' | 'held' | 'committed' | 'released') => mine.reduce((n, a) => n + a[k], 0);
    return {
      sku: mine[0]!.sku,
      quantity: sum('quantity'),
      held: sum('held'),
      committed: sum('committed'),
      released: sum('released'),
      allocations: mine.map((a) => ({
        warehouseCode: a.code,
        quantity: a.quantity,
        held: a.held,
        committed: a.committed,
        released: a.released,
      })),
    };
  });
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    releaseReason: row.release_reason,
    expiresAt: row.expires_at.toISOString(),
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    lines,
  };
}

/** SQL of reservations and their allocations. */
export const reservationRepository = {
  /**
   * A batch of reservations in one autocommitted statement (the function reserve_batch,
   * migrations/repeatable/reserve_batch.sql): commands as parallel arrays, their lines
   * flattened, the SKUs sorted as every writer sorts them (the order it locks their levels
   * in). `envelopes[i]` is command i's inventory.reserved envelope without the allocations,
   * sent as its JSON text cut open where they go (the function appends them); the texts
   * travel as one JSON array, which the client sends as it is (a text[] has each element
   * escaped by the client).
   * Throws SQLSTATE MC409 when a key of the batch was stored meanwhile (nothing written).
   */
  async reserveBatch(
    db: Kysely<InventoryDB>,
    schema: string,
    commands: ReadonlyArray<
      ReservationInsert & {
        lines: Array<{ sku: string; quantity: number }>;
        context: { correlationId: string };
      }
    >,
    envelopes: EventEnvelope[],
  ): Promise<ReserveOutcome[]> {
    const c = commands;
    const lines = c.flatMap((x) => x.lines);
    const skus = [...new Set(lines.map((l) => l.sku))].sort();
    const result = await prepared(
      sql<{ result: BatchAnswer }>`select ${sql.id(schema, 'reserve_batch')}(
        ${c.map((x) => x.id)}::uuid[], ${c.map((x) => x.reference)}::text[], ${c.map((x) => x.expiresAt)}::text[],
        ${c.map((x) => x.actor)}::text[], ${c.map((x) => x.idempotency.scope)}::text[],
        ${c.map((x) => x.idempotency.key)}::text[], ${c.map((x) => x.idempotency.fingerprint)}::text[],
        ${c.map((x) => x.context.correlationId)}::text[], ${envelopes.map((e) => e.id)}::uuid[],
        array(select json_array_elements_text(${JSON.stringify(envelopes.map((e) => envelopeTextOpenAt(e, 'allocations')))}::json)),
        ${lines.map((l) => l.sku)}::text[], ${lines.map((l) => l.quantity)}::int[],
        ${c.map((x) => x.lines.length)}::int[], ${skus}::text[]) as result`,
    ).execute(db);
    const answer = result.rows[0]!.result;
    const createdAt = new Date(answer.now); // the transaction's time, the same for the batch
    const outcomes: ReserveOutcome[] = c.map((_, i) => {
      const replay = answer.replays[i];
      if (replay?.outcome === 'mismatch') return replay;
      if (replay) {
        return {
          outcome: 'replay',
          reservationId: replay.reservationId ?? null,
          shortages: replay.shortages ?? null,
          correlationId: replay.correlationId ?? null,
        };
      }
      const shortages = answer.shortages[String(i + 1)];
      if (shortages) return { outcome: 'refused', shortages };
      return { outcome: 'created', createdAt, allocations: [] };
    });
    const a = answer.allocations;
    a.command.forEach((n, k) => {
      const outcome = outcomes[n - 1] as Extract<ReserveOutcome, { outcome: 'created' }>;
      const lineNo = a.lineNo[k]!;
      outcome.allocations.push({
        lineNo,
        sku: c[n - 1]!.lines[lineNo - 1]!.sku,
        warehouseCode: a.warehouseCode[k]!,
        quantity: a.quantity[k]!,
      });
    });
    return outcomes;
  },

  async load(db: Kysely<InventoryDB>, ids: string[]): Promise<Reservation[]> {
    if (ids.length === 0) return [];
    const [rows, allocations] = await Promise.all([
      db
        .selectFrom('reservations')
        .select([
          'id',
          'reference',
          'status',
          'release_reason',
          'expires_at',
          'created_by',
          'created_at',
          'updated_at',
        ])
        .where('id', 'in', ids)
        .execute(),
      reservationRepository.allocations(db, ids),
    ]);
    return ids.flatMap((id) => {
      const row = rows.find((r) => r.id === id);
      return row
        ? [
            toReservation(
              row,
              allocations.filter((a) => a.reservation_id === id),
            ),
          ]
        : [];
    });
  },

  /** Allocation rows with their warehouse, in line then priority order. */
  async allocations(
    db: Kysely<InventoryDB>,
    ids: string[],
    opts: { heldOnly?: boolean } = {},
  ): Promise<AllocationRow[]> {
    if (ids.length === 0) return [];
    let q = db
      .selectFrom('reservation_allocations as a')
      .innerJoin('warehouses as w', 'w.id', 'a.warehouse_id')
      .select([
        'a.reservation_id',
        'a.line_no',
        'a.sku',
        'a.warehouse_id',
        'a.quantity',
        'a.held',
        'a.committed',
        'a.released',
        'w.code',
        'w.priority',
      ])
      .where('a.reservation_id', 'in', ids);
    if (opts.heldOnly) q = q.where('a.held', '>', 0);
    return q
      .orderBy('a.reservation_id')
      .orderBy('a.line_no')
      .orderBy('w.priority')
      .orderBy('a.warehouse_id')
      .execute();
  },

  async page(
    db: Kysely<InventoryDB>,
    f: { reference?: string; status?: ReservationStatus },
    window: PageWindow,
  ): Promise<{ ids: string[]; totalCount: number }> {
    let q = db.selectFrom('reservations');
    if (f.reference) q = q.where('reference', '=', f.reference);
    if (f.status) q = q.where('status', '=', f.status);
    const { rows, totalCount } = await fetchPage(q, window, (s) =>
      s.select('id').orderBy('created_at', 'desc').orderBy('id', 'desc'),
    );
    return { ids: rows.map((r) => r.id), totalCount };
  },

  /** Takes the reservation row's lock; the status decides what may happen next. */
  async lock(trx: Kysely<InventoryDB>, id: string) {
    return trx
      .selectFrom('reservations')
      .select(['id', 'reference', 'status'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  },

  async setStatus(
    trx: Kysely<InventoryDB>,
    id: string,
    status: ReservationStatus,
    reason: string | null = null,
  ) {
    await trx
      .updateTable('reservations')
      .set({ status, release_reason: reason, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  },

  async touch(trx: Kysely<InventoryDB>, id: string) {
    await trx
      .updateTable('reservations')
      .set({ updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  },

  /** Moves quantities of allocation rows out of `held` (into committed or released). */
  async moveHeld(
    trx: Kysely<InventoryDB>,
    schema: string,
    to: 'committed' | 'released',
    moves: Array<{ reservationId: string; lineNo: number; warehouseId: string; quantity: number }>,
  ): Promise<void> {
    if (moves.length === 0) return;
    const values = moves.map(
      (m) => sql`(${m.reservationId}::uuid, ${m.lineNo}::int, ${m.warehouseId}::uuid, ${m.quantity}::int)`,
    );
    await sql`update ${sql.id(schema, 'reservation_allocations')} as a
      set held = a.held - v.q, ${sql.id(to)} = a.${sql.id(to)} + v.q
      from (values ${sql.join(values)}) as v (reservation_id, line_no, warehouse_id, q)
      where a.reservation_id = v.reservation_id and a.line_no = v.line_no and a.warehouse_id = v.warehouse_id`.execute(
      trx,
    );
  },

  /**
   * Marks up to `limit` held reservations expired at `now` as released (reason expired)
   * and returns them. SKIP LOCKED and the status condition make it safe with several
   * sweepers (replicas): each expired reservation is taken by exactly one of them.
   */
  async claimExpired(
    trx: Kysely<InventoryDB>,
    limit: number,
    now: Date,
  ): Promise<Array<{ id: string; reference: string }>> {
    return trx
      .updateTable('reservations')
      .set({ status: 'released', release_reason: 'expired', updated_at: sql<Date>`now()` })
      .where('status', '=', 'held')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('reservations')
          .select('id')
          .where('status', '=', 'held')
          .where('expires_at', '<=', now)
          .orderBy('expires_at')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .returning(['id', 'reference'])
      .execute();
  },
};

export type { AllocationRow };
