import {
  cartApi,
  catalogApi,
  customerApi,
  discountApi,
  inventoryApi,
  orderApi,
  paymentApi,
  settingsApi,
  shippingApi,
  type Problem,
} from '@mercato/contracts';
import { currentContext, runWithContext } from '@mercato/platform/context';
import { StepFailure } from '@mercato/platform/saga';
import type { ClientsOf } from '@mercato/platform/service';

/** The services the checkout calls, by their route contracts (ctx.clients is typed by these). */
export const checkoutCalls = {
  cart: cartApi,
  catalog: catalogApi,
  customer: customerApi,
  discount: discountApi,
  inventory: inventoryApi,
  order: orderApi,
  payment: paymentApi,
  settings: settingsApi,
  shipping: shippingApi,
};
export type CheckoutClients = ClientsOf<typeof checkoutCalls>;

/**
 * Runs `fn` as the checkout service itself: its calls carry the service's client-credentials
 * token, not the buyer's (a buyer may not create orders or hold stock), and keep the
 * correlation id. Saga steps and the up-front checks of POST /checkout run this way.
 */
export function asService<T>(correlationId: string | undefined, fn: () => Promise<T>): Promise<T> {
  const current = currentContext();
  return runWithContext(
    {
      correlationId: correlationId ?? current?.correlationId ?? 'checkout',
      ...(current?.traceparent && { traceparent: current.traceparent }),
    },
    fn,
  );
}

/** An upstream answer that was not a success: a transient error (retried) unless a step maps it. */
export class UpstreamProblem extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(what: string, res: { status: number; body: Problem }) {
    super(
      `${what}: ${res.status} ${res.body?.code ?? ''} ${res.body?.detail ?? res.body?.title ?? ''}`.trim(),
    );
    this.name = 'UpstreamProblem';
    this.status = res.status;
    this.problem = res.body;
  }
}

/** A definite refusal by an upstream, as the checkout's failure `reason` (its problem code in detail). */
export function refusal(reason: string, problem: Problem, detail: Record<string, unknown> = {}): StepFailure {
  return new StepFailure(reason, problem.detail ?? problem.title, { code: problem.code, ...detail });
}
