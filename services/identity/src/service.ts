import { defineService } from '@mercato/platform/http';
import type { IdentityDB } from './db.ts';
import { IdentityErrors } from './errors.ts';
import { identityContextOf } from './identity-context.ts';
import { createTokenVerifier } from '@mercato/platform/auth';
import { registerJwksRoutes } from './oidc/jwks-routes.ts';

/** The identity service: accounts, tokens, roles, MFA, API keys, OAuth2/OIDC (port 8101, schema `identity`). */
export const identityService = defineService<IdentityDB>({
  name: 'identity',
  schema: 'identity',
  description:
    'Accounts, sign-in, tokens (EdDSA JWT + rotating refresh tokens), roles, MFA, API keys, OAuth2/OIDC',
  errors: IdentityErrors.catalog,
  migrations: new URL('../migrations/', import.meta.url),
  tokenVerifier(ctx) {
    // Identity checks tokens against its own key store: no HTTP call to itself.
    const { config, keys } = identityContextOf(ctx);
    return createTokenVerifier({
      issuer: config.IDENTITY_ISSUER,
      audience: config.IDENTITY_AUDIENCE,
      keys: () => keys.jwks(),
    });
  },
  async routes(app, ctx) {
    const identity = identityContextOf(ctx);
    registerJwksRoutes(app, identity.keys);
  },
});
