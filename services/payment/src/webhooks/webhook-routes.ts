import { problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import type { WebhookService } from './webhook-service.ts';

const WEBHOOK_BODY_LIMIT = 256 * 1024;

/**
 * POST /api/v1/payments/webhooks/{provider}: the provider's events. Public (the provider has
 * no Mercato token): the signature is the authentication, computed over the raw body, so the
 * route's own scope reads the body as text.
 */
export function registerWebhookRoutes(app: ServiceApp, webhooks: WebhookService, providerName: string): void {
  void app.register(async (scope: ServiceApp) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    scope.post(
      `/api/v1/payments/webhooks/${providerName}`,
      {
        bodyLimit: WEBHOOK_BODY_LIMIT,
        schema: {
          tags: ['payments'],
          summary:
            "The payment provider's signed webhooks (Psp-Signature, 5-minute tolerance); a repeated event id changes nothing",
          response: {
            200: Type.Object({
              received: Type.Boolean(),
              outcome: Type.String({ description: 'applied, ignored, duplicate or unknown_payment' }),
            }),
            ...problemResponses(400),
          },
        },
      },
      async (request) => {
        const body = typeof request.body === 'string' ? request.body : '';
        const { outcome } = await webhooks.receive(body, request.headers);
        return { received: true, outcome };
      },
    );
  });
}
