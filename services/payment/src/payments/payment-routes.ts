import { paymentApi } from '@mercato/contracts';
import { contractRoute, problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import type { RefundService } from '../refunds/refund-service.ts';
import type { AuthorizationService } from './authorization-service.ts';
import type { PaymentService } from './payment-service.ts';

const tags = ['payments'];
/** The checkout saga's client (and admins) authorize, capture and void. */
const WRITE = { permission: 'payments:write' } as const;
const READ = { permission: 'payments:read' } as const;
const REFUND = { permission: 'payments:refund' } as const;

const LedgerEntry = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  status: Type.String(),
  amount: Type.Union([Type.Integer(), Type.Null()]),
  currency: Type.Union([Type.String(), Type.Null()]),
  provider: Type.String(),
  providerReference: Type.Union([Type.String(), Type.Null()]),
  providerEventId: Type.Union([Type.String(), Type.Null()]),
  idempotencyKey: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String({ format: 'date-time' }),
});

/** /api/v1/payments: authorize, read, capture, void, refund, and the ledger. */
export function registerPaymentRoutes(
  app: ServiceApp,
  parts: {
    authorizations: AuthorizationService;
    payments: PaymentService;
    refunds: RefundService;
  },
): void {
  const { authorizations, payments, refunds } = parts;
  app.route({
    ...contractRoute(paymentApi.authorize, tags),
    // 'handler': the payment row is the key's record (see AuthorizationService).
    config: { auth: WRITE, idempotency: 'handler' },
    handler: async (request, reply) => {
      const out = await authorizations.authorize(request.body, request.idempotencyKey!);
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).header('location', `/api/v1/payments/${out.payment.id}`).send(out.payment);
    },
  });
  app.route({
    ...contractRoute(paymentApi.list, tags),
    config: { auth: READ },
    handler: async (request) => payments.list(request.query),
  });
  app.route({
    ...contractRoute(paymentApi.get, tags),
    // A customer reads their own payment (to follow a 3-D Secure redirect); 404 for others'.
    config: { auth: 'user' },
    handler: async (request) => payments.get(request.params.id, request.principal),
  });
  app.route({
    ...contractRoute(paymentApi.capture, tags),
    config: { auth: WRITE, idempotency: 'required' },
    preValidation: async (request) => {
      request.body ??= {};
    },
    handler: async (request) => payments.capture(request.params.id, request.body),
  });
  app.route({
    ...contractRoute(paymentApi.void, tags),
    config: { auth: WRITE, idempotency: 'required' },
    handler: async (request) => payments.void(request.params.id),
  });
  app.route({
    ...contractRoute(paymentApi.refund, tags),
    config: { auth: REFUND, idempotency: 'required' },
    preValidation: async (request) => {
      request.body ??= {};
    },
    handler: async (request, reply) =>
      reply.code(201).send(await refunds.refund(request.params.id, request.body)),
  });
  app.get(
    '/api/v1/payments/:id/transactions',
    {
      config: { auth: READ },
      schema: {
        tags,
        summary:
          'The ledger of a payment: every provider call and webhook, with amounts and provider references',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: {
          200: Type.Object({ items: Type.Array(LedgerEntry) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => payments.ledger(request.params.id),
  );
}
