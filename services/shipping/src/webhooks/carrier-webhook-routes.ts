import { CommonErrors } from '@mercato/platform/errors';
import { problemResponses, WebhookSignatureError, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { ShippingErrors } from '../errors.ts';
import type { CarrierProvider } from '../providers/carrier.ts';
import type { ShipmentService } from '../shipments/shipment-service.ts';

/**
 * POST /api/v1/shipping/webhooks/carrier: the carrier's tracking updates. The body is read
 * raw (the signature covers the exact bytes), verified, then applied once per event id; an
 * update for a parcel that is not ours is acknowledged and changes nothing, so the carrier
 * stops retrying it.
 */
export function registerCarrierWebhookRoutes(
  app: ServiceApp,
  carrier: CarrierProvider,
  shipments: ShipmentService,
): void {
  void app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    scope.post(
      '/api/v1/shipping/webhooks/carrier',
      {
        schema: {
          tags: ['shipping'],
          summary: "The carrier's signed tracking updates (HMAC, 5-minute tolerance, each event once)",
          response: {
            200: Type.Object({ received: Type.Boolean(), outcome: Type.String() }),
            ...problemResponses(400),
          },
        },
      },
      async (request) => {
        if (typeof request.body !== 'string') throw CommonErrors.BAD_REQUEST('a JSON body is required');
        let event;
        try {
          event = carrier.parseWebhook(request.body, request.headers);
        } catch (err) {
          if (err instanceof WebhookSignatureError)
            throw ShippingErrors.SHIPPING_WEBHOOK_SIGNATURE_INVALID(err.message);
          throw err;
        }
        return { received: true, outcome: await shipments.applyTracking(event) };
      },
    );
  });
}
