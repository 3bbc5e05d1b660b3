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
}

export interface ReservedAllocation {
  lineNo: number;
  sku: string;
  warehouseCode: string;
  quantity: number;
}

export interface ReserveOutcome {
  createdAt: Date | null;
  shortages: Shortage[];
  allocations: ReservedAllocation[];
}

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
    lines: unknown;
    expires_at: Date;
    created_by: string;
    created_at: Date;
    updated_at: Date;
  },
  allocations: AllocationRow[],
): Reservation {
  const lines = (row.lines as Array<{ sku: string; quantity: number }>).map((l, i) => {
    const mine = allocations.filter((a) => a.line_no === i + 1);
    const sum = (k: 'held' | 'committed' | 'released') => mine.reduce((n, a) => n + a[k], 0);
    return {
      sku: l.sku,
      quantity: l.quantity,
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
   * Reserves every line or nothing, in ONE statement (autocommit: the row locks are held
   * for this statement and its commit only, which is what a hot SKU's throughput depends on):
   *
   * 1. `locked` locks every level row of the requested SKUs in (sku, warehouse id) order —
   *    the order every writer uses, so overlapping reservations queue instead of deadlocking —
   *    and reads their current values;
   * 2. `plan` allocates each line over the usable rows (active warehouse, active SKU) by
   *    warehouse priority: a row gives what is still missing after the rows before it,
   *    so a line is split when its first warehouse is short;
   * 3. `short` lists the lines whose usable availability is below the request: if any,
   *    nothing below writes (each write is conditioned on `not exists short`);
   * 4. the levels' `reserved`, the reservation, its allocation rows and the outbox rows
   *    (inventory.reserved, inventory.stock_changed per SKU, inventory.low_stock per row
   *    crossing its threshold downwards) are written by the same statement.
   *
   * The CHECK (reserved <= on_hand) would refuse an oversell even if this plan were wrong.
   */
  async reserve(db: Kysely<InventoryDB>, schema: string, c: ReserveCommand): Promise<ReserveOutcome> {
    const t = (name: string) => sql.id(schema, name);
    const skus = c.lines.map((l) => l.sku);
    const qtys = c.lines.map((l) => l.quantity);
    const lines = JSON.stringify(c.lines);
    const result = await sql<{
      created_at: Date | null;
      shortages: Shortage[];
      allocations: ReservedAllocation[];
    }>`
with req as (
  select r.sku, r.qty, r.line_no::int as line_no
  from unnest(${skus}::text[], ${qtys}::int[]) with ordinality as r (sku, qty, line_no)
),
locked as materialized (
  select s.sku, s.warehouse_id, s.on_hand, s.reserved
  from ${t('stock_levels')} s
  where s.sku = any(${skus}::text[])
  order by s.sku, s.warehouse_id
  for update
),
cand as (
  select k.sku, k.warehouse_id, w.code, w.priority, w.active as counted, (w.active and i.active) as usable,
         i.backorder, k.on_hand, k.on_hand - k.reserved as avail,
         coalesce(i.low_stock_threshold, w.low_stock_threshold) as threshold
  from locked k
  join ${t('warehouses')} w on w.id = k.warehouse_id
  join ${t('stock_items')} i on i.sku = k.sku
),
plan as (
  select r.line_no, c.sku, c.warehouse_id, c.code, c.priority, c.avail, c.threshold,
         least(c.avail, greatest(0, r.qty - coalesce(sum(c.avail) over before_me, 0)))::int as take
  from req r
  join cand c on c.sku = r.sku and c.usable and c.avail > 0
  window before_me as (partition by r.line_no order by c.priority, c.warehouse_id
                       rows between unbounded preceding and 1 preceding)
),
short as (
  select r.line_no, r.sku, r.qty, coalesce(sum(p.avail), 0)::int as available
  from req r left join plan p on p.line_no = r.line_no
  group by r.line_no, r.sku, r.qty
  having coalesce(sum(p.avail), 0) < r.qty
),
alloc as (
  select p.* from plan p where p.take > 0 and not exists (select 1 from short)
),
upd as (
  update ${t('stock_levels')} s set reserved = s.reserved + a.take, updated_at = now()
  from alloc a
  where s.sku = a.sku and s.warehouse_id = a.warehouse_id
  returning s.sku
),
res as (
  insert into ${t('reservations')} (id, reference, status, lines, expires_at, created_by)
  select ${c.id}::uuid, ${c.reference}, 'held', ${lines}::jsonb, ${c.expiresAt}::timestamptz, ${c.actor}
  where not exists (select 1 from short)
  returning created_at
),
ins as (
  insert into ${t('reservation_allocations')} (reservation_id, line_no, sku, warehouse_id, quantity, held)
  select ${c.id}::uuid, a.line_no, a.sku, a.warehouse_id, a.take, a.take from alloc a
),
totals as (
  select c.sku, bool_or(c.backorder) as backorder,
         coalesce(sum(c.on_hand) filter (where c.counted), 0)::int as on_hand,
         (coalesce(sum(c.avail) filter (where c.counted), 0)
           - (select sum(a.take) from alloc a where a.sku = c.sku))::int as available
  from cand c
  where c.sku in (select a.sku from alloc a)
  group by c.sku
),
ev as (
  select 0 as ord, ${c.id}::text as subject, '' as k, 'inventory.reserved' as type,
         jsonb_build_object(
           'reservationId', ${c.id}::text,
           'reference', ${c.reference}::text,
           'expiresAt', ${c.expiresAt}::text,
           'lines', ${lines}::jsonb,
           'allocations', (select jsonb_agg(jsonb_build_object('sku', a.sku, 'warehouseCode', a.code, 'quantity', a.take)
                                            order by a.line_no, a.priority, a.warehouse_id) from alloc a)) as data
  where not exists (select 1 from short)
  union all
  select 1, t.sku, '', 'inventory.stock_changed',
         jsonb_build_object('sku', t.sku, 'available', greatest(t.available, 0), 'onHand', t.on_hand, 'backorder', t.backorder)
  from totals t
  union all
  select 2, a.sku, a.code, 'inventory.low_stock',
         jsonb_build_object('sku', a.sku, 'warehouseCode', a.code, 'available', a.avail - a.take, 'threshold', a.threshold)
  from alloc a
  where a.avail > a.threshold and a.avail - a.take <= a.threshold
),
numbered as (
  select ev.*, overlay(${c.eventIdBase}::text placing lpad(to_hex(row_number() over (order by ord, subject, k)), 4, '0')
                       from 33 for 4) as eid
  from ev
),
ob as (
  insert into ${t('outbox')} (id, type, envelope)
  select n.eid::uuid, n.type,
         ${JSON.stringify(c.envelope)}::jsonb
           || jsonb_build_object('id', n.eid, 'type', n.type, 'subject', n.subject, 'data', n.data)
  from numbered n
  order by n.eid
)
select
  (select created_at from res) as created_at,
  (select coalesce(jsonb_agg(jsonb_build_object('lineNo', s.line_no, 'sku', s.sku, 'requested', s.qty,
                                                'available', s.available) order by s.line_no), '[]'::jsonb)
   from short s) as shortages,
  (select coalesce(jsonb_agg(jsonb_build_object('lineNo', a.line_no, 'sku', a.sku, 'warehouseCode', a.code,
                                                'quantity', a.take) order by a.line_no, a.priority, a.warehouse_id),
                   '[]'::jsonb)
   from alloc a) as allocations`.execute(db);
    const row = result.rows[0];
    if (!row) throw new Error('the reserving statement returned no row');
    return { createdAt: row.created_at, shortages: row.shortages, allocations: row.allocations };
  },

  async load(db: Kysely<InventoryDB>, ids: string[]): Promise<Reservation[]> {
    if (ids.length === 0) return [];
    const [rows, allocations] = await Promise.all([
      db.selectFrom('reservations').selectAll().where('id', 'in', ids).execute(),
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
