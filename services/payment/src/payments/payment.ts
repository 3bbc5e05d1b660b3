import type { Payment, PaymentStatus, Refund } from '@mercato/contracts';
import type { Selectable } from '@mercato/platform/db';
import type { PaymentsTable, RefundsTable } from '../db.ts';

export type {
  CaptureInput,
  CreatePaymentInput,
  Payment,
  PaymentFilter,
  PaymentStatus,
  Refund,
  RefundInput,
} from '@mercato/contracts';

export type PaymentRow = Selectable<PaymentsTable>;

/** Statuses no webhook or call moves a payment out of (refunds aside, which only follow a capture). */
export const FINAL_STATUSES: readonly PaymentStatus[] = ['refunded', 'voided', 'failed'];

export function toRefund(r: Selectable<RefundsTable>): Refund {
  return {
    id: r.id,
    paymentId: r.payment_id,
    amount: Number(r.amount),
    currency: r.currency,
    // A pending refund is still out with the provider; callers see it as not (yet) succeeded.
    status: r.status === 'succeeded' ? 'succeeded' : 'failed',
    reason: r.reason,
    providerReference: r.provider_reference,
    createdAt: r.created_at.toISOString(),
  };
}

export function toPayment(row: PaymentRow, refunds: Array<Selectable<RefundsTable>>): Payment {
  return {
    id: row.id,
    orderId: row.order_id,
    checkoutId: row.checkout_id,
    customerId: row.customer_id,
    status: row.status as PaymentStatus,
    amount: Number(row.amount),
    currency: row.currency,
    capturedAmount: Number(row.captured_amount),
    refundedAmount: Number(row.refunded_amount),
    provider: row.provider,
    providerReference: row.provider_reference,
    card:
      row.card_last4 === null
        ? null
        : {
            brand: row.card_brand ?? 'unknown',
            last4: row.card_last4,
            expMonth: row.card_exp_month ?? 0,
            expYear: row.card_exp_year ?? 0,
            country: row.card_country,
          },
    savedMethodId: row.saved_method_id,
    nextAction:
      row.status === 'requires_action' && row.next_action_url
        ? { type: 'redirect', url: row.next_action_url }
        : null,
    failure:
      row.failure_code === null
        ? null
        : { code: row.failure_code, message: row.failure_message ?? row.failure_code },
    risk: {
      score: row.risk_score,
      decision: row.risk_decision as Payment['risk']['decision'],
      reasons: (row.risk_reasons ?? []) as string[],
    },
    refunds: refunds.filter((r) => r.status !== 'pending').map(toRefund),
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The data every payment event carries. */
export function eventRef(row: PaymentRow) {
  return { paymentId: row.id, orderId: row.order_id, checkoutId: row.checkout_id, currency: row.currency };
}
