import { CommonErrors } from '@mercato/platform/errors';
import { PageOf, PageQuery, type ServiceApp, problemResponses } from '@mercato/platform/http';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { NameField } from '../text-fields.ts';
import { ApiKeySchema } from './api-key.ts';
import type { ApiKeyService } from './api-key-service.ts';

const tags = ['api-keys'];
const signedIn = { auth: 'user' } as const;
const CreateBody = Type.Object(
  {
    name: NameField(100, 'Storefront sync'),
    permissions: Type.Array(Type.String({ maxLength: 100 }), {
      maxItems: 50,
      description: 'permissions the key grants; each must be one you hold (may be empty)',
    }),
    expiresAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'in the future; none = no expiry' }),
    ),
  },
  { additionalProperties: false },
);
const Created = Type.Object({
  ...ApiKeySchema.properties,
  key: Type.String({ description: 'mk_<prefix>_<secret>: shown once, only its hash is kept' }),
});
const ListQuery = Type.Object({
  ...PageQuery,
  userId: Type.Optional(
    Type.String({ format: 'uuid', description: "another user's keys (needs users:write)" }),
  ),
});

function callerOf(request: FastifyRequest) {
  // auth: 'user' has already refused requests without a principal.
  if (!request.principal) throw CommonErrors.UNAUTHORIZED();
  return request.principal;
}

/** /api/v1/api-keys: a user's API keys (the gateway accepts them as X-API-Key). */
export function registerApiKeyRoutes(app: ServiceApp, apiKeys: ApiKeyService): void {
  app.post(
    '/api/v1/api-keys',
    {
      config: signedIn,
      schema: {
        tags,
        summary: 'Create an API key; the key is in this answer only',
        body: CreateBody,
        response: { 201: Created, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { apiKey, key } = await apiKeys.create(callerOf(request), request.body);
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ ...apiKey, key });
    },
  );

  app.get(
    '/api/v1/api-keys',
    {
      config: signedIn,
      schema: {
        tags,
        summary: 'List your API keys (newest first), or a user’s with users:write',
        querystring: ListQuery,
        response: { 200: PageOf(ApiKeySchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { page, pageSize, userId } = request.query;
      return apiKeys.list(callerOf(request), { page, pageSize, ...(userId ? { userId } : {}) });
    },
  );

  app.delete(
    '/api/v1/api-keys/:id',
    {
      config: signedIn,
      schema: {
        tags,
        summary: 'Revoke an API key (yours, or any with users:write)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 204: Type.Null(), ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await apiKeys.revoke(callerOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
