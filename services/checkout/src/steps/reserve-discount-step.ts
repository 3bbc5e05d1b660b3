import { done, type SagaStep } from '@mercato/platform/saga';
import type { CheckoutInput } from '../checkouts/checkout.ts';
import { FailureReasons } from '../errors.ts';
import { stepData, type HeldDiscount, type RepricedCart, type StepDeps } from '../saga/step-deps.ts';
import { refusal, UpstreamProblem } from '../upstream/calls.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Step 2: discount evaluates the re-priced lines with the codes and holds one use of every
 * promotion and code that applies, for this checkout (a repeat answers the same hold). A
 * code refused now (expired, used up, not for this basket) fails with DISCOUNT_INVALID.
 * Undo: the held uses are given back.
 */
export function reserveDiscountStep(deps: StepDeps): SagaStep<CheckoutInput> {
  return {
    name: 'reserve-discount',
    async action(ctx) {
      const cart = stepData<RepricedCart>(ctx, 'reprice-cart');
      const customerId = ctx.input.customerId;
      const res = await deps.clients.discount.reserve({
        body: {
          checkoutId: ctx.input.checkoutId,
          ttlSeconds: deps.config.CHECKOUT_HOLD_SECONDS,
          currency: cart.currency,
          // A principal that is not a UUID (a test or service subject) is evaluated as a guest.
          customerId: customerId && UUID.test(customerId) ? customerId : null,
          codes: cart.codes,
          shippingAmount: ctx.input.shippingMethod.price.amount,
          lines: cart.lines.map((l, i) => ({
            lineId: String(i),
            sku: l.sku,
            productId: l.productId,
            categoryIds: l.categoryIds,
            categoryHandles: l.categoryHandles,
            brandId: l.brandId,
            brandHandle: l.brandHandle,
            unitPrice: l.unitPrice.amount,
            quantity: l.quantity,
          })),
        },
        idempotencyKey: ctx.idempotencyKey,
      });
      if (!res.ok) {
        if (res.status === 409 || res.status === 422) {
          throw refusal(FailureReasons.DISCOUNT_INVALID, res.body, { errors: res.body.errors ?? [] });
        }
        throw new UpstreamProblem('discount', res);
      }
      const evaluation = res.body.evaluation;
      const lines: HeldDiscount['lines'] = cart.lines.map(() => []);
      for (const applied of evaluation.applied) {
        for (const a of applied.allocations) {
          if (a.amount > 0)
            lines[a.lineIndex]?.push({
              code: applied.code,
              description: applied.name.slice(0, 200),
              amount: a.amount,
            });
        }
      }
      const held: HeldDiscount = {
        lines,
        discountTotal: evaluation.discountTotal,
        shippingDiscount: Math.min(evaluation.shippingDiscount, ctx.input.shippingMethod.price.amount),
      };
      return done(held);
    },
    async compensate(ctx) {
      const res = await deps.clients.discount.release({
        params: { checkoutId: ctx.input.checkoutId },
        body: { reason: 'checkout_failed' },
        idempotencyKey: `${ctx.idempotencyKey}:release`,
      });
      // Nothing held (the reservation never happened): nothing to give back.
      if (!res.ok && res.status !== 404) throw new UpstreamProblem('discount release', res);
    },
  };
}
