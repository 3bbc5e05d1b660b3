import { levelKey } from '../stock/level-changes.ts';
import type { LevelRow, LevelWrite } from '../stock/stock-repository.ts';
import type { Shortage } from './reservation.ts';

/** A line's quantity held in one warehouse. */
export interface PlannedAllocation {
  lineNo: number;
  sku: string;
  warehouseId: string;
  warehouseCode: string;
  priority: number;
  quantity: number;
}

/** A reservation's plan: everything held (allocations) or nothing (the short lines). */
export type AllocationPlan = { held: PlannedAllocation[] } | { shortages: Shortage[] };

/** The rows a batch changed with their new levels, by levelKey — what levelEffects and writeLevels take. */
export type LevelState = Map<string, LevelWrite>;

const byPriority = (a: LevelRow, b: LevelRow): number =>
  a.priority - b.priority || (a.warehouseId < b.warehouseId ? -1 : a.warehouseId > b.warehouseId ? 1 : 0);

/**
 * Plans reservations one after the other over locked level rows, each seeing what the ones
 * before it held. A line takes from the usable rows (active warehouse, active SKU) in
 * warehouse priority order, each giving what is still missing, so a line is split when its
 * first warehouse is short. A reservation with any short line holds nothing and names every
 * short line with what its usable rows had available.
 */
export function planReservations(
  locked: LevelRow[],
  reservations: ReadonlyArray<{ lines: ReadonlyArray<{ sku: string; quantity: number }> }>,
): { plans: AllocationPlan[]; state: LevelState } {
  const byKey = new Map(locked.map((r) => [levelKey(r.sku, r.warehouseId), r]));
  const usable = new Map<string, LevelRow[]>();
  for (const row of locked) {
    if (!row.warehouseActive || !row.itemActive) continue;
    usable.set(row.sku, [...(usable.get(row.sku) ?? []), row]);
  }
  for (const rows of usable.values()) rows.sort(byPriority);
  const state: LevelState = new Map();
  const level = (r: LevelRow) => state.get(levelKey(r.sku, r.warehouseId)) ?? r;

  const plans = reservations.map((reservation): AllocationPlan => {
    const held: PlannedAllocation[] = [];
    const shortages: Shortage[] = [];
    reservation.lines.forEach((line, i) => {
      const rows = usable.get(line.sku) ?? [];
      const available = rows.reduce((n, r) => n + Math.max(0, level(r).onHand - level(r).reserved), 0);
      if (available < line.quantity) {
        shortages.push({ lineNo: i + 1, sku: line.sku, requested: line.quantity, available });
        return;
      }
      let missing = line.quantity;
      for (const r of rows) {
        if (missing === 0) break;
        const take = Math.min(missing, level(r).onHand - level(r).reserved);
        if (take <= 0) continue;
        held.push({
          lineNo: i + 1,
          sku: line.sku,
          warehouseId: r.warehouseId,
          warehouseCode: r.warehouseCode,
          priority: r.priority,
          quantity: take,
        });
        missing -= take;
      }
    });
    if (shortages.length > 0) return { shortages };
    for (const a of held) {
      const k = levelKey(a.sku, a.warehouseId);
      const cur = state.get(k) ?? (byKey.get(k) as LevelRow);
      state.set(k, {
        sku: a.sku,
        warehouseId: a.warehouseId,
        onHand: cur.onHand,
        reserved: cur.reserved + a.quantity,
      });
    }
    return { held };
  });
  return { plans, state };
}
