import type { SagaHistoryEntry, SagaState } from '@mercato/platform/saga';
import type { CreatedOrder } from '../saga/step-deps.ts';
import type { CheckoutStatus, CheckoutView } from './checkout.ts';
import type { CheckoutRow } from './checkout-repository.ts';

/** Where a checkout stands, as the storefront reads it, from its saga's state. */
export function statusOf(saga: SagaState, row: Pick<CheckoutRow, 'action_url'>): CheckoutStatus {
  switch (saga.status) {
    case 'completed':
      return 'confirmed';
    case 'failed':
      return 'failed';
    case 'stuck':
      return 'stuck';
    case 'compensating':
      return 'compensating';
    case 'waiting':
      return saga.currentStep === 'authorize-payment' && row.action_url ? 'requires_action' : 'processing';
    default:
      return 'processing';
  }
}

/** Whether the buyer has nothing more to wait for. */
export const isFinal = (status: CheckoutStatus) => status === 'confirmed' || status === 'failed';

/** A checkout as GET /api/v1/checkout/{id} shows it. */
export function checkoutView(row: CheckoutRow, saga: SagaState, history: SagaHistoryEntry[]): CheckoutView {
  const status = statusOf(saga, row);
  const order = saga.data['create-order'] as CreatedOrder | undefined;
  return {
    checkoutId: row.id,
    status,
    cartId: row.cart_id,
    customerId: row.customer_id,
    currentStep: saga.currentStep,
    failure: saga.failure,
    nextAction:
      status === 'requires_action' && row.action_url ? { type: 'redirect', url: row.action_url } : null,
    order: order ? { id: order.orderId, number: order.number } : null,
    paymentId: row.payment_id,
    total: order?.total ?? null,
    steps: history,
    deadlineAt: saga.deadlineAt,
    createdAt: saga.createdAt,
    updatedAt: saga.updatedAt,
  };
}
