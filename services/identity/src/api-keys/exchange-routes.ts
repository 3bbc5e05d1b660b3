import { problemResponses } from '@mercato/platform/http';
import type { ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import type { ApiKeyService } from './api-key-service.ts';

/**
 * `POST /internal/api-keys/exchange`: the gateway trades an X-API-Key for a short-lived
 * access token. Not under /api, so the gateway never routes it from outside; deployments
 * must keep /internal/* unreachable from the public network. Hidden from the OpenAPI spec.
 */
export function registerApiKeyExchangeRoutes(app: ServiceApp, apiKeys: ApiKeyService): void {
  app.post(
    '/internal/api-keys/exchange',
    {
      schema: {
        hide: true,
        body: Type.Object(
          { apiKey: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            accessToken: Type.String(),
            expiresIn: Type.Integer({ description: 'seconds; at most 300, never past the key’s expiry' }),
            subject: Type.String({ description: 'the owner’s user id' }),
            tier: Type.Union([Type.Literal('authenticated'), Type.Literal('premium')]),
          }),
          ...problemResponses(400, 401),
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return apiKeys.exchange(request.body.apiKey);
    },
  );
}
