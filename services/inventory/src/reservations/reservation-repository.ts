import { fetchPage, prepared, sql, type Kysely, type PageWindow } from '@mercato/platform/db';
import type { RawBuilder } from 'kysely';
import { type InventoryDB, type ReservationStatus } from '../db.ts';
import { levelRowsSql, writeLevelsSql, type LevelRow, type LevelWrite } from '../stock/stock-repository.ts';
import { markStockChangedSql } from '../stock/stock-signals.ts';
import type { Reservation, Shortage } from './reservation.ts';

/** A used Idempotency-Key of POST /reservations: its reservation, or its stored refusal. */
export type KeyRecord =
  | { kind: 'reservation'; hash: string; reservationId: string }
  | { kind: 'refusal'; hash: string; shortages: Shortage[]; correlationId: string };

/** An allocation row of a new reservation. */
export interface AllocationInsert {
  reservationId: string;
  lineNo: number;
  sku: string;
  warehouseId: string;
  quantity: number;
}

/** A stored refusal: the key's record of a 409, with the first answer's correlationId. */
export interface RefusalInsert {
  idempotency: { scope: string; key: string; fingerprint: string };
  shortages: Shortage[];
  correlationId: string;
}

/** What one batch of reservations writes (reservationRepository.writeBatch). */
export interface BatchWrites {
  held: ReservationInsert[];
  allocations: AllocationInsert[];
  levels: LevelWrite[];
  refusals: RefusalInsert[];
  /** SKUs whose availability changed (stock_changed marks). */
  marked: string[];
  /** The outbox INSERT of the batch's events (Outbox.stage). */
  events: RawBuilder<unknown>;
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

/**
 * The row of key (k.scope, k.key) in a table, for a LATERAL join on `unnest(...) as k`. The
 * LIMIT keeps it a per-key index probe whatever plan the server caches for a prepared
 * statement: as a plain join, a plan made while the table was small (a new shop) hashes a
 * sequential scan of it, and keeps doing so as it grows.
 */
function keyProbe(
  schema: string,
  table: string,
  scopeColumn: string,
  keyColumn: string,
  columns: RawBuilder<unknown>,
) {
  return sql`select ${columns} from ${sql.id(schema, table)}
    where ${sql.id(scopeColumn)} = k.scope and ${sql.id(keyColumn)} = k.key limit 1`;
}

/** A used key as keyRecordsSql reads it. */
interface KeyRow {
  scope: string;
  key: string;
  hash: string;
  reservation_id: string | null;
  shortages: Shortage[] | null;
  correlation_id: string | null;
}

/** The records of used keys: reservations and refusals, as rows. */
function keyRecordsSql(schema: string, keys: Array<{ scope: string; key: string }>) {
  const scopes = keys.map((k) => k.scope);
  const names = keys.map((k) => k.key);
  return sql<KeyRow>`select k.scope, k.key, r.idem_hash as hash, r.id as reservation_id,
        null::jsonb as shortages, null::text as correlation_id
      from unnest(${scopes}::text[], ${names}::text[]) as k (scope, key)
      cross join lateral (${keyProbe(schema, 'reservations', 'idem_scope', 'idem_key', sql`idem_hash, id`)}) r
      union all
      select k.scope, k.key, f.request_hash, null, f.shortages, f.correlation_id
      from unnest(${scopes}::text[], ${names}::text[]) as k (scope, key)
      cross join lateral (${keyProbe(
        schema,
        'reservation_refusals',
        'scope',
        'key',
        sql`request_hash, shortages, correlation_id`,
      )}) f`;
}

function toKeyRecords(rows: KeyRow[]): Map<string, KeyRecord> {
  const found = new Map<string, KeyRecord>();
  for (const r of rows) {
    const k = keyOf(r);
    // A key with both (a refusal raced a reservation of another request): the reservation wins.
    if (found.get(k)?.kind === 'reservation') continue;
    found.set(
      k,
      r.reservation_id
        ? { kind: 'reservation', hash: r.hash, reservationId: r.reservation_id }
        : {
            kind: 'refusal',
            hash: r.hash,
            shortages: r.shortages ?? [],
            correlationId: r.correlation_id ?? '',
          },
    );
  }
  return found;
}

/** SQL of reservations and their allocations. */
export const reservationRepository = {
  /**
   * What a reservation batch reads, in one round trip: the records of its keys already used
   * (reservations and refusals, by keyOf) and its SKUs' level rows, locked in (sku,
   * warehouse id) order (see stockRepository.lockLevels).
   */
  async readBatch(
    trx: Kysely<InventoryDB>,
    schema: string,
    keys: Array<{ scope: string; key: string }>,
    skus: string[],
  ): Promise<{ keys: Map<string, KeyRecord>; levels: LevelRow[] }> {
    const read = await prepared(
      sql<{ keys: KeyRow[]; levels: LevelRow[] }>`
      with used as (${keyRecordsSql(schema, keys)}), locked as (${levelRowsSql(schema, skus, true)})
      select (select coalesce(json_agg(used), '[]') from used) as keys,
             (select coalesce(json_agg(locked order by locked.sku, locked."warehouseId"), '[]') from locked)
               as levels`,
    ).execute(trx);
    const row = read.rows[0] ?? { keys: [], levels: [] };
    return { keys: toKeyRecords(row.keys), levels: row.levels };
  },

  /**
   * Every write of a reservation batch in ONE statement (data-modifying CTEs), so its level
   * rows stay locked for one round trip and the commit. Counts what was written and how many
   * refused keys a reservation holds (a duplicate that took the stock meanwhile); `now` is
   * the transaction's time, the created_at of its reservations. Every list is one array
   * parameter and every part is always there (an empty array writes nothing): the text never
   * changes, so it is prepared once per connection instead of planned per batch.
   */
  async writeBatch(
    trx: Kysely<InventoryDB>,
    schema: string,
    w: BatchWrites,
  ): Promise<{ held: number; refused: number; taken: number; now: Date }> {
    const { held, allocations: a, refusals } = w;
    // Only replays in the batch: nothing to write.
    if (held.length + w.levels.length + refusals.length + w.marked.length === 0) {
      return { held: 0, refused: 0, taken: 0, now: new Date() };
    }
    const t = (name: string) => sql.id(schema, name);
    const counted = await prepared(
      sql<{ held: number; refused: number; taken: number; now: Date }>`
      with held as (
        insert into ${t('reservations')}
          (id, reference, status, expires_at, created_by, idem_scope, idem_key, idem_hash)
        select id, reference, 'held', expires_at, created_by, idem_scope, idem_key, idem_hash
        from unnest(${held.map((r) => r.id)}::uuid[], ${held.map((r) => r.reference)}::text[],
                    ${held.map((r) => r.expiresAt)}::timestamptz[], ${held.map((r) => r.actor)}::text[],
                    ${held.map((r) => r.idempotency.scope)}::text[], ${held.map((r) => r.idempotency.key)}::text[],
                    ${held.map((r) => r.idempotency.fingerprint)}::text[])
          as v (id, reference, expires_at, created_by, idem_scope, idem_key, idem_hash)
        on conflict (idem_scope, idem_key) do nothing
        returning id),
      allocations as (
        insert into ${t('reservation_allocations')} (reservation_id, line_no, sku, warehouse_id, quantity, held)
        select v.*, v.quantity
        from unnest(${a.map((x) => x.reservationId)}::uuid[], ${a.map((x) => x.lineNo)}::int[],
                    ${a.map((x) => x.sku)}::text[], ${a.map((x) => x.warehouseId)}::uuid[],
                    ${a.map((x) => x.quantity)}::int[])
          as v (reservation_id, line_no, sku, warehouse_id, quantity)),
      levels as (${writeLevelsSql(schema, w.levels)}),
      refusals as (
        insert into ${t('reservation_refusals')} (scope, key, request_hash, shortages, correlation_id)
        select * from unnest(${refusals.map((r) => r.idempotency.scope)}::text[],
                             ${refusals.map((r) => r.idempotency.key)}::text[],
                             ${refusals.map((r) => r.idempotency.fingerprint)}::text[],
                             ${refusals.map((r) => JSON.stringify(r.shortages))}::jsonb[],
                             ${refusals.map((r) => r.correlationId)}::text[])
        on conflict (scope, key) do nothing
        returning key),
      marks as (${markStockChangedSql(schema, w.marked)}),
      events as (${w.events})
      select (select count(*) from held)::int as held,
             (select count(*) from refusals)::int as refused,
             (select count(*)
                from unnest(${refusals.map((r) => r.idempotency.scope)}::text[],
                            ${refusals.map((r) => r.idempotency.key)}::text[]) as k (scope, key)
                cross join lateral (${keyProbe(schema, 'reservations', 'idem_scope', 'idem_key', sql`1`)}) r
             )::int as taken,
             now() as now`,
    ).execute(trx);
    return counted.rows[0] as { held: number; refused: number; taken: number; now: Date };
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
