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

const built = new WeakMap<ServiceContext<IdentityDB>, IdentityContext>();

/** Identity's shared parts, built once per service instance (routes and the token verifier share them). */
export function identityContextOf(
  ctx: ServiceContext<IdentityDB>,
  env: NodeJS.ProcessEnv = process.env,
): IdentityContext {
  let identity = built.get(ctx);
  if (!identity) {
    const config = identityConfig(env);
    const keys = createSigningKeys(ctx);
    identity = { ctx, config, keys, tokens: createTokenIssuer(keys, config) };
    built.set(ctx, identity);
  }
  return identity;
}
