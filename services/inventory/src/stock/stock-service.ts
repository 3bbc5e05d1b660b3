import type { InventoryStockChangedV1 } from '@mercato/contracts';
import { CommonErrors } from '@mercato/platform/errors';
import { pageResult } from '@mercato/platform/http';
import { type ServiceContext } from '@mercato/platform/service';
import { newId } from '@mercato/platform/ids';
import type { Kysely } from '@mercato/platform/db';
import type { InventoryDB } from '../db.ts';
import { InventoryErrors } from '../errors.ts';
import { warehouseNotFound } from '../warehouses/warehouse-service.ts';
import { warehouseRepository } from '../warehouses/warehouse-repository.ts';
import { applyLevelChanges, type AppliedRow } from './level-changes.ts';
import type {
  AdjustmentInput,
  Availability,
  Movement,
  MovementFilter,
  SkuStock,
  TransferInput,
  UpdateSkuInput,
  WarehouseLevel,
} from './stock.ts';
import {
  movementRepository,
  stockRepository as repo,
  type LevelRow,
  type MovementRow,
} from './stock-repository.ts';

/** Use cases of stock levels, adjustments, transfers and the ledger. */
export interface StockService {
  get(sku: string): Promise<SkuStock>;
  update(sku: string, patch: UpdateSkuInput): Promise<SkuStock>;
  availability(skus: string[]): Promise<Availability[]>;
  adjust(input: AdjustmentInput, actor: string): Promise<{ movement: Movement; level: WarehouseLevel }>;
  transfer(
    input: TransferInput,
    actor: string,
  ): Promise<{ transferId: string; movements: Movement[]; levels: WarehouseLevel[] }>;
  movements(filter: MovementFilter): Promise<ReturnType<typeof pageResult<Movement>>>;
}

export const skuNotFound = (sku: string) => InventoryErrors.INVENTORY_SKU_NOT_FOUND(`no stock item ${sku}`);

export function toMovement(m: MovementRow): Movement {
  return { ...m, createdAt: m.createdAt.toISOString() };
}

function levelOf(r: AppliedRow): WarehouseLevel {
  return {
    sku: r.row.sku,
    warehouseCode: r.row.warehouseCode,
    onHand: r.onHand,
    reserved: r.reserved,
    available: r.onHand - r.reserved,
  };
}

function skuStock(
  item: {
    sku: string;
    product_id: string | null;
    active: boolean;
    backorder: boolean;
    low_stock_threshold: number | null;
  },
  rows: LevelRow[],
): SkuStock {
  let onHand = 0;
  let reserved = 0;
  for (const r of rows) {
    if (!r.warehouseActive) continue;
    onHand += r.onHand;
    reserved += r.reserved;
  }
  return {
    sku: item.sku,
    productId: item.product_id,
    active: item.active,
    backorder: item.backorder,
    lowStockThreshold: item.low_stock_threshold,
    onHand,
    reserved,
    available: onHand - reserved,
    warehouses: rows.map((r) => ({
      warehouseCode: r.warehouseCode,
      warehouseName: r.warehouseName,
      priority: r.priority,
      warehouseActive: r.warehouseActive,
      onHand: r.onHand,
      reserved: r.reserved,
      available: r.onHand - r.reserved,
      lowStockThreshold: r.threshold,
    })),
  };
}

export function createStockService(ctx: ServiceContext<InventoryDB>): StockService {
  const { database, outbox } = ctx;
  const db = database.db;

  async function warehouseId(trx: Kysely<InventoryDB>, code: string): Promise<string> {
    const w = await warehouseRepository.findByCode(trx, code);
    if (!w) throw warehouseNotFound(code);
    return w.id;
  }

  async function requireItem(trx: Kysely<InventoryDB>, sku: string): Promise<void> {
    if (!(await repo.findItem(trx, sku))) throw skuNotFound(sku);
  }

  const service: StockService = {
    async get(sku) {
      const item = await repo.findItem(db, sku);
      if (!item) throw skuNotFound(sku);
      return skuStock(item, await repo.levels(db, database.schema, [sku]));
    },

    async update(sku, patch) {
      await database.transaction(async (trx) => {
        const item = await repo.findItem(trx, sku, { forUpdate: true });
        if (!item) throw skuNotFound(sku);
        await repo.updateItem(trx, sku, patch);
        if (patch.backorder !== undefined && patch.backorder !== item.backorder) {
          // The storefront's in-stock filter reads backorder too.
          const { onHand, available } = skuStock(item, await repo.levels(trx, database.schema, [sku]));
          const data: InventoryStockChangedV1 = { sku, onHand, available, backorder: patch.backorder };
          await outbox.add(trx, { type: 'inventory.stock_changed', subject: sku, data });
        }
      });
      return service.get(sku);
    },

    async availability(skus) {
      const unique = [...new Set(skus)];
      const [items, rows] = await Promise.all([
        unique.length === 0
          ? []
          : db
              .selectFrom('stock_items')
              .select(['sku', 'active', 'backorder'])
              .where('sku', 'in', unique)
              .execute(),
        repo.levels(db, database.schema, unique),
      ]);
      const bySku = new Map(items.map((i) => [i.sku, { ...i, available: 0 }]));
      for (const r of rows) {
        const item = bySku.get(r.sku);
        if (item && r.warehouseActive) item.available += r.onHand - r.reserved;
      }
      return skus.map((sku) => {
        const item = bySku.get(sku);
        return item
          ? { sku, available: item.available, backorder: item.backorder, active: item.active }
          : { sku, available: 0, backorder: false, active: false };
      });
    },

    async adjust(input, actor) {
      if (input.kind !== 'count' && input.quantity < 1) {
        throw CommonErrors.VALIDATION_FAILED(undefined, {
          errors: [{ path: '/body/quantity', message: `must be >= 1 for ${input.kind}` }],
        });
      }
      const result = await database.transaction(async (trx) => {
        const wid = await warehouseId(trx, input.warehouseCode);
        // Stock found on a shelf (restock, count) creates the item; other changes need it.
        if (input.kind === 'restock' || input.kind === 'count')
          await repo.ensureItems(trx, [{ sku: input.sku, productId: null }]);
        else await requireItem(trx, input.sku);
        await repo.ensureLevels(trx, [{ sku: input.sku, warehouseId: wid }]);
        const movement = { kind: input.kind, actor, reason: input.reason ?? null, note: input.note ?? null };
        const applied = await applyLevelChanges(trx, database.schema, [
          input.kind === 'count'
            ? { sku: input.sku, warehouseId: wid, setOnHand: input.quantity, movement }
            : {
                sku: input.sku,
                warehouseId: wid,
                onHandDelta: input.kind === 'restock' ? input.quantity : -input.quantity,
                movement,
              },
        ]);
        await outbox.addMany(trx, applied.events);
        const [m] = await movementRepository.byIds(trx, applied.movementIds);
        return { movement: toMovement(m as MovementRow), level: levelOf(applied.rows[0] as AppliedRow) };
      });
      return result;
    },

    async transfer(input, actor) {
      if (input.fromWarehouseCode === input.toWarehouseCode) {
        throw CommonErrors.VALIDATION_FAILED(undefined, {
          errors: [{ path: '/body/toWarehouseCode', message: 'must differ from fromWarehouseCode' }],
        });
      }
      return database.transaction(async (trx) => {
        const from = await warehouseId(trx, input.fromWarehouseCode);
        const to = await warehouseId(trx, input.toWarehouseCode);
        await requireItem(trx, input.sku);
        await repo.ensureLevels(trx, [
          { sku: input.sku, warehouseId: from },
          { sku: input.sku, warehouseId: to },
        ]);
        const transferId = newId();
        const base = { actor, reason: input.reason ?? null, note: input.note ?? null, transferId };
        const applied = await applyLevelChanges(trx, database.schema, [
          {
            sku: input.sku,
            warehouseId: from,
            onHandDelta: -input.quantity,
            movement: { ...base, kind: 'transfer_out' },
          },
          {
            sku: input.sku,
            warehouseId: to,
            onHandDelta: input.quantity,
            movement: { ...base, kind: 'transfer_in' },
          },
        ]);
        await outbox.addMany(trx, applied.events);
        const movements = await movementRepository.byIds(trx, applied.movementIds);
        return { transferId, movements: movements.map(toMovement), levels: applied.rows.map(levelOf) };
      });
    },

    async movements(filter) {
      const { rows, totalCount } = await movementRepository.page(db, filter, filter);
      return pageResult(rows.map(toMovement), filter.page, filter.pageSize, totalCount);
    },
  };
  return service;
}
