import type { ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import type { SigningKeys } from '../keys/signing-keys.ts';

const Jwk = Type.Object(
  {
    kty: Type.String(),
    crv: Type.Optional(Type.String()),
    x: Type.Optional(Type.String()),
    kid: Type.String(),
    alg: Type.String(),
    use: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** `/.well-known/jwks.json`: the public keys that verify access tokens (current and previous). */
export function registerJwksRoutes(app: ServiceApp, keys: SigningKeys): void {
  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['oidc'],
        summary: 'Public signing keys (JWKS)',
        response: { 200: Type.Object({ keys: Type.Array(Jwk) }) },
      },
    },
    async (_request, reply) => {
      // Verifiers cache this; a short max-age lets a rotation reach them within minutes.
      reply.header('cache-control', 'public, max-age=300');
      return keys.jwks();
    },
  );
}
