import type { ServiceContext } from '@mercato/platform/http';
import { identityConfig, type IdentityConfig } from './config.ts';
import type { IdentityDB } from './db.ts';
import { createSigningKeys, type SigningKeys } from './keys/signing-keys.ts';
import { createTokenIssuer, type TokenIssuer } from './tokens/token-issuer.ts';

/** Everything identity's use cases share: the kit context, settings, keys and the token issuer. */
export interface IdentityContext {
  ctx: ServiceContext<IdentityDB>;
  config: IdentityConfig;
  keys: SigningKeys;
  tokens: TokenIssuer;
}

/** Builds identity's shared parts once per service instance. */
export function createIdentityContext(
  ctx: ServiceContext<IdentityDB>,
  env: NodeJS.ProcessEnv = process.env,
): IdentityContext {
  const config = identityConfig(env);
  const keys = createSigningKeys(ctx);
  return { ctx, config, keys, tokens: createTokenIssuer(keys, config) };
}
