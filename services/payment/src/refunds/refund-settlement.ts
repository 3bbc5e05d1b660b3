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
  paymentId: string,
  refundId: string,
  providerReference: string,
): Promise<{ refund: Selectable<RefundsTable>; payment: PaymentRow } | undefined> {
  await lockPayment(trx, paymentId);
  const refund = await trx
    .updateTable('refunds')
    .set({ status: 'succeeded', provider_reference: providerReference, updated_at: sql<Date>`now()` })
    .where('id', '=', refundId)
    .where('payment_id', '=', paymentId)
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
      // A partly captured payment stays so (more may be captured); else refunded in part or in full.
      status: sql<string>`case when status = 'partially_captured' then status when refunded_amount + ${amount} = captured_amount then 'refunded' else 'partially_refunded' end`,
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

/** Gives a refund's set-aside amount back (the provider refused it); false when it was no longer pending. */
export async function failRefund(
  trx: Kysely<PaymentDB>,
  paymentId: string,
  refundId: string,
): Promise<boolean> {
  await lockPayment(trx, paymentId);
  const refund = await trx
    .updateTable('refunds')
    .set({ status: 'failed', updated_at: sql<Date>`now()` })
    .where('id', '=', refundId)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  if (!refund) return false;
  await trx
    .updateTable('payments')
    .set({ refund_reserved: sql<number>`refund_reserved - ${Number(refund.amount)}` })
    .where('id', '=', refund.payment_id)
    .execute();
  return true;
}

/**
 * Every transaction that touches a refund and its payment locks the payment row first (the
 * webhook handler already holds it when it gets here): one lock order, no deadlock between
 * a refund's answer and its webhook.
 */
async function lockPayment(trx: Kysely<PaymentDB>, paymentId: string): Promise<void> {
  await trx.selectFrom('payments').select('id').where('id', '=', paymentId).forUpdate().execute();
}
