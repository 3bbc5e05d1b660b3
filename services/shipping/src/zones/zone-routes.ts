import {
  IfMatchHeaders,
  parseIfMatch,
  problemResponses,
  versionEtag,
  type ServiceApp,
} from '@mercato/platform/http';
import { Type } from 'typebox';
import type { ZoneService } from './zone-service.ts';
import { MethodInputSchema, MethodSchema, ZoneInputSchema, ZoneSchema, ZoneUpdateSchema } from './zone.ts';

const tags = ['shipping'];
const WRITE = { permission: 'shipping:write' } as const;
const ZoneParams = Type.Object({ zone: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,49}$' }) });
const MethodParams = Type.Object({
  zone: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,49}$' }),
  method: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,49}$' }),
});

/** /api/v1/shipping/zones: where the shop ships, and how (reads public, writes shipping:write). */
export function registerZoneRoutes(app: ServiceApp, zones: ZoneService): void {
  app.get(
    '/api/v1/shipping/zones',
    {
      schema: {
        tags,
        summary: 'Every shipping zone with its methods and rate tables',
        response: { 200: Type.Object({ items: Type.Array(ZoneSchema) }) },
      },
    },
    async () => ({ items: await zones.list() }),
  );

  app.get(
    '/api/v1/shipping/zones/:zone',
    {
      schema: {
        tags,
        summary: 'One zone (ETag = version)',
        params: ZoneParams,
        response: { 200: ZoneSchema, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const zone = await zones.get(request.params.zone);
      return reply.header('etag', versionEtag(zone.version)).send(zone);
    },
  );

  app.post(
    '/api/v1/shipping/zones',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Create a zone (a country belongs to one active zone at most)',
        body: ZoneInputSchema,
        response: { 201: ZoneSchema, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const zone = await zones.create(request.body);
      return reply.code(201).header('etag', versionEtag(zone.version)).send(zone);
    },
  );

  app.put(
    '/api/v1/shipping/zones/:zone',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: "Replace a zone's name, countries and state (If-Match required)",
        params: ZoneParams,
        headers: IfMatchHeaders,
        body: ZoneUpdateSchema,
        response: { 200: ZoneSchema, ...problemResponses(400, 401, 403, 404, 409, 412, 428) },
      },
    },
    async (request, reply) => {
      const zone = await zones.update(
        request.params.zone,
        request.body,
        parseIfMatch(request.headers['if-match']),
      );
      return reply.header('etag', versionEtag(zone.version)).send(zone);
    },
  );

  app.delete(
    '/api/v1/shipping/zones/:zone',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Delete a zone and its methods (If-Match required)',
        params: ZoneParams,
        headers: IfMatchHeaders,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 412, 428) },
      },
    },
    async (request, reply) => {
      await zones.remove(request.params.zone, parseIfMatch(request.headers['if-match']));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/shipping/zones/:zone/methods',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Add a method with its rate table to a zone',
        params: ZoneParams,
        body: MethodInputSchema,
        response: { 201: MethodSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const method = await zones.addMethod(request.params.zone, request.body);
      return reply.code(201).header('etag', versionEtag(method.version)).send(method);
    },
  );

  app.put(
    '/api/v1/shipping/zones/:zone/methods/:method',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Replace a method (If-Match required; the code in the body must be the same)',
        params: MethodParams,
        headers: IfMatchHeaders,
        body: MethodInputSchema,
        response: { 200: MethodSchema, ...problemResponses(400, 401, 403, 404, 412, 422, 428) },
      },
    },
    async (request, reply) => {
      const method = await zones.replaceMethod(
        request.params.zone,
        request.params.method,
        request.body,
        parseIfMatch(request.headers['if-match']),
      );
      return reply.header('etag', versionEtag(method.version)).send(method);
    },
  );

  app.delete(
    '/api/v1/shipping/zones/:zone/methods/:method',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Delete a method (If-Match required)',
        params: MethodParams,
        headers: IfMatchHeaders,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 412, 428) },
      },
    },
    async (request, reply) => {
      await zones.removeMethod(
        request.params.zone,
        request.params.method,
        parseIfMatch(request.headers['if-match']),
      );
      return reply.code(204).send(null);
    },
  );
}
