import { done, type SagaStep } from '@mercato/platform/saga';
import type { CheckoutInput } from '../checkouts/checkout.ts';
import { FailureReasons } from '../errors.ts';
import {
  stepData,
  type CreatedOrder,
  type HeldStock,
  type RepricedCart,
  type StepDeps,
} from '../saga/step-deps.ts';
import { refusal, UpstreamProblem } from '../upstream/calls.ts';

/**
 * Step 6: shipping makes the order's shipments, one per warehouse the stock was held in,
 * each with a carrier label (idempotent by order and warehouse). A refusal (the method no
 * longer serves the address, the carrier refuses the parcel) fails with SHIPPING_FAILED.
 * Undo: the order's shipments are cancelled (their labels voided).
 */
export function createShipmentStep(deps: StepDeps): SagaStep<CheckoutInput> {
  return {
    name: 'create-shipment',
    async action(ctx) {
      const order = stepData<CreatedOrder>(ctx, 'create-order');
      const stock = stepData<HeldStock>(ctx, 'reserve-stock');
      const cart = stepData<RepricedCart>(ctx, 'reprice-cart');
      const weight = new Map(cart.lines.map((l) => [l.sku, l.weightGrams]));
      const a = ctx.input.shippingAddress;
      const res = await deps.clients.shipping.createShipments({
        body: {
          orderId: order.orderId,
          reference: ctx.input.checkoutId.slice(0, 100),
          methodCode: ctx.input.shippingMethod.code,
          address: {
            name: a.name,
            ...(a.company !== undefined && { company: a.company }),
            line1: a.line1,
            ...(a.line2 !== undefined && { line2: a.line2 }),
            city: a.city,
            ...(a.region !== undefined && { region: a.region }),
            ...(a.postalCode !== undefined && { postalCode: a.postalCode }),
            country: a.country,
            ...(a.phone !== undefined && { phone: a.phone }),
          },
          parcels: stock.parcels.map((p) => ({
            warehouseCode: p.warehouseCode,
            lines: p.lines.map((l) => ({ ...l, weightGrams: weight.get(l.sku) ?? null })),
          })),
        },
        idempotencyKey: ctx.idempotencyKey,
      });
      if (!res.ok) {
        if ([400, 404, 409, 422].includes(res.status))
          throw refusal(FailureReasons.SHIPPING_FAILED, res.body);
        throw new UpstreamProblem('shipping', res);
      }
      return done({ shipmentIds: res.body.items.map((s) => s.id) });
    },
    async compensate(ctx) {
      const order = stepData<CreatedOrder>(ctx, 'create-order');
      const found = await deps.clients.shipping.listShipments({ query: { orderId: order.orderId } });
      if (!found.ok) throw new UpstreamProblem('shipping list', found);
      for (const s of found.body.items) {
        if (s.status === 'cancelled') continue;
        const res = await deps.clients.shipping.cancelShipment({ params: { id: s.id } });
        if (!res.ok) throw new UpstreamProblem('shipping cancel', res);
      }
    },
  };
}
