import { sql, type Kysely, type Selectable } from '@mercato/platform/db';
import type { Outbox } from '@mercato/platform/messaging';
import type { PaymentDB, RefundsTable } from '../db.ts';
import { eventRef, type PaymentRow } from '../payments/payment.ts';

/**
 * Books a pending refund as succeeded — from the provider's answer or its webhook, whichever
 * comes first (the second finds it no longer pending and changes nothing): the amount moves
 * from set aside to refunded, the status follows, and payment.refunded is written.
 */
export async function settleRefund(
  trx: Kysely<PaymentDB>,
  outbox: Outbox,
  refundId: string,
  providerReference: string,
): Promise<{ refund: Selectable<RefundsTable>; payment: PaymentRow } | undefined> {
  const refund = await trx
    .updateTable('refunds')
    .set({ status: 'succeeded', provider_reference: providerReference, updated_at: sql<Date>`now()` })
    .where('id', '=', refundId)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  if (!refund) return undefined;
  const amount = Number(refund.amount);
  const payment = await trx
    .updateTable('payments')
    .set({
      refund_reserved: sql<number>`refund_reserved - ${amount}`,
      refunded_amount: sql<number>`refunded_amount + ${amount}`,
      status: sql<string>`case when refunded_amount + ${amount} = captured_amount then 'refunded' else 'partially_refunded' end`,
      version: sql<number>`version + 1`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', refund.payment_id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await outbox.add(trx, {
    type: 'payment.refunded',
    subject: payment.id,
    data: {
      ...eventRef(payment),
      refundId: refund.id,
      amount,
      refundedTotal: Number(payment.refunded_amount),
      capturedAmount: Number(payment.captured_amount),
      fullyRefunded: payment.status === 'refunded',
      reason: refund.reason,
    },
  });
  return { refund, payment };
}

/** Gives a refund's set-aside amount back (the provider refused it). */
export async function failRefund(trx: Kysely<PaymentDB>, refundId: string): Promise<void> {
  const refund = await trx
    .updateTable('refunds')
    .set({ status: 'failed', updated_at: sql<Date>`now()` })
    .where('id', '=', refundId)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  if (!refund) return;
  await trx
    .updateTable('payments')
    .set({ refund_reserved: sql<number>`refund_reserved - ${Number(refund.amount)}` })
    .where('id', '=', refund.payment_id)
    .execute();
}
