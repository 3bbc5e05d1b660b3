import { shippingApi, ShipmentSchema } from '@mercato/contracts';
import { contractRoute, problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import type { ShipmentService } from './shipment-service.ts';

const tags = ['shipping'];
const WRITE = { permission: 'shipping:write' } as const;
// Support and the order views read shipments; shipping staff and the checkout write them.
const READ = { anyPermission: ['orders:read', 'shipping:write'] };
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const TrackingSchema = Type.Object({
  trackingNumber: Type.String(),
  carrier: Type.String(),
  status: Type.String(),
  events: Type.Array(
    Type.Object({
      status: Type.String(),
      detail: Type.Union([Type.String(), Type.Null()]),
      occurredAt: Type.String({ format: 'date-time' }),
    }),
  ),
});

/** /api/v1/shipping/shipments and public tracking. */
export function registerShipmentRoutes(app: ServiceApp, shipments: ShipmentService): void {
  app.route({
    ...contractRoute(shippingApi.createShipments, tags),
    config: { auth: WRITE },
    handler: async (request, reply) => reply.code(201).send({ items: await shipments.create(request.body) }),
  });

  app.route({
    ...contractRoute(shippingApi.listShipments, tags),
    config: { auth: READ },
    handler: async (request) => ({ items: await shipments.forOrder(request.query.orderId) }),
  });

  app.get(
    '/api/v1/shipping/shipments/:id',
    {
      config: { auth: READ },
      schema: {
        tags,
        summary: 'One shipment (orders:read or shipping:write)',
        params: IdParams,
        response: { 200: ShipmentSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => shipments.get(request.params.id),
  );

  app.post(
    '/api/v1/shipping/shipments/:id/dispatch',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Hand the parcel to the carrier (label_created → dispatched; again: no change)',
        params: IdParams,
        response: { 200: ShipmentSchema, ...problemResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => shipments.dispatch(request.params.id),
  );
  app.route({
    ...contractRoute(shippingApi.cancelShipment, tags),
    config: { auth: WRITE },
    handler: async (request) => shipments.cancel(request.params.id),
  });

  app.get(
    '/api/v1/shipping/tracking/:trackingNumber',
    {
      schema: {
        tags,
        summary: "A parcel's status and tracking history by its tracking number (public; no address)",
        params: Type.Object({ trackingNumber: Type.String({ pattern: '^[A-Za-z0-9-]{4,40}$' }) }),
        response: { 200: TrackingSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => shipments.tracking(request.params.trackingNumber),
  );
}
