// Payment as order calls it: its refund route contract (paymentApi.refund) mounted on a
// stand-in server that keeps what each payment captured and refunded, refuses a refund past
// the captured amount (422), answers the first refund again for a repeated Idempotency-Key,
// and can be taken down (503). A service's tests may not load another service's code.
import { paymentApi } from '@mercato/contracts';
import { AppError, CommonErrors } from '@mercato/platform/errors';
import { contractRoute, createApp } from '@mercato/platform/http';
import { newId } from '@mercato/platform/ids';
import { createMetrics } from '@mercato/platform/metrics';
import { captureLogger } from '@mercato/testing';

export interface PaymentStandIn {
  url: string;
  /** Captured amount by payment id (a payment not listed captured this much). */
  captured: Map<string, number>;
  defaultCaptured: number;
  refunds: Array<{ paymentId: string; key: string; amount: number; id: string }>;
  down: boolean;
  close(): Promise<void>;
}

export async function startPaymentStandIn(defaultCaptured: number): Promise<PaymentStandIn> {
  const { logger } = captureLogger('payment-stand-in');
  const app = await createApp({
    name: 'payment-stand-in',
    logger,
    metrics: createMetrics('payment_stand_in'),
    openapiRoute: false,
  });
  const state: Omit<PaymentStandIn, 'url' | 'close'> = {
    captured: new Map(),
    defaultCaptured,
    refunds: [],
    down: false,
  };
  app.route({
    ...contractRoute(paymentApi.refund),
    handler: async (request, reply) => {
      if (state.down) throw CommonErrors.DEPENDENCY_UNAVAILABLE('stand-in is down');
      const paymentId = request.params.id;
      const key = String(request.headers['idempotency-key'] ?? '');
      const amount = request.body.amount?.amount ?? 0;
      let refund = state.refunds.find((r) => r.key === key && r.paymentId === paymentId);
      if (!refund) {
        const captured = state.captured.get(paymentId) ?? state.defaultCaptured;
        const refunded = state.refunds
          .filter((r) => r.paymentId === paymentId)
          .reduce((s, r) => s + r.amount, 0);
        if (amount > captured - refunded) {
          throw new AppError(
            'PAYMENT_REFUND_EXCEEDS_CAPTURED',
            { status: 422, title: 'More than captured' },
            `${captured - refunded} left`,
          );
        }
        refund = { paymentId, key, amount, id: newId() };
        state.refunds.push(refund);
      }
      const t = new Date().toISOString();
      const currency = request.body.amount?.currency ?? 'USD';
      const r = {
        id: refund.id,
        paymentId,
        amount: refund.amount,
        currency,
        status: 'succeeded' as const,
        reason: request.body.reason ?? null,
        providerReference: `re_${refund.id.slice(-8)}`,
        createdAt: t,
      };
      return reply.code(201).send({
        refund: r,
        payment: {
          id: paymentId,
          orderId: null,
          checkoutId: null,
          customerId: null,
          status: 'partially_refunded' as const,
          amount: state.defaultCaptured,
          currency,
          capturedAmount: state.defaultCaptured,
          refundedAmount: refund.amount,
          provider: 'stand-in',
          providerReference: null,
          card: null,
          savedMethodId: null,
          nextAction: null,
          failure: null,
          risk: { score: 0, decision: 'allow' as const, reasons: [] },
          refunds: [r],
          version: 1,
          createdAt: t,
          updatedAt: t,
        },
      });
    },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const out = Object.assign(state, { url, close: () => app.close() }) as PaymentStandIn;
  return out;
}
