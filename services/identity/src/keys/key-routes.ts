import { actorOf } from '@mercato/platform/auth';
import { problemResponses } from '@mercato/platform/http';
import type { ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import type { SigningKeys } from './signing-keys.ts';

/**
 * `POST /api/v1/oauth/keys/rotate` (admins): a new key is published at once and signs 10 s
 * later; the previous one stays in the JWKS so tokens it signed verify until they expire.
 * The same as `mercato rotate-keys`.
 */
export function registerKeyRoutes(app: ServiceApp, keys: SigningKeys): void {
  app.post(
    '/api/v1/oauth/keys/rotate',
    {
      config: { auth: { permission: 'users:write' } },
      schema: {
        tags: ['oidc'],
        summary: 'Rotate the token signing key',
        response: {
          200: Type.Object({
            kid: Type.String({ description: 'id of the new key: in the JWKS now, signing 10 s from now' }),
          }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => ({ kid: await keys.rotate({ actor: actorOf(request) }) }),
  );
}
