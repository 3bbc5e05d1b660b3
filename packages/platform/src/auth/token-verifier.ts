import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTHeaderParameters,
  type FlattenedJWSInput,
  type CryptoKey,
} from 'jose';
import type { MercatoClaims, Principal } from './principal.ts';
import { cachingVerifier } from './verified-token-cache.ts';

/** Where a verifier finds the issuer's public keys. */
export type KeySource = URL | (() => Promise<JSONWebKeySet>);

/** Settings of a token verifier. */
export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** The JWKS URL (cached; refetched on an unknown kid) or a loader of the key set. */
  keys: KeySource;
  /** Least time between two reloads of the key set for unknown kids (default 5 s). */
  reloadCooldownMs?: number;
  /**
   * Verified tokens remembered (by the whole token, until exp and at most 60 s), so a
   * client sending the same token on every request costs one signature check a minute.
   * Default 10,000; 0 turns the cache off.
   */
  cacheMaxEntries?: number;
  /** Seconds of clock skew tolerated on exp/nbf/iat (default 5). */
  clockToleranceSeconds?: number;
}

/** Verifies Mercato access tokens and turns their claims into a Principal. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

/** Raised for any defect of a token: the message is safe to show (no token content). */
export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

type KeyResolver = (header: JWTHeaderParameters, input: FlattenedJWSInput) => Promise<CryptoKey>;

// A loaded key set is reused for a minute, and reloaded at once when a token names a kid
// it lacks (a rotation happened), at most every 5 s, so forged kids cannot hammer the loader.
function localResolver(load: () => Promise<JSONWebKeySet>, cooldownMs: number): KeyResolver {
  let set: { resolve: ReturnType<typeof createLocalJWKSet>; at: number } | undefined;
  let lastReload = 0;
  const reload = async () => {
    lastReload = Date.now();
    set = { resolve: createLocalJWKSet(await load()), at: Date.now() };
    return set.resolve;
  };
  return async (header, input) => {
    const resolve = !set || Date.now() - set.at > 60_000 ? await reload() : set.resolve;
    try {
      return (await resolve(header, input)) as CryptoKey;
    } catch (err) {
      if (err instanceof joseErrors.JWKSNoMatchingKey && Date.now() - lastReload >= cooldownMs) {
        return (await (
          await reload()
        )(header, input)) as CryptoKey;
      }
      throw err;
    }
  };
}

function describe(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed)
    return `the token's ${err.claim} claim is not accepted`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature is not valid';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'the token was not signed by a known key';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'the token algorithm is not accepted';
  return 'the token is not valid';
}

/**
 * A verifier of EdDSA access tokens (typ at+jwt) from identity: signature against the
 * JWKS, issuer, audience, expiry. `alg: none` and every other algorithm are refused.
 */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const cooldown = opts.reloadCooldownMs ?? 5_000;
  const resolver: KeyResolver =
    opts.keys instanceof URL
      ? (createRemoteJWKSet(opts.keys, { cacheMaxAge: 600_000, cooldownDuration: cooldown }) as KeyResolver)
      : localResolver(opts.keys, cooldown);
  return cachingVerifier(
    {
      async verify(token) {
        try {
          const { payload } = await jwtVerify<Partial<MercatoClaims>>(token, resolver, {
            issuer: opts.issuer,
            audience: opts.audience,
            algorithms: ['EdDSA'],
            typ: 'at+jwt',
            clockTolerance: opts.clockToleranceSeconds ?? 5,
            requiredClaims: ['sub', 'exp', 'iat'],
          });
          const kind = payload.ptype;
          if (kind !== 'user' && kind !== 'service' && kind !== 'api_key') {
            throw new InvalidTokenError('the token does not say who it was issued to');
          }
          return {
            subject: payload.sub as string,
            kind,
            ...(payload.email ? { email: payload.email } : {}),
            roles: Array.isArray(payload.roles) ? payload.roles : [],
            permissions: Array.isArray(payload.permissions) ? payload.permissions : [],
            scopes: typeof payload.scope === 'string' && payload.scope ? payload.scope.split(' ') : [],
            tier: payload.tier === 'premium' ? 'premium' : 'authenticated',
            ...(payload.jti ? { tokenId: payload.jti } : {}),
            ...(typeof payload.akid === 'string' ? { apiKeyId: payload.akid } : {}),
            ...(typeof payload.uver === 'number' ? { accountVersion: payload.uver } : {}),
          };
        } catch (err) {
          if (err instanceof InvalidTokenError) throw err;
          throw new InvalidTokenError(describe(err));
        }
      },
    },
    opts.cacheMaxEntries ?? 10_000,
  );
}
