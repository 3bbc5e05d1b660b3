import { INT32_MAX, type InventoryLowStockV1 } from '@mercato/contracts';
import type { Kysely } from '@mercato/platform/db';
import type { AnyEventDraft } from '@mercato/platform/messaging';
import type { InventoryDB, MovementKind } from '../db.ts';
import { InventoryErrors } from '../errors.ts';
import { stockRepository as repo, type LevelRow } from './stock-repository.ts';
import { markStockChanged } from './stock-signals.ts';

/** One change to one (sku, warehouse) row; on-hand changes may write a ledger row. */
export interface LevelChange {
  sku: string;
  warehouseId: string;
  onHandDelta?: number;
  /** A cycle count: on hand becomes this (the ledger records the difference). */
  setOnHand?: number;
  reservedDelta?: number;
  movement?: {
    kind: MovementKind;
    actor: string;
    reason?: string | null;
    note?: string | null;
    reservationId?: string | null;
    transferId?: string | null;
  };
}

/** A row's levels before and after the changes. */
export interface AppliedRow {
  row: LevelRow;
  onHand: number;
  reserved: number;
}

export interface AppliedChanges {
  rows: AppliedRow[];
  movementIds: string[];
  /** low_stock per downward threshold crossing (stock_changed goes out from the marks it left). */
  events: AnyEventDraft[];
}

/** The key of one (sku, warehouse) level row in the maps of changed levels. */
export const levelKey = (sku: string, warehouseId: string): string => `${sku}\u0000${warehouseId}`;

/** Availability over the active warehouses of one SKU. */
function totals(rows: Array<{ row: LevelRow; onHand: number; reserved: number }>) {
  let onHand = 0;
  let available = 0;
  for (const r of rows) {
    if (!r.row.warehouseActive) continue;
    onHand += r.onHand;
    available += r.onHand - r.reserved;
  }
  return { onHand, available };
}

/**
 * What a set of level changes causes: the SKUs whose availability (over active warehouses)
 * changed — marked for inventory.stock_changed (stock-signals.ts) — and `inventory.low_stock`
 * for each row in `crossed`: the rows the database's low-stock rule found crossed when the
 * levels were written (stockRepository.writeLevels; the rule is low_stock_crossed, one
 * definition for this path and reserve_batch alike).
 */
export function levelEffects(
  all: LevelRow[],
  changed: Map<string, { onHand: number; reserved: number }>,
  crossed: ReadonlyArray<{ sku: string; warehouseId: string }>,
): { availabilityChanged: string[]; events: AnyEventDraft[] } {
  const bySku = new Map<string, LevelRow[]>();
  for (const r of all) bySku.set(r.sku, [...(bySku.get(r.sku) ?? []), r]);
  const availabilityChanged: string[] = [];
  for (const [sku, rows] of bySku) {
    const before = totals(rows.map((row) => ({ row, onHand: row.onHand, reserved: row.reserved })));
    const afterRows = rows.map((row) => ({
      row,
      ...(changed.get(levelKey(row.sku, row.warehouseId)) ?? row),
    }));
    if (totals(afterRows).available !== before.available) availabilityChanged.push(sku);
  }
  // In lock order (SKU, warehouse id), whatever order the statement answered in.
  const low = new Set(crossed.map((c) => levelKey(c.sku, c.warehouseId)));
  const events: AnyEventDraft[] = all
    .filter((row) => low.has(levelKey(row.sku, row.warehouseId)))
    .map((row) => {
      const now = changed.get(levelKey(row.sku, row.warehouseId)) ?? row;
      const data: InventoryLowStockV1 = {
        sku: row.sku,
        warehouseCode: row.warehouseCode,
        available: now.onHand - now.reserved,
        threshold: row.threshold,
      };
      return { type: 'inventory.low_stock', subject: row.sku, data };
    });
  return { availabilityChanged, events };
}

/**
 * Applies level changes inside the caller's transaction: locks every row of the SKUs
 * involved (sku, warehouse id order), checks the result keeps 0 ≤ reserved ≤ on hand
 * (the table's CHECKs would refuse it anyway; this names the SKU in a 409), writes the
 * levels and the ledger rows, and returns the events the change causes.
 */
export async function applyLevelChanges(
  trx: Kysely<InventoryDB>,
  schema: string,
  changes: LevelChange[],
): Promise<AppliedChanges> {
  const skus = [...new Set(changes.map((c) => c.sku))].sort();
  const locked = await repo.lockLevels(trx, schema, skus);
  const byKey = new Map(locked.map((r) => [levelKey(r.sku, r.warehouseId), r]));
  const state = new Map<string, { onHand: number; reserved: number }>();
  const movements: Parameters<typeof repo.insertMovements>[1] = [];

  for (const c of changes) {
    const k = levelKey(c.sku, c.warehouseId);
    const row = byKey.get(k);
    if (!row) throw new Error(`no stock row for ${c.sku} in warehouse ${c.warehouseId}`);
    const cur = state.get(k) ?? { onHand: row.onHand, reserved: row.reserved };
    const onHand = c.setOnHand ?? cur.onHand + (c.onHandDelta ?? 0);
    const reserved = cur.reserved + (c.reservedDelta ?? 0);
    if (onHand > INT32_MAX) {
      // The column is an integer: refused here by name, not by the database as a 500.
      throw InventoryErrors.INVENTORY_LEVEL_LIMIT(
        `${c.sku} has ${cur.onHand} on hand in ${row.warehouseCode}; adding ${onHand - cur.onHand} would pass ${INT32_MAX}`,
        { errors: [{ path: '/body/quantity', message: `at most ${INT32_MAX - cur.onHand} more fit` }] },
      );
    }
    if (reserved > onHand || onHand < 0 || reserved < 0) {
      if (c.movement?.kind === 'count') {
        throw InventoryErrors.INVENTORY_COUNT_BELOW_RESERVED(
          `${c.sku} has ${cur.reserved} reserved in ${row.warehouseCode}; a count of ${onHand} would leave less on hand`,
        );
      }
      const available = Math.max(0, cur.onHand - cur.reserved);
      throw InventoryErrors.INVENTORY_INSUFFICIENT_STOCK(
        `${c.sku} has ${available} available in ${row.warehouseCode}`,
        {
          errors: [
            {
              path: '/body/quantity',
              message: `only ${available} available`,
              sku: c.sku,
              warehouseCode: row.warehouseCode,
              available,
              requested: -(onHand - cur.onHand),
            } as { path: string; message: string },
          ],
        },
      );
    }
    if (c.movement) {
      movements.push({
        sku: c.sku,
        warehouseId: c.warehouseId,
        kind: c.movement.kind,
        delta: onHand - cur.onHand,
        onHandAfter: onHand,
        actor: c.movement.actor,
        reason: c.movement.reason ?? null,
        note: c.movement.note ?? null,
        reservationId: c.movement.reservationId ?? null,
        transferId: c.movement.transferId ?? null,
      });
    }
    state.set(k, { onHand, reserved });
  }

  const crossed = await repo.writeLevels(
    trx,
    schema,
    [...state].map(([k, v]) => ({ row: byKey.get(k) as LevelRow, ...v })),
  );
  const movementIds = await repo.insertMovements(trx, movements);
  const effects = levelEffects(locked, state, crossed);
  await markStockChanged(trx, schema, effects.availabilityChanged);
  return {
    rows: [...state].map(([k, v]) => ({ row: byKey.get(k) as LevelRow, ...v })),
    movementIds,
    events: effects.events,
  };
}
