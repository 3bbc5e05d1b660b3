import { problemResponses, type ServiceApp } from '@mercato/platform/http';
import type { FastifyRequest } from 'fastify';
import { CheckoutParams, CheckoutSchema, StartCheckoutBody } from './checkout.ts';
import type { Caller, CheckoutService } from './checkout-service.ts';
import { isFinal } from './checkout-view.ts';

const tags = ['checkout'];

export function callerOf(request: FastifyRequest): Caller {
  return { principal: request.principal, ip: request.ip ?? null, correlationId: String(request.id) };
}

/**
 * /api/v1/checkout: a guest (no token, email in the body) or a signed-in customer starts a
 * checkout of their cart and reads it back. POST waits up to CHECKOUT_RESPOND_WAIT_MS for the
 * saga: 200 when it ended (confirmed or failed), 202 while it runs or waits for 3-D Secure.
 */
export function registerCheckoutRoutes(app: ServiceApp, checkouts: CheckoutService): void {
  app.post(
    '/api/v1/checkout',
    {
      config: { idempotency: 'handler' },
      schema: {
        tags,
        summary:
          'Check out a cart (Idempotency-Key required: the same key and body answer the same checkout, another body 422). 200 with the final state when the saga ended within a short wait, else 202 (processing, or requires_action with nextAction.url for 3-D Secure); poll GET /api/v1/checkout/{id}',
        body: StartCheckoutBody,
        response: {
          200: CheckoutSchema,
          202: CheckoutSchema,
          ...problemResponses(400, 401, 404, 409, 422, 503),
        },
      },
    },
    async (request, reply) => {
      // 'handler' mode: the kit checked the key; the checkout row is its idempotency record.
      const view = await checkouts.start(callerOf(request), request.body, request.idempotencyKey!);
      return reply
        .code(isFinal(view.status) ? 200 : 202)
        .header('location', `/api/v1/checkout/${view.checkoutId}`)
        .send(view);
    },
  );

  app.get(
    '/api/v1/checkout/:id',
    {
      schema: {
        tags,
        summary:
          "A checkout: status, failure reason (coded), step timeline, the 3-D Secure page while it waits, the order once confirmed (its buyer; a guest's by its id; checkout:admin any)",
        params: CheckoutParams,
        response: { 200: CheckoutSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => checkouts.get(callerOf(request), request.params.id),
  );
}
