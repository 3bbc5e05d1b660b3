import type { CreateOrderInput } from '@mercato/contracts';
import { StepFailure, done, type SagaStep } from '@mercato/platform/saga';
import type { CheckoutInput } from '../checkouts/checkout.ts';
import { FailureReasons } from '../errors.ts';
import {
  stepData,
  type CheckoutStepContext,
  type CreatedOrder,
  type HeldDiscount,
  type RepricedCart,
  type StepDeps,
} from '../saga/step-deps.ts';
import { refusal, UpstreamProblem } from '../upstream/calls.ts';

/** The order as this checkout asks for it: always the same body for the same checkout. */
function orderBody(ctx: CheckoutStepContext): CreateOrderInput {
  const cart = stepData<RepricedCart>(ctx, 'reprice-cart');
  const discount = stepData<HeldDiscount>(ctx, 'reserve-discount');
  const { input } = ctx;
  const money = (amount: number) => ({ amount, currency: cart.currency });
  return {
    checkoutId: input.checkoutId,
    ...(input.customerId !== null && { customerId: input.customerId }),
    email: input.email,
    currency: cart.currency,
    lines: cart.lines.map((l, i) => {
      const discounts = (discount.lines[i] ?? []).map((d) => ({
        ...(d.code !== null && { code: d.code }),
        description: d.description,
        amount: d.amount,
      }));
      return {
        sku: l.sku,
        title: l.title,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        ...(discounts.length > 0 && { discounts }),
        ...(l.tax > 0 && { tax: money(l.tax) }),
      };
    }),
    shippingAddress: input.shippingAddress,
    ...(input.billingAddress && { billingAddress: input.billingAddress }),
    shippingMethod: {
      code: input.shippingMethod.code,
      name: input.shippingMethod.name,
      cost: money(input.shippingMethod.price.amount - discount.shippingDiscount),
    },
  };
}

/**
 * Step 4: order records the order as pending (line snapshots, discounts, tax, shipping):
 * one order per checkout, a repeat answers the same one. Nothing downstream hears of it as
 * confirmed until step 7. Undo: the order is cancelled.
 */
export function createOrderStep(deps: StepDeps): SagaStep<CheckoutInput> {
  async function create(ctx: CheckoutStepContext): Promise<CreatedOrder> {
    const res = await deps.clients.order.create({ body: orderBody(ctx), idempotencyKey: ctx.idempotencyKey });
    if (!res.ok) {
      // A refusal (the order's own rules, or its schema: a line with more discounts than it takes) will not change on a retry.
      if ([400, 409, 422].includes(res.status)) throw refusal(FailureReasons.ORDER_REFUSED, res.body);
      throw new UpstreamProblem('order', res);
    }
    return { orderId: res.body.id, number: res.body.number, total: res.body.totals.total };
  }
  return {
    name: 'create-order',
    action: async (ctx) => done(await create(ctx)),
    async compensate(ctx) {
      // The action may have created the order without its answer arriving: the same request
      // again answers that order (order keeps one per checkout).
      // A refusal means there is none to cancel.
      const made = ctx.data['create-order'] as CreatedOrder | undefined;
      const order =
        made ??
        (await create(ctx).catch((err: unknown) => {
          if (err instanceof StepFailure) return undefined;
          throw err;
        }));
      if (!order) return;
      const res = await deps.clients.order.cancel({
        params: { id: order.orderId },
        body: { reason: 'checkout rolled back' },
      });
      if (!res.ok && res.status !== 404) throw new UpstreamProblem('order cancel', res);
    },
  };
}
