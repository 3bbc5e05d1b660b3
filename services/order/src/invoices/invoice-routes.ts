import { orderApi } from '@mercato/contracts';
import { contractRoute, type ServiceApp } from '@mercato/platform/http';
import { actorFrom } from '../orders/order-access.ts';
import type { OrderService } from '../orders/order-service.ts';
import type { ShopSettingsReader } from '../settings/shop-settings.ts';
import { renderInvoice } from './invoice-pdf.ts';

/** GET /api/v1/orders/{id}/invoice.pdf: the owner's (or staff's) invoice as a PDF. */
export function registerInvoiceRoutes(
  app: ServiceApp,
  orders: OrderService,
  settings: ShopSettingsReader,
  now: () => number,
): void {
  // Mounted from its contract: notification's typed client fetches it to attach it to the confirmation.
  const route = contractRoute(orderApi.invoicePdf, ['orders']);
  app.route({
    ...route,
    schema: { ...route.schema, produces: ['application/pdf'] },
    config: { auth: 'user' },
    handler: async (request, reply) => {
      const order = await orders.get(request.params.id, actorFrom(request.principal));
      const shop = await settings.get();
      const pdf = await renderInvoice(order, shop.profile, new Date(now()));
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="invoice-${order.number}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  });
}
