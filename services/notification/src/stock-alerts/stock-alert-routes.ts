import { problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { StockAlertBody, StockAlertParams, StockAlertSchema } from './stock-alert.ts';
import type { StockAlertService } from './stock-alert-service.ts';

const tags = ['notifications'];

/** /api/v1/notifications/stock-alerts: "notify me when this SKU is back", for signed-in customers. */
export function registerStockAlertRoutes(app: ServiceApp, alerts: StockAlertService): void {
  app.post(
    '/api/v1/notifications/stock-alerts',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary:
          'Email me when this SKU is back in stock (once; asking again after the email re-arms it). 201 created, 200 already asked',
        body: StockAlertBody,
        response: { 201: StockAlertSchema, 200: StockAlertSchema, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const { alert, created } = await alerts.subscribe(request.principal!, request.body.sku);
      return reply.code(created ? 201 : 200).send(alert);
    },
  );

  app.get(
    '/api/v1/notifications/stock-alerts',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'My back-in-stock alerts, waiting and sent',
        response: {
          200: Type.Object({ items: Type.Array(StockAlertSchema) }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => ({ items: await alerts.list(request.principal!) }),
  );

  app.delete(
    '/api/v1/notifications/stock-alerts/:sku',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Stop waiting for this SKU (a repeat is a no-op)',
        params: StockAlertParams,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      await alerts.unsubscribe(request.principal!, request.params.sku);
      return reply.code(204).send(null);
    },
  );
}
