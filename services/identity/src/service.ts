import { serviceManifests } from '@mercato/contracts';
import { defineService } from '@mercato/platform/service';
import { IdentityConfig } from './config.ts';
import type { IdentityDB } from './db.ts';
import { IdentityErrors } from './errors.ts';
import { createIdentityContext } from './identity-context.ts';
import { createTokenVerifier } from '@mercato/platform/auth';
import { registerJwksRoutes } from './oidc/jwks-routes.ts';
import { registerAccountRoutes } from './accounts/account-routes.ts';
import { seedIdentity } from './seed.ts';
import { bootstrapAdminWorker } from './users/bootstrap-admin.ts';
import { createSessionService } from './accounts/session-service.ts';
import { registerApiKeyRoutes } from './api-keys/api-key-routes.ts';
import { createApiKeyService } from './api-keys/api-key-service.ts';
import { registerApiKeyExchangeRoutes } from './api-keys/exchange-routes.ts';
import { registerClientRoutes } from './clients/client-routes.ts';
import { createClientService } from './clients/client-service.ts';
import { serviceClientsWorker } from './clients/service-clients.ts';
import { registerKeyRoutes } from './keys/key-routes.ts';
import { registerOAuthRoutes } from './oauth/oauth-routes.ts';
import { createOAuthService } from './oauth/oauth-service.ts';
import { registerUserInfoRoutes } from './oauth/userinfo-routes.ts';
import { registerDiscoveryRoutes } from './oidc/discovery-routes.ts';

/** The identity service: accounts, tokens, roles, MFA, API keys, OAuth2/OIDC. */
export const identityService = defineService<IdentityDB>()({
  manifest: serviceManifests.identity,
  config: IdentityConfig,
  errors: IdentityErrors.catalog,
  migrations: new URL('../migrations/', import.meta.url),
  setup: createIdentityContext,
  tokenVerifier(_ctx, { config, keys }) {
    // Identity checks tokens against its own key store: no HTTP call to itself.
    return createTokenVerifier({
      issuer: config.IDENTITY_ISSUER,
      audience: config.IDENTITY_AUDIENCE,
      keys: () => keys.jwks(),
    });
  },
  async routes(app, ctx, identity) {
    registerJwksRoutes(app, identity.keys);
    registerAccountRoutes(app, identity);
    registerDiscoveryRoutes(app, identity.config.IDENTITY_ISSUER);
    registerKeyRoutes(app, identity.keys);
    const clients = createClientService(ctx);
    registerClientRoutes(app, clients);
    const sessions = createSessionService(identity);
    registerOAuthRoutes(app, createOAuthService({ tokens: identity.tokens, sessions, clients }));
    registerUserInfoRoutes(app, ctx);
    const apiKeys = createApiKeyService(identity);
    registerApiKeyRoutes(app, apiKeys);
    registerApiKeyExchangeRoutes(app, apiKeys);
  },
  workers: (_ctx, identity) => [serviceClientsWorker(identity), bootstrapAdminWorker(identity)],
  seed: seedIdentity,
});

/** Password use cases on a built identity's parts (the `mercato reset-password` command uses them). */
export { createPasswordService } from './passwords/password-service.ts';
