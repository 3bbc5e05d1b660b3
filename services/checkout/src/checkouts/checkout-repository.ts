import type { Kysely, Selectable } from '@mercato/platform/db';
import type { CheckoutDB, CheckoutsTable } from '../db.ts';

export type CheckoutRow = Selectable<CheckoutsTable>;

/** An ended checkout waiting to be announced, with what its saga recorded. */
export interface EndedCheckout {
  row: CheckoutRow;
  status: string;
  data: Record<string, unknown>;
  failure: { code: string; message: string; step: string } | null;
}

/** SQL of the checkouts table. Writes take the caller's transaction or the database. */
export const checkoutRepository = {
  async byKey(db: Kysely<CheckoutDB>, scope: string, key: string): Promise<CheckoutRow | undefined> {
    return db
      .selectFrom('checkouts')
      .selectAll()
      .where('idem_scope', '=', scope)
      .where('idem_key', '=', key)
      .executeTakeFirst();
  },

  async find(db: Kysely<CheckoutDB>, id: string): Promise<CheckoutRow | undefined> {
    return db.selectFrom('checkouts').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Inserts a checkout; undefined when its key is taken (also by a concurrent insert). */
  async insert(db: Kysely<CheckoutDB>, row: Omit<CheckoutRow, 'payment_id' | 'action_url' | 'announced_at'>) {
    return db
      .insertInto('checkouts')
      .values(row)
      .onConflict((oc) => oc.columns(['idem_scope', 'idem_key']).doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  async recordPayment(db: Kysely<CheckoutDB>, id: string, paymentId: string, actionUrl: string | null) {
    await db
      .updateTable('checkouts')
      .set({ payment_id: paymentId, action_url: actionUrl })
      .where('id', '=', id)
      .execute();
  },

  /** Ended checkouts not yet announced, oldest first, locked for this transaction (other replicas skip them). */
  async unannounced(trx: Kysely<CheckoutDB>, limit: number): Promise<EndedCheckout[]> {
    const rows = await trx
      .selectFrom('checkouts as c')
      .innerJoin('sagas as s', 's.id', 'c.id')
      .selectAll('c')
      .select(['s.status as saga_status', 's.data as saga_data', 's.failure as saga_failure'])
      .where('c.announced_at', 'is', null)
      .where('s.status', 'in', ['completed', 'failed'])
      .orderBy('c.created_at')
      .limit(limit)
      .forUpdate('c')
      .skipLocked()
      .execute();
    return rows.map(({ saga_status, saga_data, saga_failure, ...row }) => ({
      row,
      status: saga_status,
      data: saga_data,
      failure: saga_failure,
    }));
  },

  async markAnnounced(trx: Kysely<CheckoutDB>, ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await trx.updateTable('checkouts').set({ announced_at: at }).where('id', 'in', ids).execute();
  },
};
