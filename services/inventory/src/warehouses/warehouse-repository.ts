import { sql, type Kysely, type Selectable } from '@mercato/platform/db';
import { jsonb } from '@mercato/platform/db';
import { type InventoryDB, type WarehousesTable } from '../db.ts';
import type { CreateWarehouseInput, UpdateWarehouseInput, Warehouse } from './warehouse.ts';

function toWarehouse(row: Selectable<WarehousesTable>): Warehouse {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    address: (row.address ?? {}) as Warehouse['address'],
    priority: row.priority,
    active: row.active,
    lowStockThreshold: row.low_stock_threshold,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** SQL of warehouses. Write methods take the caller's transaction. */
export const warehouseRepository = {
  async list(db: Kysely<InventoryDB>): Promise<Warehouse[]> {
    const rows = await db.selectFrom('warehouses').selectAll().orderBy('priority').orderBy('code').execute();
    return rows.map(toWarehouse);
  },
  async findByCode(
    db: Kysely<InventoryDB>,
    code: string,
    opts: { forUpdate?: boolean } = {},
  ): Promise<Warehouse | undefined> {
    let q = db.selectFrom('warehouses').selectAll().where('code', '=', code);
    if (opts.forUpdate) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row && toWarehouse(row);
  },
  async insert(trx: Kysely<InventoryDB>, id: string, input: CreateWarehouseInput): Promise<Warehouse> {
    const row = await trx
      .insertInto('warehouses')
      .values({
        id,
        code: input.code,
        name: input.name,
        address: jsonb(input.address ?? {}),
        priority: input.priority,
        active: input.active,
        low_stock_threshold: input.lowStockThreshold,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toWarehouse(row);
  },
  async update(trx: Kysely<InventoryDB>, id: string, patch: UpdateWarehouseInput): Promise<Warehouse> {
    const row = await trx
      .updateTable('warehouses')
      .set({
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.address === undefined ? {} : { address: jsonb(patch.address) }),
        ...(patch.priority === undefined ? {} : { priority: patch.priority }),
        ...(patch.active === undefined ? {} : { active: patch.active }),
        ...(patch.lowStockThreshold === undefined ? {} : { low_stock_threshold: patch.lowStockThreshold }),
        version: sql<number>`version + 1`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toWarehouse(row);
  },
  /** Whether the warehouse ever held stock: a ledger row, an allocation, or stock on hand. */
  async inUse(db: Kysely<InventoryDB>, id: string): Promise<boolean> {
    const row = await db
      .selectNoFrom((eb) => [
        eb
          .or([
            eb.exists(eb.selectFrom('stock_movements').select('id').where('warehouse_id', '=', id)),
            eb.exists(eb.selectFrom('reservation_allocations').select('sku').where('warehouse_id', '=', id)),
            eb.exists(
              eb
                .selectFrom('stock_levels')
                .select('sku')
                .where('warehouse_id', '=', id)
                .where((w) => w.or([w('on_hand', '>', 0), w('reserved', '>', 0)])),
            ),
          ])
          .as('used'),
      ])
      .executeTakeFirstOrThrow();
    return Boolean(row.used);
  },
  async delete(trx: Kysely<InventoryDB>, id: string): Promise<void> {
    await trx.deleteFrom('stock_levels').where('warehouse_id', '=', id).execute();
    await trx.deleteFrom('warehouses').where('id', '=', id).execute();
  },
  /** SKUs with a row in this warehouse (their availability changes when it is (de)activated). */
  async skusIn(db: Kysely<InventoryDB>, id: string): Promise<string[]> {
    const rows = await db
      .selectFrom('stock_levels')
      .select('sku')
      .where('warehouse_id', '=', id)
      .where('on_hand', '>', 0)
      .orderBy('sku')
      .execute();
    return rows.map((r) => r.sku);
  },
};
