import { fetchPage, sql, type Kysely, type PageWindow } from '@mercato/platform/db';
import type { InventoryDB, ReservationStatus } from '../db.ts';
import type { Reservation, Shortage } from './reservation.ts';

/** What the reserving statement needs. */
export interface ReserveCommand {
  id: string;
  reference: string;
  expiresAt: string;
  actor: string;
  lines: Array<{ sku: string; quantity: number }>;
  /** The envelope fields every event of this request shares (version, source, time, correlation…). */
  envelope: Record<string, unknown>;
  /** A fresh UUIDv7; event n gets it with its last 4 hex digits replaced by n. */
  eventIdBase: string;
  /** The request's Idempotency-Key record (the kit's scope and fingerprint): stored on the reservation. */
  idempotency: { scope: string; key: string; fingerprint: string };
}

export interface ReservedAllocation {
  lineNo: number;
  sku: string;
  warehouseCode: string;
  quantity: number;
}

/**
 * What the statement did: `created` (createdAt, allocations), `refused` (shortages), or, for
 * a key used before, `replay` of the same request (reservationId, or the stored shortages of
 * a refusal) or `mismatch` (the key came with another request).
 */
export type ReserveOutcome =
  | { outcome: 'created'; createdAt: Date; allocations: ReservedAllocation[] }
  | { outcome: 'refused'; shortages: Shortage[] }
  | {
      outcome: 'replay';
      reservationId: string | null;
      /** A replayed refusal: its shortages and the first answer's correlationId. */
      shortages: Shortage[] | null;
      correlationId: string | null;
    }
  | { outcome: 'mismatch' };

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
   * Reserves every line or nothing in ONE statement run in autocommit: the row locks are
   * held for that statement and its commit only, which is what a hot SKU's throughput
   * depends on. The statement is the function `reserve_stock` (migrations/0002), planned
   * once per connection; its header explains the allocation.
   */
  async reserve(db: Kysely<InventoryDB>, schema: string, c: ReserveCommand): Promise<ReserveOutcome> {
    const lines = JSON.stringify(c.lines);
    const k = c.idempotency;
    const result = await sql<{
      outcome: ReserveOutcome['outcome'];
      reservation_id: string | null;
      created_at: Date | null;
      shortages: Shortage[] | null;
      allocations: ReservedAllocation[] | null;
      correlation_id: string | null;
    }>`select outcome, reservation_id, created_at, shortages, allocations, correlation_id from ${sql.id(schema, 'reserve_stock')}(
      ${c.id}::uuid, ${c.reference}::text, ${c.lines.map((l) => l.sku)}::text[], ${c.lines.map((l) => l.quantity)}::int[],
      ${lines}::jsonb, ${c.expiresAt}::text, ${c.actor}::text, ${JSON.stringify(c.envelope)}::jsonb, ${c.eventIdBase}::text,
      ${k.scope}::text, ${k.key}::text, ${k.fingerprint}::text)`.execute(db);
    const row = result.rows[0];
    if (!row) throw new Error('reserve_stock returned no row');
    switch (row.outcome) {
      case 'created':
        return { outcome: 'created', createdAt: row.created_at!, allocations: row.allocations ?? [] };
      case 'refused':
        return { outcome: 'refused', shortages: row.shortages ?? [] };
      case 'replay':
        return {
          outcome: 'replay',
          reservationId: row.reservation_id,
          shortages: row.shortages,
          correlationId: row.correlation_id,
        };
      case 'mismatch':
        return { outcome: 'mismatch' };
    }
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
   * Marks up to `limit` held reservations past their expiry as released (reason expired)
   * and returns them. SKIP LOCKED and the status condition make it safe with several
   * sweepers (replicas): each expired reservation is taken by exactly one of them.
   */
  async claimExpired(
    trx: Kysely<InventoryDB>,
    limit: number,
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
          .where('expires_at', '<=', sql<Date>`now()`)
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
