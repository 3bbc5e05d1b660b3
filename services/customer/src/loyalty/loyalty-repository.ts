import { pageResult, type Page } from '@mercato/platform/http';
import { fetchPage, sql, type Kysely, type PageWindow, type Selectable } from '@mercato/platform/db';
import type { CustomerDB, LoyaltyMovementsTable } from '../db.ts';
import type { LoyaltyMovement } from './loyalty.ts';

function toMovement(row: Selectable<LoyaltyMovementsTable>): LoyaltyMovement {
  return {
    id: row.id,
    delta: row.delta,
    balanceAfter: row.balance_after,
    reason: row.reason,
    reference: row.reference,
    note: row.note,
    createdAt: row.created_at.toISOString(),
  };
}

/** SQL of the points ledger. Write methods take the caller's transaction (holding the customer's row lock). */
export const loyaltyRepository = {
  async movements(db: Kysely<CustomerDB>, customerId: string, q: PageWindow): Promise<Page<LoyaltyMovement>> {
    const where = db.selectFrom('loyalty_movements').where('customer_id', '=', customerId);
    const { rows, totalCount } = await fetchPage(where, q, (query) =>
      query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'),
    );
    return pageResult(rows.map(toMovement), q.page, q.pageSize, totalCount);
  },

  async allMovements(db: Kysely<CustomerDB>, customerId: string): Promise<LoyaltyMovement[]> {
    const rows = await db
      .selectFrom('loyalty_movements')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toMovement);
  },

  /** The points earned for an order and not yet reverted. */
  async outstandingFor(trx: Kysely<CustomerDB>, customerId: string, reference: string): Promise<number> {
    const r = await trx
      .selectFrom('loyalty_movements')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('delta'), eb.lit(0)).as('n'))
      .where('customer_id', '=', customerId)
      .where('reference', '=', reference)
      .where('reason', 'in', ['earned', 'reverted'])
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },

  /** Records a movement; false when the order's points were earned before. */
  async insert(trx: Kysely<CustomerDB>, m: Omit<LoyaltyMovementsTable, 'created_at'>): Promise<boolean> {
    const r = await trx
      .insertInto('loyalty_movements')
      .values(m)
      .onConflict((oc) =>
        // A literal, not a parameter: PostgreSQL infers the partial unique index only from its own predicate.
        oc
          .columns(['customer_id', 'reference'])
          .where(sql<boolean>`reason = 'earned'`)
          .doNothing(),
      )
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  },

  async setBalance(trx: Kysely<CustomerDB>, customerId: string, points: number, tier: string): Promise<void> {
    await trx
      .updateTable('customers')
      .set({ points_balance: points, tier })
      .where('id', '=', customerId)
      .execute();
  },

  async setting(db: Kysely<CustomerDB>, key: string): Promise<unknown> {
    const row = await db
      .selectFrom('shop_settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  },
};
