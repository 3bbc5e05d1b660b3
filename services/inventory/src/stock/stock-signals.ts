import type { InventoryStockChangedV1 } from '@mercato/contracts';
import { pgErrorCode, sql, tryTransactionLock, type Kysely } from '@mercato/platform/db';
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

type Reading = InventoryStockChangedV1 & { due: boolean };

/**
 * Reads and clears the marks of one batch (the SKUs after `from.after`, or the one SKU
 * `from.sku`): each SKU's availability over active warehouses, whether it is due, and the
 * due ones' marks cleared with what is published.
 */
async function takeMarks(
  trx: Kysely<InventoryDB>,
  schema: string,
  round: SignalRound,
  from: { after: string } | { sku: string },
): Promise<Reading[]> {
  const id = (t: string) => sql.id(schema, t);
  const which = 'sku' in from ? sql`sku = ${from.sku}` : sql`sku > ${from.after}`;
  const rows = await sql<Reading>`
    with marked as (
      select sku, published_available, published_backorder, published_at from ${id('stock_signals')}
      where dirty and ${which} order by sku limit ${round.batch} for update skip locked
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
      set dirty = false, published_available = j.available, published_backorder = j.backorder, published_at = now(),
          parked_error = null, parked_at = null
      from judged j where j.due and s.sku = j.sku
    )
    select sku, available, on_hand as "onHand", backorder, due
    from judged order by sku`.execute(trx);
  return rows.rows;
}

/** Runs fn inside a savepoint: when it fails, the transaction goes on as it was before. */
async function withSavepoint<T>(trx: Kysely<InventoryDB>, fn: () => Promise<T>): Promise<T> {
  await sql`savepoint stock_signal`.execute(trx);
  try {
    const out = await fn();
    await sql`release savepoint stock_signal`.execute(trx);
    return out;
  } catch (err) {
    await sql`rollback to savepoint stock_signal`.execute(trx);
    throw err;
  }
}

/**
 * A batch whose statement failed, SKU by SKU: the readings of those that can be read, and
 * each that cannot parked — its mark cleared, the error kept on its row (`parked_error`,
 * `parked_at`) and logged — until its next change marks it again. Without this, one SKU
 * whose total passes the integer range failed every round, for every SKU, for ever.
 */
async function takeMarksOneByOne(
  ctx: ServiceContext<InventoryDB>,
  trx: Kysely<InventoryDB>,
  round: SignalRound,
  after: string,
): Promise<{ readings: Reading[]; looked: number; last: string | undefined }> {
  const schema = ctx.database.schema;
  const skus = await sql<{ sku: string }>`
    select sku from ${sql.id(schema, 'stock_signals')}
    where dirty and sku > ${after} order by sku limit ${round.batch} for update skip locked`.execute(trx);
  const readings: Reading[] = [];
  for (const { sku } of skus.rows) {
    try {
      readings.push(...(await withSavepoint(trx, () => takeMarks(trx, schema, round, { sku }))));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await sql`update ${sql.id(schema, 'stock_signals')}
        set dirty = false, parked_error = ${message}, parked_at = now() where sku = ${sku}`.execute(trx);
      ctx.logger.error({ err, sku }, 'stock signal parked: its availability could not be published');
    }
  }
  return { readings, looked: skus.rows.length, last: skus.rows.at(-1)?.sku };
}

/**
 * Publishes inventory.stock_changed for the marked SKUs that are due — a flip between
 * sellable and not, a backorder change, a first publication, or the last one at least
 * `steadyMs` old — with the availability (over active warehouses) read in the statement
 * that takes the marks; returns how many it published. One publisher at a time per schema
 * (an advisory lock), so a SKU's events leave in the order their readings were taken.
 *
 * A round that fails on a reading (a data exception: a SKU's total past the integer range)
 * is run again SKU by SKU, and the SKUs that cannot be read are parked (see
 * takeMarksOneByOne); the others go on. The usual round pays nothing for this.
 */
export async function publishStockSignals(
  ctx: ServiceContext<InventoryDB>,
  round: SignalRound,
): Promise<number> {
  try {
    return await publishRound(ctx, round, false);
  } catch (err) {
    // SQLSTATE class 22 (data exception) is one row's value; anything else (the database
    // down, a lock timeout) fails the round as before and the worker tries again.
    if (pgErrorCode(err)?.startsWith('22') !== true) throw err;
    ctx.logger.warn({ err }, 'stock signal round failed on a reading; publishing SKU by SKU');
    return publishRound(ctx, round, true);
  }
}

async function publishRound(
  ctx: ServiceContext<InventoryDB>,
  round: SignalRound,
  oneByOne: boolean,
): Promise<number> {
  const { database, outbox } = ctx;
  return database.transaction(async (trx) => {
    if (!(await tryTransactionLock(trx, `mercato:stock-signals:${database.schema}`))) return 0;
    let published = 0;
    let after = '';
    for (;;) {
      const { readings, looked, last } = oneByOne
        ? await takeMarksOneByOne(ctx, trx, round, after)
        : await takeMarks(trx, database.schema, round, { after }).then((r) => ({
            readings: r,
            looked: r.length,
            last: r.at(-1)?.sku,
          }));
      const due = readings.filter((r) => r.due);
      await outbox.addMany(
        trx,
        due.map(({ sku, available, onHand, backorder }) => ({
          type: 'inventory.stock_changed',
          subject: sku,
          data: { sku, available, onHand, backorder } satisfies InventoryStockChangedV1,
        })),
      );
      published += due.length;
      if (looked < round.batch || last === undefined) return published;
      after = last;
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
