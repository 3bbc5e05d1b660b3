import { jsonb, sql, type Kysely, type Selectable } from '@mercato/platform/db';
import type { CartDB, CartsTable } from '../db.ts';
import type { CartLine, CartRecord } from './cart.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function toRecord(row: Selectable<CartsTable>): CartRecord {
  return {
    id: row.id,
    customerId: row.customer_id,
    status: row.status,
    currency: row.currency,
    country: row.country,
    lines: row.lines as CartLine[],
    codes: row.codes,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    touchedAt: row.touched_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    abandonedAt: iso(row.abandoned_at),
    mergedInto: row.merged_into,
    checkoutId: row.checkout_id,
  };
}

function toRow(c: CartRecord) {
  return {
    customer_id: c.customerId,
    status: c.status,
    currency: c.currency,
    country: c.country,
    lines: jsonb(c.lines),
    skus: c.lines.map((l) => l.sku),
    codes: c.codes,
    version: c.version,
    updated_at: new Date(c.updatedAt),
    touched_at: new Date(c.touchedAt),
    expires_at: new Date(c.expiresAt),
    abandoned_at: c.abandonedAt ? new Date(c.abandonedAt) : null,
    closed_at: c.status === 'active' ? null : new Date(c.updatedAt),
    merged_into: c.mergedInto,
    checkout_id: c.checkoutId,
  };
}

/** SQL of carts. Write methods take the caller's transaction. */
export const cartRepository = {
  async findById(db: Kysely<CartDB>, id: string, opts: { forUpdate?: boolean } = {}) {
    let q = db.selectFrom('carts').selectAll().where('id', '=', id);
    if (opts.forUpdate) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row && toRecord(row);
  },

  async findActiveByCustomer(db: Kysely<CartDB>, customerId: string, opts: { forUpdate?: boolean } = {}) {
    let q = db
      .selectFrom('carts')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('status', '=', 'active');
    if (opts.forUpdate) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row && toRecord(row);
  },

  async insert(trx: Kysely<CartDB>, c: CartRecord): Promise<void> {
    await trx
      .insertInto('carts')
      .values({ id: c.id, created_at: new Date(c.createdAt), ...toRow(c) })
      .execute();
  },

  async update(trx: Kysely<CartDB>, c: CartRecord): Promise<void> {
    await trx.updateTable('carts').set(toRow(c)).where('id', '=', c.id).execute();
  },

  /** Slides the expiry of a cart that was only read (no new version). */
  async touch(db: Kysely<CartDB>, id: string, touchedAt: Date, expiresAt: Date): Promise<void> {
    await db
      .updateTable('carts')
      .set({ touched_at: touchedAt, expires_at: expiresAt })
      .where('id', '=', id)
      .where('touched_at', '<', touchedAt)
      .execute();
  },

  /** Active carts holding any of these SKUs, locked for the caller's change. */
  async lockActiveWithSkus(trx: Kysely<CartDB>, skus: readonly string[]): Promise<CartRecord[]> {
    if (skus.length === 0) return [];
    const rows = await trx
      .selectFrom('carts')
      .selectAll()
      .where('status', '=', 'active')
      .where(sql<boolean>`skus && ${sql.val([...skus])}::text[]`)
      .orderBy('id')
      .forUpdate()
      .execute();
    return rows.map(toRecord);
  },

  /**
   * Marks as abandoned (once: abandoned_at is set) active carts with lines whose last change
   * is before `cutoff`, at most `limit`; replicas skip each other's locked rows.
   */
  async claimAbandoned(trx: Kysely<CartDB>, cutoff: Date, now: Date, limit: number): Promise<CartRecord[]> {
    const rows = await trx
      .updateTable('carts')
      .set({ abandoned_at: now })
      .where(
        'id',
        'in',
        trx
          .selectFrom('carts')
          .select('id')
          .where('status', '=', 'active')
          .where('abandoned_at', 'is', null)
          .where(sql<boolean>`skus <> '{}'`)
          .where('updated_at', '<', cutoff)
          .where('expires_at', '>', now)
          .orderBy('updated_at')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();
    return rows.map(toRecord);
  },

  /**
   * Deletes carts (any status) that expired before `cutoff`, at most `limit`, oldest first;
   * replicas skip each other's locked rows. Returns the ids deleted.
   */
  async deleteExpired(trx: Kysely<CartDB>, cutoff: Date, limit: number): Promise<string[]> {
    const rows = await trx
      .deleteFrom('carts')
      .where(
        'id',
        'in',
        trx
          .selectFrom('carts')
          .select('id')
          .where('expires_at', '<', cutoff)
          .orderBy('expires_at')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  },
};
