import { problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { PaymentMethodSchema, SaveMethodBody } from './method.ts';
import type { MethodService } from './method-service.ts';

const tags = ['payment-methods'];

/** /api/v1/payment-methods: the signed-in customer's saved cards. */
export function registerMethodRoutes(app: ServiceApp, methods: MethodService): void {
  app.get(
    '/api/v1/payment-methods',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: "The signed-in customer's saved cards (brand, last4, expiry)",
        response: { 200: Type.Object({ items: Type.Array(PaymentMethodSchema) }), ...problemResponses(401) },
      },
    },
    async (request) => methods.list(request.principal!.subject),
  );
  app.post(
    '/api/v1/payment-methods',
    {
      config: { auth: 'user', idempotency: 'required' },
      schema: {
        tags,
        summary:
          'Save a card for the signed-in customer from a provider token (the number never reaches Mercato)',
        body: SaveMethodBody,
        response: { 201: PaymentMethodSchema, ...problemResponses(400, 401, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      const key = `${request.principal!.subject}:${String(request.headers['idempotency-key'])}`;
      const saved = await methods.save(request.principal!.subject, request.body.token, key);
      return reply.code(201).header('location', `/api/v1/payment-methods/${saved.id}`).send(saved);
    },
  );
  app.delete(
    '/api/v1/payment-methods/:id',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Delete a saved card (404 for anyone else’s)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 204: Type.Null(), ...problemResponses(400, 401, 404, 503) },
      },
    },
    async (request, reply) => {
      await methods.remove(request.principal!.subject, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
