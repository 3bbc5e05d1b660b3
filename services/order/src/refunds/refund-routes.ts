import { Int32, MoneyAmount, MoneySchema, OrderSchema } from '@mercato/contracts';
import { problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { actorFrom } from '../orders/order-access.ts';
import type { RefundService } from './refund-service.ts';

const RefundBody = Type.Object(
  {
    amount: Type.Optional(
      Type.Object(
        { amount: MoneyAmount({ minimum: 1 }), currency: MoneySchema.properties.currency },
        { additionalProperties: false },
      ),
    ),
    lines: Type.Optional(
      Type.Array(
        Type.Object(
          { lineNo: Int32({ minimum: 1 }), quantity: Int32({ minimum: 1 }) },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 200 },
      ),
    ),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  {
    additionalProperties: false,
    description:
      'neither amount nor lines: everything not yet refunded; lines: their share; amount: that much',
  },
);

/** POST /api/v1/orders/{id}/refunds: support and admins refund through payment. */
export function registerRefundRoutes(app: ServiceApp, refunds: RefundService): void {
  app.post(
    '/api/v1/orders/:id/refunds',
    {
      config: { auth: { permission: 'payments:refund' }, idempotency: 'optional' },
      schema: {
        tags: ['orders'],
        summary:
          'Refund the whole order, chosen lines or an amount through payment (never more than paid and not yet refunded); the order answers with the refund and its outcome',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: RefundBody,
        response: { 201: OrderSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const order = await refunds.refund(request.params.id, request.body, actorFrom(request.principal));
      return reply.code(201).send(order);
    },
  );
}
