import type { ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { providerMetadata } from './discovery.ts';

const Strings = Type.Array(Type.String());
const Metadata = Type.Object({
  issuer: Type.String(),
  token_endpoint: Type.String(),
  userinfo_endpoint: Type.String(),
  revocation_endpoint: Type.String(),
  jwks_uri: Type.String(),
  scopes_supported: Strings,
  response_types_supported: Strings,
  grant_types_supported: Strings,
  subject_types_supported: Strings,
  id_token_signing_alg_values_supported: Strings,
  token_endpoint_auth_methods_supported: Strings,
  revocation_endpoint_auth_methods_supported: Strings,
  claims_supported: Strings,
});

/** `/.well-known/openid-configuration`: where clients find the token, userinfo, revocation and JWKS endpoints. */
export function registerDiscoveryRoutes(app: ServiceApp, issuer: string): void {
  const metadata = providerMetadata(issuer);
  app.get(
    '/.well-known/openid-configuration',
    {
      schema: {
        tags: ['oidc'],
        summary: 'OpenID provider metadata (discovery)',
        response: { 200: Metadata },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return metadata;
    },
  );
}
