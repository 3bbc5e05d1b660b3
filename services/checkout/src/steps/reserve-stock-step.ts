import { StepFailure, done, type SagaStep } from '@mercato/platform/saga';
import type { CheckoutInput } from '../checkouts/checkout.ts';
import { FailureReasons } from '../errors.ts';
import { stepData, type HeldStock, type RepricedCart, type StepDeps } from '../saga/step-deps.ts';
import { refusal, UpstreamProblem } from '../upstream/calls.ts';

/**
 * Step 3: inventory holds every line (all or none) for this checkout until the hold expires.
 * Short stock fails with OUT_OF_STOCK naming each short SKU and what is left. Undo: every
 * hold of this checkout (found by its reference, so a hold whose answer was lost is found
 * too) is released.
 */
export function reserveStockStep(deps: StepDeps): SagaStep<CheckoutInput> {
  return {
    name: 'reserve-stock',
    async action(ctx) {
      const cart = stepData<RepricedCart>(ctx, 'reprice-cart');
      const res = await deps.clients.inventory.reserve({
        body: {
          reference: ctx.input.checkoutId,
          ttlSeconds: deps.config.CHECKOUT_HOLD_SECONDS,
          lines: cart.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        },
        idempotencyKey: ctx.idempotencyKey,
      });
      if (!res.ok) {
        if (res.status === 409 && res.body.code === 'INVENTORY_INSUFFICIENT_STOCK') {
          // errors: [{ path: /body/lines/<i>, message: "<available> available, <requested> requested" }]
          const short = (res.body.errors ?? []).map((e) => {
            const line = cart.lines[Number(/\/lines\/(\d+)/.exec(e.path)?.[1] ?? -1)];
            const [available, requested] = (/(\d+) available, (\d+) requested/.exec(e.message) ?? [])
              .slice(1)
              .map(Number);
            return { sku: line?.sku ?? e.path, available: available ?? 0, requested: requested ?? 0 };
          });
          throw new StepFailure(
            FailureReasons.OUT_OF_STOCK,
            `not enough stock for ${short.map((s) => s.sku).join(', ')}`,
            { skus: short.map((s) => s.sku), lines: short },
          );
        }
        if (res.status === 422 || res.status === 409) throw refusal(FailureReasons.OUT_OF_STOCK, res.body);
        throw new UpstreamProblem('inventory', res);
      }
      const byWarehouse = new Map<string, Array<{ sku: string; quantity: number }>>();
      for (const line of res.body.lines) {
        for (const a of line.allocations) {
          if (a.quantity <= 0) continue;
          const list = byWarehouse.get(a.warehouseCode) ?? [];
          list.push({ sku: line.sku, quantity: a.quantity });
          byWarehouse.set(a.warehouseCode, list);
        }
      }
      const held: HeldStock = {
        reservationId: res.body.id,
        parcels: [...byWarehouse].map(([warehouseCode, lines]) => ({ warehouseCode, lines })),
      };
      return done(held);
    },
    async compensate(ctx) {
      const found = await deps.clients.inventory.listReservations({
        query: { reference: ctx.input.checkoutId, status: 'held', pageSize: 100 },
      });
      if (!found.ok) throw new UpstreamProblem('inventory reservations', found);
      for (const r of found.body.items) {
        const res = await deps.clients.inventory.releaseReservation({
          params: { id: r.id },
          body: { reason: 'checkout_failed' },
          idempotencyKey: `${ctx.idempotencyKey}:release:${r.id}`,
        });
        if (!res.ok && res.status !== 409) throw new UpstreamProblem('inventory release', res);
      }
    },
  };
}
