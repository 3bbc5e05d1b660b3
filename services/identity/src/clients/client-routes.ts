import { actorOf } from '@mercato/platform/auth';
import { PageOf, PageQuery, type ServiceApp, problemResponses } from '@mercato/platform/http';
import { Type } from 'typebox';
import { CLIENT_GRANT_TYPES, CLIENT_ID_PATTERN, OAuthClientSchema, type ClientWithSecret } from './client.ts';
import type { ClientService } from './client-service.ts';
import { NameField } from '../text-fields.ts';

const tags = ['oauth'];
const admin = { auth: { permission: 'users:write' } } as const;
const ClientParams = Type.Object({ clientId: Type.String({ pattern: CLIENT_ID_PATTERN }) });
const WithSecret = Type.Object({
  ...OAuthClientSchema.properties,
  clientSecret: Type.String({ description: 'shown once; only its hash is kept' }),
});
const CreateBody = Type.Object(
  {
    clientId: Type.String({ pattern: CLIENT_ID_PATTERN, description: 'e.g. checkout-service' }),
    name: NameField(100, 'ERP connector'),
    scopes: Type.Array(Type.String({ maxLength: 100 }), {
      maxItems: 50,
      description: 'permission names the client may request (e.g. orders:read)',
    }),
    grantTypes: Type.Optional(
      Type.Array(Type.Union(CLIENT_GRANT_TYPES.map((g) => Type.Literal(g))), {
        minItems: 1,
        uniqueItems: true,
        description: 'default [client_credentials]; password and refresh_token for first-party apps',
      }),
    ),
  },
  { additionalProperties: false },
);

function shownOnce({ client, clientSecret }: ClientWithSecret) {
  return { ...client, clientSecret };
}

/** /api/v1/oauth/clients: service accounts for the client_credentials grant (admins only). */
export function registerClientRoutes(app: ServiceApp, clients: ClientService): void {
  app.post(
    '/api/v1/oauth/clients',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Register a client; its secret is in this answer only',
        body: CreateBody,
        response: { 201: WithSecret, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const created = await clients.create(request.body, actorOf(request));
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .header('location', `/api/v1/oauth/clients/${created.client.clientId}`)
        .send(shownOnce(created));
    },
  );

  app.get(
    '/api/v1/oauth/clients',
    {
      config: admin,
      schema: {
        tags,
        summary: 'List clients (by id)',
        querystring: Type.Object(PageQuery),
        response: { 200: PageOf(OAuthClientSchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => clients.list(request.query),
  );

  app.get(
    '/api/v1/oauth/clients/:clientId',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Get a client',
        params: ClientParams,
        response: { 200: OAuthClientSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => clients.get(request.params.clientId),
  );

  app.delete(
    '/api/v1/oauth/clients/:clientId',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Disable a client (it can no longer obtain tokens; issued ones expire)',
        params: ClientParams,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await clients.disable(request.params.clientId, actorOf(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/oauth/clients/:clientId/secret',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Replace the client secret; the new one is in this answer only',
        params: ClientParams,
        response: { 200: WithSecret, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const rotated = await clients.rotateSecret(request.params.clientId, actorOf(request));
      return reply.header('cache-control', 'no-store').send(shownOnce(rotated));
    },
  );
}
