import { problemResponses, type ServiceApp } from '@mercato/platform/http';
import { DeliveryStatusResultSchema } from './delivery-status.ts';
import type { DeliveryStatusService } from './delivery-status-service.ts';

const BODY_LIMIT = 256 * 1024;

/**
 * POST /api/v1/notifications/delivery-status: the SMTP provider's signed delivery reports.
 * Public (the provider has no Mercato token): the signature over the raw body is the
 * authentication, so the route's own scope reads the body as text.
 */
export function registerDeliveryStatusRoutes(app: ServiceApp, service: DeliveryStatusService): void {
  void app.register(async (scope: ServiceApp) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(
      '/api/v1/notifications/delivery-status',
      {
        bodyLimit: BODY_LIMIT,
        schema: {
          tags: ['notifications'],
          summary:
            'Delivered / bounced reports of the SMTP provider (signed: Delivery-Signature t=…,v1=…, 5-minute tolerance) into the delivery log',
          response: { 200: DeliveryStatusResultSchema, ...problemResponses(400, 503) },
        },
      },
      async (request) => {
        const raw = request.headers['delivery-signature'];
        return service.receive(
          typeof request.body === 'string' ? request.body : '',
          Array.isArray(raw) ? raw[0] : raw,
        );
      },
    );
  });
}
