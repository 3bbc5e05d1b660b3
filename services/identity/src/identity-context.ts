import type { ServiceContext } from '@mercato/platform/service';
import type { IdentityConfig } from './config.ts';
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

/** Identity's shared parts, built once per service instance (its definition's setup). */
export function createIdentityContext(ctx: ServiceContext<IdentityDB, IdentityConfig>): IdentityContext {
  const keys = createSigningKeys(ctx);
  return { ctx, config: ctx.config, keys, tokens: createTokenIssuer(keys, ctx.config) };
}
