import type { AnyEventDraft } from '@mercato/platform/messaging';
import { eventRef, type PaymentRow } from './payment.ts';

/** The event a payment's new status announces (none for statuses that are not news). */
export function statusEvent(row: PaymentRow): AnyEventDraft | null {
  const ref = eventRef(row);
  const amount = Number(row.amount);
  switch (row.status) {
    case 'authorized':
      return {
        type: 'payment.authorized',
        subject: row.id,
        data: {
          ...ref,
          amount,
          providerReference: row.provider_reference ?? '',
          risk: row.risk_decision === 'review' ? 'review' : 'allow',
        },
      };
    case 'requires_action':
      return {
        type: 'payment.requires_action',
        subject: row.id,
        data: { ...ref, amount, actionUrl: row.next_action_url ?? '' },
      };
    case 'partially_captured':
    case 'captured':
    case 'partially_refunded':
      // Each capture announces what is captured so far (a partial one too; a final capture
      // after a refund of an earlier one leaves the payment partially_refunded). Refunds
      // announce themselves (payment.refunded) and never come here.
      return {
        type: 'payment.captured',
        subject: row.id,
        data: { ...ref, amount: Number(row.captured_amount), authorizedAmount: amount },
      };
    case 'failed':
      return {
        type: 'payment.failed',
        subject: row.id,
        data: {
          ...ref,
          amount,
          failureCode: row.failure_code ?? 'unknown',
          failureMessage: row.failure_message ?? '',
        },
      };
    case 'voided':
      return { type: 'payment.voided', subject: row.id, data: { ...ref, amount } };
    default:
      return null;
  }
}
