import { problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
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
  app.get(
    '/api/v1/orders/:id/invoice.pdf',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['orders'],
        summary:
          "The order's invoice (application/pdf): the shop's details from settings, lines, taxes and totals",
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        produces: ['application/pdf'],
        response: {
          200: Type.String({ contentEncoding: 'binary', description: 'the PDF' }),
          ...problemResponses(400, 401, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const order = await orders.get(request.params.id, actorFrom(request.principal));
      const shop = await settings.get();
      const pdf = await renderInvoice(order, shop.profile, new Date(now()));
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="invoice-${order.number}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );
}
