import { jsonb, sql, type Kysely } from '@mercato/platform/db';
import type { OrderDB } from '../db.ts';

export interface RefundRow {
  id: string;
  orderId: string;
  amount: number;
  lines: Array<{ lineNo: number; quantity: number }>;
  reason: string;
  status: 'requested' | 'succeeded' | 'failed';
  paymentRefundId: string | null;
  requestedBy: string;
}

/** SQL of refunds. Write methods take the caller's transaction. */
export const refundRepository = {
  async insert(trx: Kysely<OrderDB>, r: Omit<RefundRow, 'status' | 'paymentRefundId'>): Promise<void> {
    await trx
      .insertInto('order_refunds')
      .values({
        id: r.id,
        order_id: r.orderId,
        amount: r.amount,
        lines: jsonb(r.lines),
        reason: r.reason,
        status: 'requested',
        requested_by: r.requestedBy,
      })
      .execute();
  },

  async find(
    db: Kysely<OrderDB>,
    id: string,
    opts: { forUpdate?: boolean } = {},
  ): Promise<RefundRow | undefined> {
    let q = db.selectFrom('order_refunds').selectAll().where('id', '=', id);
    if (opts.forUpdate) q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return (
      r && {
        id: r.id,
        orderId: r.order_id,
        amount: Number(r.amount),
        lines: r.lines as RefundRow['lines'],
        reason: r.reason,
        status: r.status,
        paymentRefundId: r.payment_refund_id,
        requestedBy: r.requested_by,
      }
    );
  },

  async settle(
    trx: Kysely<OrderDB>,
    id: string,
    status: 'succeeded' | 'failed',
    paymentRefundId: string | null,
  ): Promise<void> {
    await trx
      .updateTable('order_refunds')
      .set({ status, payment_refund_id: paymentRefundId })
      .where('id', '=', id)
      .execute();
  },

  /** Requested refunds not settled since `before` (the sender retries them). */
  async pending(db: Kysely<OrderDB>, before: Date, limit: number): Promise<string[]> {
    const rows = await db
      .selectFrom('order_refunds')
      .select('id')
      .where('status', '=', 'requested')
      .where('created_at', '<', before)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  },

  /** What succeeded refunds of an order add up to. */
  async succeededTotal(db: Kysely<OrderDB>, orderId: string): Promise<number> {
    const row = await db
      .selectFrom('order_refunds')
      .select(sql<string>`coalesce(sum(amount), 0)`.as('n'))
      .where('order_id', '=', orderId)
      .where('status', '=', 'succeeded')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },
};
