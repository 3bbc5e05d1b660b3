import { checkVersion, type ExpectedVersion } from '@mercato/platform/http';
import { type ServiceContext } from '@mercato/platform/service';
import { newId } from '@mercato/platform/ids';
import { isUniqueViolation, pgErrorCode, PgErrorCode } from '@mercato/platform/db';
import { type InventoryDB } from '../db.ts';
import { InventoryErrors } from '../errors.ts';
import { stockRepository } from '../stock/stock-repository.ts';
import { markStockChanged } from '../stock/stock-signals.ts';
import type { CreateWarehouseInput, UpdateWarehouseInput, Warehouse } from './warehouse.ts';
import { warehouseRepository as repo } from './warehouse-repository.ts';

/** Use cases of warehouses (stock locations). */
export interface WarehouseService {
  list(): Promise<Warehouse[]>;
  get(code: string): Promise<Warehouse>;
  create(input: CreateWarehouseInput): Promise<Warehouse>;
  update(code: string, patch: UpdateWarehouseInput, expected: ExpectedVersion): Promise<Warehouse>;
  delete(code: string): Promise<void>;
}

export const warehouseNotFound = (code: string) =>
  InventoryErrors.INVENTORY_WAREHOUSE_NOT_FOUND(`no warehouse ${code}`);

export function createWarehouseService(ctx: ServiceContext<InventoryDB>): WarehouseService {
  const { database } = ctx;
  const db = database.db;

  const service: WarehouseService = {
    list: () => repo.list(db),
    async get(code) {
      const found = await repo.findByCode(db, code);
      if (!found) throw warehouseNotFound(code);
      return found;
    },
    async create(input) {
      try {
        return await database.transaction((trx) => repo.insert(trx, newId(), input));
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw InventoryErrors.INVENTORY_WAREHOUSE_CODE_TAKEN(`warehouse code ${input.code} is taken`);
        }
        throw err;
      }
    },
    update(code, patch, expected) {
      return database.transaction(async (trx) => {
        const current = await repo.findByCode(trx, code, { forUpdate: true });
        if (!current) throw warehouseNotFound(code);
        checkVersion(expected, current.version);
        if (patch.active === undefined || patch.active === current.active)
          return repo.update(trx, current.id, patch);
        // (De)activating a warehouse changes the availability of every SKU with some available in it.
        const skus = await repo.skusIn(trx, current.id);
        const rows = await stockRepository.lockLevels(trx, database.schema, skus);
        const updated = await repo.update(trx, current.id, patch);
        await markStockChanged(
          trx,
          database.schema,
          rows.filter((r) => r.warehouseId === current.id && r.onHand !== r.reserved).map((r) => r.sku),
        );
        return updated;
      });
    },
    async delete(code) {
      const current = await service.get(code);
      if (await repo.inUse(db, current.id)) {
        throw InventoryErrors.INVENTORY_WAREHOUSE_IN_USE(
          `warehouse ${code} has stock or history; deactivate it instead`,
        );
      }
      try {
        await database.transaction((trx) => repo.delete(trx, current.id));
      } catch (err) {
        // A movement or allocation arrived between the check and the delete.
        if (pgErrorCode(err) === PgErrorCode.foreignKeyViolation) {
          throw InventoryErrors.INVENTORY_WAREHOUSE_IN_USE(`warehouse ${code} has stock or history`);
        }
        throw err;
      }
    },
  };
  return service;
}
