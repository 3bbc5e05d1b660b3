import type { Problem } from '@mercato/contracts';
import { StepFailure, done, type SagaStep } from '@mercato/platform/saga';
import type { CheckoutInput } from '../checkouts/checkout.ts';
import { FailureReasons } from '../errors.ts';
import {
  stepData,
  type AuthorizedPayment,
  type CheckoutStepContext,
  type CreatedOrder,
  type HeldStock,
  type StepDeps,
} from '../saga/step-deps.ts';
import { refusal, UpstreamProblem } from '../upstream/calls.ts';

/** A commit of a hold: a 409 (the hold ended) is a refusal with `reason`, another problem transient. */
function held(what: string, reason: string, res: { ok: boolean; status: number; body: unknown }): void {
  if (res.ok) return;
  const failed = res as { status: number; body: Problem };
  if (failed.status === 409) throw refusal(reason, failed.body, { message: `${what}: the hold ended` });
  throw new UpstreamProblem(what, failed);
}

/**
 * Step 7, the point of no return: the cart is closed for this checkout (first, so two
 * checkouts of one cart cannot both confirm), the payment captured (or left for capture at
 * shipment, setting `checkout.capture`), the held stock and discount uses committed, and the
 * order confirmed — last, so order.confirmed is published only when everything else holds.
 * Every call is idempotent by its key: a repeat after a crash changes nothing twice.
 */
export function confirmStep(deps: StepDeps): SagaStep<CheckoutInput> {
  async function closeCart(ctx: CheckoutStepContext) {
    const res = await deps.clients.cart.checkout({
      params: { id: ctx.input.cartId },
      body: { checkoutId: ctx.input.checkoutId },
    });
    if (res.ok) return;
    if (res.status === 404 || res.status === 409 || res.status === 422)
      throw refusal(FailureReasons.CART_CHANGED, res.body);
    throw new UpstreamProblem('cart checkout', res);
  }

  async function capture(ctx: CheckoutStepContext, paymentId: string): Promise<boolean> {
    if ((await deps.captureMode()) !== 'on_confirm') return false;
    const current = await deps.clients.payment.get({ params: { id: paymentId } });
    if (!current.ok) throw new UpstreamProblem('payment', current);
    if (current.body.status !== 'authorized') return current.body.capturedAmount > 0;
    const res = await deps.clients.payment.capture({
      params: { id: paymentId },
      body: {},
      idempotencyKey: `${ctx.idempotencyKey}:capture`,
    });
    if (res.ok) return true;
    if (res.status === 409 || res.status === 422)
      throw refusal(FailureReasons.PAYMENT_DECLINED, res.body, { paymentId });
    throw new UpstreamProblem('payment capture', res);
  }

  return {
    name: 'confirm',
    async action(ctx) {
      const order = stepData<CreatedOrder>(ctx, 'create-order');
      const stock = stepData<HeldStock>(ctx, 'reserve-stock');
      const { paymentId } = stepData<AuthorizedPayment>(ctx, 'authorize-payment');
      // Nothing of this step is done yet: an order cancelled meanwhile fails the checkout cleanly here.
      const current = await deps.clients.order.get({ params: { id: order.orderId } });
      if (!current.ok) throw new UpstreamProblem('order', current);
      if (current.body.status === 'cancelled')
        throw new StepFailure(FailureReasons.ORDER_REFUSED, `order ${order.number} was cancelled`, {
          code: 'ORDER_CANCELLED',
        });
      await closeCart(ctx);
      const captured = await capture(ctx, paymentId);

      // A hold that ended (409) is a refusal: what this step did so far is undone with the rest.
      held(
        'inventory commit',
        FailureReasons.OUT_OF_STOCK,
        await deps.clients.inventory.commitReservation({
          params: { id: stock.reservationId },
          idempotencyKey: `${ctx.idempotencyKey}:stock`,
        }),
      );
      held(
        'discount commit',
        FailureReasons.DISCOUNT_INVALID,
        await deps.clients.discount.commit({
          params: { checkoutId: ctx.input.checkoutId },
          body: { orderId: order.orderId },
          idempotencyKey: `${ctx.idempotencyKey}:discount`,
        }),
      );

      const confirmed = await deps.clients.order.confirm({
        params: { id: order.orderId },
        body: { paymentId },
      });
      if (!confirmed.ok) throw new UpstreamProblem('order confirm', confirmed);
      return done({ captured });
    },
  };
}
