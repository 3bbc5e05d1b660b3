import { orderApi, OrderSchema } from '@mercato/contracts';
import {
  contractRoute,
  PageOf,
  parseIfMatch,
  problemResponses,
  versionEtag,
  IfMatchHeaders,
  type ServiceApp,
} from '@mercato/platform/http';
import { Type } from 'typebox';
import {
  GuestLookupBody,
  OrderListQuery,
  OrderSummarySchema,
  StatusChangeSchema,
  TransitionBody,
  type TransitionInput,
} from './order.ts';
import { actorFrom } from './order-access.ts';
import type { OrderLifecycle } from './order-lifecycle.ts';
import type { OrderService } from './order-service.ts';

const tags = ['orders'];
/** The saga's writes: service credentials with orders:write (the use cases also refuse users). */
const SERVICE_WRITE = { permission: 'orders:write' } as const;
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** /api/v1/orders: the saga's contract routes, customers' reads and cancel, staff's search and fulfilment steps. */
export function registerOrderRoutes(app: ServiceApp, orders: OrderService, lifecycle: OrderLifecycle): void {
  app.route({
    ...contractRoute(orderApi.create, tags),
    config: { auth: SERVICE_WRITE, idempotency: 'optional' },
    handler: async (request, reply) => {
      const { order, created } = await orders.create(request.body, actorFrom(request.principal));
      reply.header('etag', versionEtag(order.version)).header('location', `/api/v1/orders/${order.id}`);
      return reply.code(created ? 201 : 200).send(order);
    },
  });
  app.route({
    ...contractRoute(orderApi.get, tags),
    config: { auth: 'user' },
    handler: async (request, reply) => {
      const order = await orders.get(request.params.id, actorFrom(request.principal));
      return reply.header('etag', versionEtag(order.version)).send(order);
    },
  });
  app.route({
    ...contractRoute(orderApi.attachPayment, tags),
    config: { auth: SERVICE_WRITE },
    handler: async (request) =>
      lifecycle.attachPayment(request.params.id, request.body.paymentId, actorFrom(request.principal)),
  });
  app.route({
    ...contractRoute(orderApi.confirm, tags),
    config: { auth: SERVICE_WRITE },
    preValidation: async (request) => {
      request.body ??= {};
    },
    handler: async (request) =>
      lifecycle.confirm(request.params.id, request.body.paymentId, actorFrom(request.principal)),
  });
  app.route({
    ...contractRoute(orderApi.cancel, tags),
    config: { auth: 'user' },
    // The saga's compensation sends no body.
    preValidation: async (request) => {
      request.body ??= {};
    },
    handler: async (request) =>
      lifecycle.cancel(request.params.id, request.body.reason, actorFrom(request.principal)),
  });

  app.get(
    '/api/v1/orders',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary:
          "Orders, newest first: a customer's own; staff (orders:read) search by number, email, status, customer, date range and total",
        querystring: OrderListQuery,
        response: { 200: PageOf(OrderSummarySchema), ...problemResponses(400, 401) },
      },
    },
    async (request) => orders.list(request.query, actorFrom(request.principal)),
  );

  app.post(
    '/api/v1/orders/lookup',
    {
      schema: {
        tags,
        summary:
          "A guest reads their order with its number and the checkout's email (404 when either is wrong)",
        body: GuestLookupBody,
        response: { 200: OrderSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => orders.lookup(request.body.number, request.body.email),
  );

  app.get(
    '/api/v1/orders/:id/history',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: "The order's status history, oldest first (who, why, when)",
        params: IdParams,
        response: {
          200: Type.Object({ items: Type.Array(StatusChangeSchema) }),
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request) => ({ items: await orders.history(request.params.id, actorFrom(request.principal)) }),
  );

  app.post(
    '/api/v1/orders/:id/transitions',
    {
      config: { auth: { permission: 'orders:write' } },
      schema: {
        tags,
        summary:
          'Staff move an order along fulfilment (partially_fulfilled, fulfilled, shipped, delivered, completed); If-Match optional; an illegal move is 409 ORDER_INVALID_TRANSITION',
        params: IdParams,
        headers: IfMatchHeaders,
        body: TransitionBody,
        response: { 200: OrderSchema, ...problemResponses(400, 401, 403, 404, 409, 412, 422) },
      },
    },
    async (request, reply) => {
      const order = await lifecycle.transition(
        request.params.id,
        request.body as TransitionInput,
        parseIfMatch(request.headers['if-match']),
        actorFrom(request.principal),
      );
      return reply.header('etag', versionEtag(order.version)).send(order);
    },
  );
}
