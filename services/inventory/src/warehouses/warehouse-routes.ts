import {
  parseIfMatch,
  versionEtag,
  type ServiceApp,
  problemResponses,
  IfMatchHeaders,
} from '@mercato/platform/http';
import { Type } from 'typebox';
import { READ, WRITE } from '../request-meta.ts';
import { CodeParams, CreateWarehouseBody, UpdateWarehouseBody, WarehouseSchema } from './warehouse.ts';
import type { WarehouseService } from './warehouse-service.ts';

const tags = ['warehouses'];

/** /api/v1/inventory/warehouses: admin reads (inventory:read) and writes (inventory:write). */
export function registerWarehouseRoutes(app: ServiceApp, warehouses: WarehouseService): void {
  app.get(
    '/api/v1/inventory/warehouses',
    {
      config: { auth: READ },
      schema: {
        tags,
        summary: 'List warehouses in allocation order (priority, then code)',
        response: { 200: Type.Object({ items: Type.Array(WarehouseSchema) }), ...problemResponses(401, 403) },
      },
    },
    async () => ({ items: await warehouses.list() }),
  );
  app.get(
    '/api/v1/inventory/warehouses/:code',
    {
      config: { auth: READ },
      schema: {
        tags,
        summary: 'Get a warehouse by code',
        params: CodeParams,
        response: { 200: WarehouseSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const w = await warehouses.get(request.params.code);
      return reply.header('etag', versionEtag(w.version)).send(w);
    },
  );
  app.post(
    '/api/v1/inventory/warehouses',
    {
      config: { auth: WRITE, idempotency: 'optional' },
      schema: {
        tags,
        summary: 'Create a warehouse',
        body: CreateWarehouseBody,
        response: { 201: WarehouseSchema, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const w = await warehouses.create(request.body);
      return reply
        .code(201)
        .header('location', `/api/v1/inventory/warehouses/${w.code}`)
        .header('etag', versionEtag(w.version))
        .send(w);
    },
  );
  app.patch(
    '/api/v1/inventory/warehouses/:code',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Change a warehouse (If-Match optional); (de)activating it publishes stock_changed',
        params: CodeParams,
        headers: IfMatchHeaders,
        body: UpdateWarehouseBody,
        response: { 200: WarehouseSchema, ...problemResponses(400, 401, 403, 404, 412) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      const w = await warehouses.update(request.params.code, request.body, expected);
      return reply.header('etag', versionEtag(w.version)).send(w);
    },
  );
  app.delete(
    '/api/v1/inventory/warehouses/:code',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Delete a warehouse that never held stock (otherwise deactivate it)',
        params: CodeParams,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await warehouses.delete(request.params.code);
      return reply.code(204).send(null);
    },
  );
}
