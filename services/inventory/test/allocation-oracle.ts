// The allocation rule of reserve_batch (migrations/repeatable/reserve_batch.sql) stated
// again in plain TypeScript, written for reading rather than speed: a test oracle only
// (reserve-batch-oracle.test.ts runs random batches through both and compares them). The
// service never plans with it.
import type { Shortage } from '../src/reservations/reservation.ts';

export interface OracleWarehouse {
  id: string;
  code: string;
  priority: number;
  active: boolean;
  threshold: number;
}

export interface OracleItem {
  sku: string;
  active: boolean;
  /** The SKU's own low-stock threshold; null: each warehouse's. */
  threshold: number | null;
}

export interface OracleLevel {
  sku: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
}

/** One POST /reservations as the batch gets it (the fingerprint stands for its body). */
export interface OracleCommand {
  id: string;
  scope: string;
  key: string;
  fingerprint: string;
  correlationId: string;
  lines: Array<{ sku: string; quantity: number }>;
}

/** What an Idempotency-Key already used is the record of. */
export type KeyRecord =
  | { kind: 'reservation'; fingerprint: string; reservationId: string }
  | { kind: 'refusal'; fingerprint: string; shortages: Shortage[]; correlationId: string };

export interface OracleAllocation {
  lineNo: number;
  sku: string;
  warehouseId: string;
  warehouseCode: string;
  quantity: number;
}

export type OracleOutcome =
  | { outcome: 'created'; allocations: OracleAllocation[] }
  | { outcome: 'refused'; shortages: Shortage[] }
  | {
      outcome: 'replay';
      reservationId: string | null;
      shortages: Shortage[] | null;
      correlationId: string | null;
    }
  | { outcome: 'mismatch' };

/** inventory.low_stock of a batch: the row, its data, and the command whose context it carries. */
export interface OracleLowStock {
  sku: string;
  warehouseCode: string;
  available: number;
  threshold: number;
  /** Index in the batch of the last held command that took from the row. */
  cause: number;
}

export interface OracleState {
  warehouses: Map<string, OracleWarehouse>;
  items: Map<string, OracleItem>;
  /** By levelKey(sku, warehouseId). */
  levels: Map<string, OracleLevel>;
  /** By keyKey(scope, key). */
  keys: Map<string, KeyRecord>;
}

export type OracleBatch =
  /** A new key twice in the batch: the function raises MC409 and nothing is written. */
  | { conflict: true }
  | { conflict: false; outcomes: OracleOutcome[]; lowStock: OracleLowStock[]; moved: string[] };

export const levelKey = (sku: string, warehouseId: string): string => `${sku}\u0000${warehouseId}`;
export const keyKey = (scope: string, key: string): string => `${scope}\u0000${key}`;

const available = (l: OracleLevel): number => l.onHand - l.reserved;

/**
 * The rows a line of `sku` may take from, in the order it takes: active warehouse and active
 * SKU, by warehouse priority, then warehouse id (as PostgreSQL orders uuids: their hex text).
 */
function usableRows(state: OracleState, sku: string): OracleLevel[] {
  const item = state.items.get(sku);
  if (!item?.active) return [];
  return [...state.levels.values()]
    .filter((l) => l.sku === sku && state.warehouses.get(l.warehouseId)!.active)
    .sort((a, b) => {
      const pa = state.warehouses.get(a.warehouseId)!.priority;
      const pb = state.warehouses.get(b.warehouseId)!.priority;
      return pa - pb || (a.warehouseId < b.warehouseId ? -1 : a.warehouseId > b.warehouseId ? 1 : 0);
    });
}

/**
 * Plans and applies one batch to `state` (which it changes unless the batch conflicts):
 * the commands one after the other, each seeing what the ones before it held.
 * - A key already used answers from its record: the same fingerprint replays it (the
 *   reservation's id, or the refusal's shortages and first correlationId), another one is a
 *   mismatch. Nothing else happens for that command.
 * - Otherwise each line takes from its usable rows in order, each giving what is still
 *   missing. A line that could not take its quantity is short: its `available` is what it
 *   could take. A command with any short line holds nothing (what its lines took goes back)
 *   and is refused with every short line; else it holds what its lines took.
 * - low_stock: a row the batch took from whose availability was above its threshold (the
 *   SKU's, else the warehouse's) before the batch and is at or below it after, in an active
 *   warehouse; it carries the last held command that took from it.
 */
export function planBatch(state: OracleState, commands: OracleCommand[]): OracleBatch {
  const fresh = commands.filter((c) => !state.keys.has(keyKey(c.scope, c.key)));
  if (new Set(fresh.map((c) => keyKey(c.scope, c.key))).size < fresh.length) return { conflict: true };

  const before = new Map([...state.levels].map(([k, l]) => [k, available(l)]));
  const cause = new Map<string, number>();
  const outcomes: OracleOutcome[] = [];
  const records: Array<[string, KeyRecord]> = [];

  commands.forEach((c, index) => {
    const record = state.keys.get(keyKey(c.scope, c.key));
    if (record) {
      if (record.fingerprint !== c.fingerprint) outcomes.push({ outcome: 'mismatch' });
      else if (record.kind === 'reservation') {
        outcomes.push({
          outcome: 'replay',
          reservationId: record.reservationId,
          shortages: null,
          correlationId: null,
        });
      } else {
        outcomes.push({
          outcome: 'replay',
          reservationId: null,
          shortages: record.shortages,
          correlationId: record.correlationId,
        });
      }
      return;
    }
    const taken: Array<{ level: OracleLevel; allocation: OracleAllocation }> = [];
    const shortages: Shortage[] = [];
    c.lines.forEach((line, i) => {
      let missing = line.quantity;
      for (const level of usableRows(state, line.sku)) {
        if (missing === 0) break;
        const take = Math.min(missing, available(level));
        if (take <= 0) continue;
        level.reserved += take;
        missing -= take;
        const warehouse = state.warehouses.get(level.warehouseId)!;
        taken.push({
          level,
          allocation: {
            lineNo: i + 1,
            sku: line.sku,
            warehouseId: level.warehouseId,
            warehouseCode: warehouse.code,
            quantity: take,
          },
        });
      }
      if (missing > 0) {
        shortages.push({
          lineNo: i + 1,
          sku: line.sku,
          requested: line.quantity,
          available: line.quantity - missing,
        });
      }
    });
    if (shortages.length > 0) {
      for (const t of taken) t.level.reserved -= t.allocation.quantity;
      outcomes.push({ outcome: 'refused', shortages });
      records.push([
        keyKey(c.scope, c.key),
        { kind: 'refusal', fingerprint: c.fingerprint, shortages, correlationId: c.correlationId },
      ]);
      return;
    }
    for (const t of taken) cause.set(levelKey(t.level.sku, t.level.warehouseId), index);
    outcomes.push({ outcome: 'created', allocations: taken.map((t) => t.allocation) });
    records.push([
      keyKey(c.scope, c.key),
      { kind: 'reservation', fingerprint: c.fingerprint, reservationId: c.id },
    ]);
  });
  for (const [k, r] of records) state.keys.set(k, r);

  const lowStock: OracleLowStock[] = [];
  const moved = new Set<string>();
  for (const [k, index] of cause) {
    const level = state.levels.get(k)!;
    const warehouse = state.warehouses.get(level.warehouseId)!;
    const threshold = state.items.get(level.sku)!.threshold ?? warehouse.threshold;
    moved.add(level.sku);
    if (warehouse.active && before.get(k)! > threshold && available(level) <= threshold) {
      lowStock.push({
        sku: level.sku,
        warehouseCode: warehouse.code,
        available: available(level),
        threshold,
        cause: index,
      });
    }
  }
  return { conflict: false, outcomes, lowStock, moved: [...moved].sort() };
}
