import type { InventoryStockChangedV1 } from '@mercato/contracts';
import { sql, tryTransactionLock, type Kysely } from '@mercato/platform/db';
import { createPeriodicWorker } from '@mercato/platform/http';
import { type ServiceContext, type Worker } from '@mercato/platform/service';
import type { InventoryDB } from '../db.ts';

/**
 * Marks SKUs whose availability changed, inside the transaction that changed their levels:
 * inventory.stock_changed goes out from the marks (publishStockSignals), not per change.
 */
export async function markStockChanged(
  trx: Kysely<InventoryDB>,
  schema: string,
  skus: string[],
): Promise<void> {
  if (skus.length === 0) return;
  // Sorted: two writers marking overlapping SKUs take the row locks in one order.
  const sorted = [...new Set(skus)].sort();
  // A mark already set is left as it is (changed_at: the first change since the last
  // publication): rewriting it made a new row version and index entries at every batch.
  // The conflicting row is locked all the same, so the publisher (SKIP LOCKED) still waits
  // for this transaction before it reads the availability.
  await sql`insert into ${sql.id(schema, 'stock_signals')} as s (sku)
    select unnest(${sorted}::text[])
    on conflict (sku) do update set dirty = true, changed_at = now() where not s.dirty`.execute(trx);
}

/** Which marked SKUs a publication round takes. */
export interface SignalRound {
  /** Rows looked at per statement. */
  batch: number;
  /** A change that keeps the SKU (un)sellable waits until its last publication is this old. */
  steadyMs: number;
  /** Publish every marked SKU now, due or not (tests, shutdown). */
  force?: boolean;
}

/**
 * Publishes inventory.stock_changed for the marked SKUs that are due — a flip between
 * sellable and not, a backorder change, a first publication, or the last one at least
 * `steadyMs` old — with the availability (over active warehouses) read in the statement
 * that takes the marks; returns how many it published. One publisher at a time per schema
 * (an advisory lock), so a SKU's events leave in the order their readings were taken.
 */
export async function publishStockSignals(
  ctx: ServiceContext<InventoryDB>,
  round: SignalRound,
): Promise<number> {
  const { database, outbox } = ctx;
  const id = (t: string) => sql.id(database.schema, t);
  return database.transaction(async (trx) => {
    if (!(await tryTransactionLock(trx, `mercato:stock-signals:${database.schema}`))) return 0;
    let published = 0;
    let after = '';
    for (;;) {
      const rows = await sql<InventoryStockChangedV1 & { due: boolean }>`
        with marked as (
          select sku, published_available, published_backorder, published_at from ${id('stock_signals')}
          where dirty and sku > ${after} order by sku limit ${round.batch} for update skip locked
        ),
        readings as (
          select m.sku, m.published_available, m.published_backorder, m.published_at,
                 greatest(coalesce(sum(l.on_hand - l.reserved) filter (where w.active), 0), 0)::int as available,
                 coalesce(sum(l.on_hand) filter (where w.active), 0)::int as on_hand,
                 coalesce(bool_or(i.backorder), false) as backorder
          from marked m
          left join ${id('stock_items')} i on i.sku = m.sku
          left join ${id('stock_levels')} l on l.sku = m.sku
          left join ${id('warehouses')} w on w.id = l.warehouse_id
          group by m.sku, m.published_available, m.published_backorder, m.published_at
        ),
        judged as (
          select r.*, (${round.force ?? false}::boolean or r.published_at is null
                       or r.published_at <= now() - ${round.steadyMs}::int * interval '1 millisecond'
                       or (r.available > 0) <> (r.published_available > 0)
                       or r.backorder <> r.published_backorder) as due
          from readings r
        ),
        cleared as (
          update ${id('stock_signals')} s
          set dirty = false, published_available = j.available, published_backorder = j.backorder, published_at = now()
          from judged j where j.due and s.sku = j.sku
        )
        select sku, available, on_hand as "onHand", backorder, due
        from judged order by sku`.execute(trx);
      const due = rows.rows.filter((r) => r.due);
      await outbox.addMany(
        trx,
        due.map(({ sku, available, onHand, backorder }) => ({
          type: 'inventory.stock_changed',
          subject: sku,
          data: { sku, available, onHand, backorder } satisfies InventoryStockChangedV1,
        })),
      );
      published += due.length;
      if (rows.rows.length < round.batch) return published;
      after = (rows.rows.at(-1) as { sku: string }).sku;
    }
  });
}

/**
 * Publishes stock_changed every `intervalMs` for the marked SKUs that are due (see
 * publishStockSignals): the catalog's in-stock filter hears of a flip within about one
 * interval, and a SKU selling a thousand times a second gives one event per `steadyMs`,
 * not one per sale. flush and stop publish everything marked.
 */
export function createStockSignalPublisher(
  ctx: ServiceContext<InventoryDB>,
  opts: { intervalMs: number; steadyMs: number; batch: number },
): Worker {
  return createPeriodicWorker({
    name: 'stock-signal-publisher',
    intervalMs: opts.intervalMs,
    logger: ctx.logger,
    async run() {
      await publishStockSignals(ctx, { batch: opts.batch, steadyMs: opts.steadyMs });
    },
    // What changed last goes out before the process ends (the relay drains after the workers stop).
    async drain() {
      await publishStockSignals(ctx, { batch: opts.batch, steadyMs: 0, force: true });
    },
  });
}
