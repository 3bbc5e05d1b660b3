import { Int32, OrderSchema } from '@mercato/contracts';
import { problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { actorFrom } from '../orders/order-access.ts';
import type { ReturnService } from './return-service.ts';

const tags = ['orders'];
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ReturnParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  returnId: Type.String({ format: 'uuid' }),
});
const ReturnBody = Type.Object(
  {
    lines: Type.Array(
      Type.Object(
        { lineNo: Int32({ minimum: 1 }), quantity: Type.Integer({ minimum: 1, maximum: 10_000 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 200 },
    ),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
const DeclineBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

/** /api/v1/orders/{id}/returns: the owner asks delivered lines back; staff receive or decline. */
export function registerReturnRoutes(app: ServiceApp, returns: ReturnService): void {
  app.post(
    '/api/v1/orders/:id/returns',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary:
          'Ask delivered lines back within the return window (setting orders.return_window_days): the order becomes return_requested',
        params: IdParams,
        body: ReturnBody,
        response: { 201: OrderSchema, ...problemResponses(400, 401, 404, 409, 422, 503) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await returns.request(request.params.id, request.body, actorFrom(request.principal))),
  );
  app.post(
    '/api/v1/orders/:id/returns/:returnId/receive',
    {
      config: { auth: { permission: 'orders:write' } },
      schema: {
        tags,
        summary: 'The returned units arrived: the order becomes returned (a repeat answers it as it is)',
        params: ReturnParams,
        response: { 200: OrderSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      returns.receive(request.params.id, request.params.returnId, actorFrom(request.principal)),
  );
  app.post(
    '/api/v1/orders/:id/returns/:returnId/decline',
    {
      config: { auth: { permission: 'orders:write' } },
      schema: {
        tags,
        summary: 'Refuse a return request: the order is delivered again and the request is removed',
        params: ReturnParams,
        body: DeclineBody,
        response: { 200: OrderSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      returns.decline(
        request.params.id,
        request.params.returnId,
        request.body.reason,
        actorFrom(request.principal),
      ),
  );
}
