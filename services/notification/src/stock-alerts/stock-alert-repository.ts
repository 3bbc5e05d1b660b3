import type { Kysely, Selectable } from '@mercato/platform/db';
import type { NotificationDB, StockAlertsTable } from '../db.ts';

export type StockAlertRow = Selectable<StockAlertsTable>;

export const stockAlertRepository = {
  find(db: Kysely<NotificationDB>, userId: string, sku: string): Promise<StockAlertRow | undefined> {
    return db
      .selectFrom('stock_alerts')
      .selectAll()
      .where('user_id', '=', userId)
      .where('sku', '=', sku)
      .executeTakeFirst();
  },

  /** Creates the alert or re-arms one already sent; the row as it is now. */
  upsert(
    db: Kysely<NotificationDB>,
    a: { userId: string; sku: string; email: string; locale: string; now: Date },
  ): Promise<StockAlertRow> {
    return db
      .insertInto('stock_alerts')
      .values({ user_id: a.userId, sku: a.sku, email: a.email, locale: a.locale, created_at: a.now })
      .onConflict((oc) =>
        oc.columns(['user_id', 'sku']).doUpdateSet({ email: a.email, locale: a.locale, notified_at: null }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  forUser(db: Kysely<NotificationDB>, userId: string): Promise<StockAlertRow[]> {
    return db
      .selectFrom('stock_alerts')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .execute();
  },

  async remove(db: Kysely<NotificationDB>, userId: string, sku: string): Promise<void> {
    await db.deleteFrom('stock_alerts').where('user_id', '=', userId).where('sku', '=', sku).execute();
  },

  /** Takes the waiting alerts of a SKU (marks them notified) and returns them, in the caller's transaction. */
  takePending(db: Kysely<NotificationDB>, sku: string, now: Date): Promise<StockAlertRow[]> {
    return db
      .updateTable('stock_alerts')
      .set({ notified_at: now })
      .where('sku', '=', sku)
      .where('notified_at', 'is', null)
      .returningAll()
      .execute();
  },
};
