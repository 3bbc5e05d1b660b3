import { fetchPage, prepared, sql, type Kysely, type PageWindow } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { InventoryDB, MovementKind } from '../db.ts';

/** A stock row as the use cases see it: the level and what it needs to know about its warehouse and SKU. */
export interface LevelRow {
  sku: string;
  warehouseId: string;
  warehouseCode: string;
  warehouseName: string;
  priority: number;
  warehouseActive: boolean;
  itemActive: boolean;
  backorder: boolean;
  onHand: number;
  reserved: number;
  /** The SKU's own threshold, else the warehouse default. */
  threshold: number;
}

export interface MovementInsert {
  sku: string;
  warehouseId: string;
  kind: MovementKind;
  delta: number;
  onHandAfter: number;
  actor: string;
  reason?: string | null;
  note?: string | null;
  reservationId?: string | null;
  transferId?: string | null;
}

/** New on-hand and reserved of one locked level row, as read under the lock (`row`). */
export interface LevelWrite {
  row: LevelRow;
  onHand: number;
  reserved: number;
}

/**
 * The UPDATE of level rows (locked by the caller), answering the rows whose availability
 * crossed their low-stock threshold downwards: the database function low_stock_crossed is
 * the rule (one definition, also used by reserve_batch). Arrays, so the text is the same for
 * any number of rows (a prepared statement).
 * Each row is found by a key probe and updated by its row id: a plain join of the arrays to
 * the table lets the cached generic plan scan the whole table at every batch.
 */
function writeLevelsSql(schema: string, rows: LevelWrite[]) {
  const levels = sql.id(schema, 'stock_levels');
  return sql<{ sku: string; warehouseId: string }>`with written as (
    update ${levels} as s
    set on_hand = v.on_hand, reserved = v.reserved, updated_at = now()
    from (select l.ctid as row_id, v.*
          from unnest(${rows.map((r) => r.row.sku)}::text[], ${rows.map((r) => r.row.warehouseId)}::uuid[],
                      ${rows.map((r) => r.onHand)}::int[], ${rows.map((r) => r.reserved)}::int[],
                      ${rows.map((r) => r.row.warehouseActive)}::boolean[],
                      ${rows.map((r) => r.row.onHand - r.row.reserved)}::int[],
                      ${rows.map((r) => r.row.threshold)}::int[])
            as v (sku, warehouse_id, on_hand, reserved, counted, was, threshold)
          cross join lateral (select ctid from ${levels}
                              where sku = v.sku and warehouse_id = v.warehouse_id limit 1) l) v
    where s.ctid = v.row_id
    returning v.sku, v.warehouse_id,
              ${sql.id(schema, 'low_stock_crossed')}(v.counted, v.was, v.on_hand - v.reserved, v.threshold) as low)
    select sku, warehouse_id as "warehouseId" from written where low`;
}

/**
 * The level rows of SKUs with what their use cases need of warehouse and item, locked
 * (`lock`: stockRepository.lockLevels) or not (stockRepository.levels). Written out (not
 * built) and prepared, so its plan is the generic one — levels, warehouse and item each by
 * key probes (index scans whatever the tables' size). Locked rows are taken SKU by SKU in
 * the order of the sorted list and, within a SKU, by warehouse id: the one order every
 * writer takes level locks in (here, and in the database function reserve_batch). Unlocked
 * rows come in warehouse priority order within a SKU.
 */
export function levelRowsSql(schema: string, skus: string[], lock: boolean) {
  const t = (name: string) => sql.id(schema, name);
  const sorted = [...new Set(skus)].sort();
  return sql<LevelRow>`select s.sku, s.warehouse_id as "warehouseId", w.code as "warehouseCode",
      w.name as "warehouseName", w.priority, w.active as "warehouseActive", i.active as "itemActive",
      i.backorder, s.on_hand as "onHand", s.reserved,
      coalesce(i.low_stock_threshold, w.low_stock_threshold) as threshold
    from unnest(${sorted}::text[]) with ordinality as k (sku, n)
    cross join lateral (select sku, warehouse_id, on_hand, reserved from ${t('stock_levels')}
                        where sku = k.sku order by warehouse_id ${lock ? sql`for update` : sql``}) s
    cross join lateral (select code, name, priority, active, low_stock_threshold
                        from ${t('warehouses')} where id = s.warehouse_id limit 1) w
    cross join lateral (select active, backorder, low_stock_threshold
                        from ${t('stock_items')} where sku = s.sku limit 1) i
    order by k.n, ${lock ? sql`s.warehouse_id` : sql`w.priority, s.warehouse_id`}`;
}

/** SQL of stock items, levels and the movements ledger. Write methods take the caller's transaction. */
export const stockRepository = {
  /** Creates the stock items that do not exist yet (zero stock, active); resolves to the SKUs it created. */
  async ensureItems(
    trx: Kysely<InventoryDB>,
    items: ReadonlyArray<{ sku: string; productId: string | null }>,
  ): Promise<string[]> {
    if (items.length === 0) return [];
    const created = await trx
      .insertInto('stock_items')
      .values(items.map((i) => ({ sku: i.sku, product_id: i.productId })))
      .onConflict((oc) => oc.column('sku').doNothing())
      .returning('sku')
      .execute();
    return created.map((r) => r.sku);
  },

  /** Creates the missing (sku, warehouse) rows with zero stock. */
  async ensureLevels(
    trx: Kysely<InventoryDB>,
    pairs: Array<{ sku: string; warehouseId: string }>,
  ): Promise<void> {
    if (pairs.length === 0) return;
    await trx
      .insertInto('stock_levels')
      .values(pairs.map((p) => ({ sku: p.sku, warehouse_id: p.warehouseId })))
      .onConflict((oc) => oc.columns(['sku', 'warehouse_id']).doNothing())
      .execute();
  },

  /** Gives SKUs a zero-stock row in every warehouse (a new product's variants). */
  async ensureLevelsEverywhere(trx: Kysely<InventoryDB>, skus: string[]): Promise<void> {
    if (skus.length === 0) return;
    const warehouses = await trx.selectFrom('warehouses').select('id').execute();
    await stockRepository.ensureLevels(
      trx,
      skus.flatMap((sku) => warehouses.map((w) => ({ sku, warehouseId: w.id }))),
    );
  },

  async setItemsActive(trx: Kysely<InventoryDB>, skus: string[], active: boolean): Promise<void> {
    if (skus.length === 0) return;
    await trx
      .updateTable('stock_items')
      .set({ active, updated_at: sql<Date>`now()` })
      .where('sku', 'in', skus)
      .where('active', '=', !active)
      .execute();
  },

  async updateItem(
    trx: Kysely<InventoryDB>,
    sku: string,
    patch: { backorder?: boolean; lowStockThreshold?: number | null },
  ): Promise<boolean> {
    const res = await trx
      .updateTable('stock_items')
      .set({
        ...(patch.backorder === undefined ? {} : { backorder: patch.backorder }),
        ...(patch.lowStockThreshold === undefined ? {} : { low_stock_threshold: patch.lowStockThreshold }),
        updated_at: sql<Date>`now()`,
      })
      .where('sku', '=', sku)
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  },

  async findItem(db: Kysely<InventoryDB>, sku: string, opts: { forUpdate?: boolean } = {}) {
    let q = db.selectFrom('stock_items').selectAll().where('sku', '=', sku);
    if (opts.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  /** Every level row of the SKUs, in warehouse priority order (no locks). */
  /**
   * Level rows whose availability is at or below their threshold (the SKU's own, else the
   * warehouse's), per active warehouse, of active SKUs: what the low-stock gauge shows.
   */
  async lowStockCounts(
    db: Kysely<InventoryDB>,
    schema: string,
  ): Promise<Array<{ warehouse: string; n: number }>> {
    const t = (name: string) => sql.id(schema, name);
    const { rows } = await sql<{
      warehouse: string;
      n: number;
    }>`select w.code as warehouse, count(*)::int as n
      from ${t('stock_levels')} s
      join ${t('warehouses')} w on w.id = s.warehouse_id and w.active
      join ${t('stock_items')} i on i.sku = s.sku and i.active
      where s.on_hand - s.reserved <= coalesce(i.low_stock_threshold, w.low_stock_threshold)
      group by w.code order by w.code`.execute(db);
    return rows;
  },

  async levels(db: Kysely<InventoryDB>, schema: string, skus: string[]): Promise<LevelRow[]> {
    if (skus.length === 0) return [];
    return (await prepared(levelRowsSql(schema, skus, false)).execute(db)).rows;
  },

  /**
   * Locks every level row of the SKUs in one deterministic order (sku, warehouse id) — the
   * order every writer uses, so writers over overlapping SKUs never deadlock — and reads them.
   */
  async lockLevels(trx: Kysely<InventoryDB>, schema: string, skus: string[]): Promise<LevelRow[]> {
    if (skus.length === 0) return [];
    return (await prepared(levelRowsSql(schema, skus, true)).execute(trx)).rows;
  },

  /**
   * Writes new levels of locked rows in one statement; resolves to the rows whose
   * availability crossed their low-stock threshold downwards (the database's rule).
   */
  async writeLevels(
    trx: Kysely<InventoryDB>,
    schema: string,
    rows: LevelWrite[],
  ): Promise<Array<{ sku: string; warehouseId: string }>> {
    if (rows.length === 0) return [];
    return (await prepared(writeLevelsSql(schema, rows)).execute(trx)).rows;
  },

  async insertMovements(trx: Kysely<InventoryDB>, rows: MovementInsert[]): Promise<string[]> {
    if (rows.length === 0) return [];
    const ids = rows.map(() => newId());
    await trx
      .insertInto('stock_movements')
      .values(
        rows.map((m, i) => ({
          id: ids[i] as string,
          sku: m.sku,
          warehouse_id: m.warehouseId,
          kind: m.kind,
          delta: m.delta,
          on_hand_after: m.onHandAfter,
          reservation_id: m.reservationId ?? null,
          transfer_id: m.transferId ?? null,
          actor: m.actor,
          reason: m.reason ?? null,
          note: m.note ?? null,
        })),
      )
      .execute();
    return ids;
  },
};

/** One ledger row as the API shows it. */
export interface MovementRow {
  id: string;
  sku: string;
  warehouseCode: string;
  kind: string;
  delta: number;
  onHandAfter: number;
  reservationId: string | null;
  transferId: string | null;
  actor: string;
  reason: string | null;
  note: string | null;
  createdAt: Date;
}

export interface MovementFilterInput {
  sku?: string;
  warehouseCode?: string;
  kind?: string;
  reservationId?: string;
  from?: string;
  to?: string;
}

function movementBase(db: Kysely<InventoryDB>) {
  return db.selectFrom('stock_movements as m').innerJoin('warehouses as w', 'w.id', 'm.warehouse_id');
}

function movementColumns<T extends ReturnType<typeof movementBase>>(q: T) {
  return q.select([
    'm.id',
    'm.sku',
    'w.code as warehouseCode',
    'm.kind',
    'm.delta',
    'm.on_hand_after as onHandAfter',
    'm.reservation_id as reservationId',
    'm.transfer_id as transferId',
    'm.actor',
    'm.reason',
    'm.note',
    'm.created_at as createdAt',
  ]);
}

export const movementRepository = {
  async byIds(db: Kysely<InventoryDB>, ids: string[]): Promise<MovementRow[]> {
    if (ids.length === 0) return [];
    const rows = await movementColumns(movementBase(db).where('m.id', 'in', ids)).execute();
    return ids.map((id) => rows.find((r) => r.id === id) as MovementRow);
  },
  async page(
    db: Kysely<InventoryDB>,
    f: MovementFilterInput,
    window: PageWindow,
  ): Promise<{ rows: MovementRow[]; totalCount: number }> {
    let q = movementBase(db);
    if (f.sku) q = q.where('m.sku', '=', f.sku);
    if (f.warehouseCode) q = q.where('w.code', '=', f.warehouseCode);
    if (f.kind) q = q.where('m.kind', '=', f.kind as MovementKind);
    if (f.reservationId) q = q.where('m.reservation_id', '=', f.reservationId);
    if (f.from) q = q.where('m.created_at', '>=', new Date(f.from));
    if (f.to) q = q.where('m.created_at', '<', new Date(f.to));
    return fetchPage(q, window, (s) =>
      movementColumns(s).orderBy('m.created_at', 'desc').orderBy('m.id', 'desc'),
    );
  },
};
