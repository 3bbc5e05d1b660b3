import { defineSaga, type SagaDefinition, type SagaStep } from '@mercato/platform/saga';
import { CHECKOUT_SAGA, type CheckoutInput } from '../checkouts/checkout.ts';
import { authorizePaymentStep } from '../steps/authorize-payment-step.ts';
import { confirmStep } from '../steps/confirm-step.ts';
import { createOrderStep } from '../steps/create-order-step.ts';
import { createShipmentStep } from '../steps/create-shipment-step.ts';
import { repriceCartStep } from '../steps/reprice-cart-step.ts';
import { reserveDiscountStep } from '../steps/reserve-discount-step.ts';
import { reserveStockStep } from '../steps/reserve-stock-step.ts';
import { asService } from '../upstream/calls.ts';
import type { StepDeps } from './step-deps.ts';

/** A step whose calls carry the service's own token and the checkout's correlation id. */
function asServiceStep(step: SagaStep<CheckoutInput>): SagaStep<CheckoutInput> {
  const { action, compensate } = step;
  return {
    ...step,
    action: (ctx) => asService(ctx.input.correlationId, () => action(ctx)),
    ...(compensate && {
      compensate: (ctx) => asService(ctx.input.correlationId, () => compensate(ctx)),
    }),
  };
}

/** The checkout saga (ARCHITECTURE.md §7): seven steps, each undone in reverse when a later one fails. */
export function checkoutSaga(deps: StepDeps): SagaDefinition<CheckoutInput> {
  return defineSaga<CheckoutInput>({
    type: CHECKOUT_SAGA,
    deadlineMs: deps.config.CHECKOUT_DEADLINE_MS,
    steps: [
      repriceCartStep(deps),
      reserveDiscountStep(deps),
      reserveStockStep(deps),
      createOrderStep(deps),
      authorizePaymentStep(deps),
      createShipmentStep(deps),
      confirmStep(deps),
    ].map(asServiceStep),
  });
}
