import { defineService } from '@mercato/platform/http';
import type { IdentityDB } from './db.ts';
import { IdentityErrors } from './errors.ts';
import { createIdentityContext } from './identity-context.ts';
import { registerJwksRoutes } from './oidc/jwks-routes.ts';

/** The identity service: accounts, tokens, roles, MFA, API keys, OAuth2/OIDC (port 8101, schema `identity`). */
export const identityService = defineService<IdentityDB>({
  name: 'identity',
  schema: 'identity',
  description:
    'Accounts, sign-in, tokens (EdDSA JWT + rotating refresh tokens), roles, MFA, API keys, OAuth2/OIDC',
  errors: IdentityErrors.catalog,
  migrations: new URL('../migrations/', import.meta.url),
  async routes(app, ctx) {
    const identity = createIdentityContext(ctx);
    registerJwksRoutes(app, identity.keys);
  },
});
