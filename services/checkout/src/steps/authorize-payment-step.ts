import type { Payment } from '@mercato/contracts';
import { StepFailure, done, waitFor, type SagaStep } from '@mercato/platform/saga';
import type { CheckoutInput } from '../checkouts/checkout.ts';
import { FailureReasons } from '../errors.ts';
import {
  stepData,
  type AuthorizedPayment,
  type CheckoutStepContext,
  type CreatedOrder,
  type StepDeps,
} from '../saga/step-deps.ts';
import { refusal, UpstreamProblem } from '../upstream/calls.ts';

/** What payment's outcome event tells the waiting step (engine.signal). */
export interface PaymentSignal {
  paymentId: string;
  status: string;
}

/**
 * Step 5: payment authorizes the order's total on the buyer's card. When the card asks for
 * 3-D Secure (requires_action) the checkout shows the challenge page's URL and waits — woken
 * by payment's outcome event, and asking payment again every CHECKOUT_PAYMENT_POLL_MS — up to
 * CHECKOUT_PAYMENT_WAIT_MS (15 min), then fails with PAYMENT_TIMEOUT. A decline fails with
 * PAYMENT_DECLINED. Undo: every payment of this checkout still held is voided (one already
 * captured is refunded).
 */
export function authorizePaymentStep(deps: StepDeps): SagaStep<CheckoutInput> {
  async function authorize(ctx: CheckoutStepContext, order: CreatedOrder): Promise<Payment> {
    const { input } = ctx;
    const res = await deps.clients.payment.authorize({
      body: {
        orderId: order.orderId,
        checkoutId: input.checkoutId,
        ...(input.customerId !== null && { customerId: input.customerId }),
        email: input.email,
        amount: order.total,
        paymentMethod: input.payment,
        ...(input.returnUrl !== null && { returnUrl: input.returnUrl }),
        billingCountry: (input.billingAddress ?? input.shippingAddress).country,
        ...(input.ipAddress !== null && { ipAddress: input.ipAddress }),
      },
      idempotencyKey: ctx.idempotencyKey,
    });
    if (!res.ok) {
      if ([402, 404, 409, 422].includes(res.status)) throw refusal(FailureReasons.PAYMENT_DECLINED, res.body);
      throw new UpstreamProblem('payment', res);
    }
    return res.body;
  }

  async function voidPayment(ctx: CheckoutStepContext, id: string): Promise<void> {
    const res = await deps.clients.payment.void({
      params: { id },
      idempotencyKey: `${ctx.idempotencyKey}:void:${id}`,
    });
    if (!res.ok) throw new UpstreamProblem('payment void', res);
  }

  return {
    name: 'authorize-payment',
    maxWaitMs: deps.config.CHECKOUT_PAYMENT_WAIT_MS,
    waitTimeoutCode: FailureReasons.PAYMENT_TIMEOUT,
    async action(ctx) {
      const order = stepData<CreatedOrder>(ctx, 'create-order');
      const told = ctx.signal as PaymentSignal | undefined;
      const known = told?.paymentId ?? (await deps.recordedPayment(ctx.input.checkoutId));
      let payment: Payment;
      if (known) {
        const res = await deps.clients.payment.get({ params: { id: known } });
        if (!res.ok) throw new UpstreamProblem('payment', res);
        payment = res.body;
      } else {
        payment = await authorize(ctx, order);
        await deps.recordPayment(ctx.input.checkoutId, payment.id, payment.nextAction?.url ?? null);
      }
      switch (payment.status) {
        case 'authorized':
        case 'captured': {
          const res = await deps.clients.order.attachPayment({
            params: { id: order.orderId },
            body: { paymentId: payment.id },
          });
          // The order was cancelled meanwhile (its buyer or staff may, while 3-D Secure waits):
          // a refusal. A refusing step is not compensated, so its authorization is released here.
          if (!res.ok && res.status === 409) {
            await voidPayment(ctx, payment.id);
            throw refusal(FailureReasons.ORDER_REFUSED, res.body);
          }
          if (!res.ok) throw new UpstreamProblem('order attach payment', res);
          const out: AuthorizedPayment = { paymentId: payment.id };
          return done(out);
        }
        case 'requires_action':
        case 'processing':
          return waitFor(deps.config.CHECKOUT_PAYMENT_POLL_MS);
        default:
          throw new StepFailure(
            FailureReasons.PAYMENT_DECLINED,
            payment.failure?.message ?? `the payment is ${payment.status}`,
            { paymentId: payment.id, reason: payment.failure?.code ?? payment.status },
          );
      }
    },
    async compensate(ctx) {
      const found = await deps.clients.payment.list({
        query: { checkoutId: ctx.input.checkoutId, pageSize: 100 },
      });
      if (!found.ok) throw new UpstreamProblem('payment list', found);
      for (const p of found.body.items) {
        if (['authorized', 'requires_action', 'processing'].includes(p.status)) {
          await voidPayment(ctx, p.id);
        } else if (p.status === 'captured' || p.status === 'partially_refunded') {
          const res = await deps.clients.payment.refund({
            params: { id: p.id },
            body: { reason: 'checkout rolled back' },
            idempotencyKey: `${ctx.idempotencyKey}:refund:${p.id}`,
          });
          if (!res.ok) throw new UpstreamProblem('payment refund', res);
        }
      }
    },
  };
}
