import { shippingApi } from '@mercato/contracts';
import { contractRoute, type ServiceApp } from '@mercato/platform/http';
import type { QuoteService } from './quote-service.ts';

/** POST /api/v1/shipping/quotes: what the cart and the checkout show (public). */
export function registerQuoteRoutes(app: ServiceApp, quotes: QuoteService): void {
  app.route({
    ...contractRoute(shippingApi.quote, ['shipping']),
    handler: async (request) => quotes.quote(request.body),
  });
}
