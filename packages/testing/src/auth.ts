import {
  createTokenVerifier,
  type TokenProvider,
  permissionsOf,
  type Principal,
  type TokenVerifier,
} from '@mercato/platform/auth';
import { newId } from '@mercato/platform/ids';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** Issuer and audience the test tokens carry (and the test verifier expects). */
export const TEST_ISSUER = 'http://mercato.test';
export const TEST_AUDIENCE = 'mercato';

/** What a minted token says; roles default to customer, permissions to those of the roles. */
export interface MintOptions {
  subject?: string;
  kind?: Principal['kind'];
  email?: string;
  roles?: string[];
  permissions?: string[];
  scope?: string;
  tier?: Principal['tier'];
  ttlSeconds?: number;
  /** The `akid` claim (an API key's token). */
  apiKeyId?: string;
  /** The `uver` claim (the account's version when issued). */
  accountVersion?: number;
}

/** A signing key of the tests' own, a verifier trusting it, and a way to mint access tokens. */
export interface TestAuth {
  verifier: TokenVerifier;
  mint(opts?: MintOptions): Promise<string>;
  /** `{ authorization: 'Bearer …' }` for app.inject. */
  headers(opts?: MintOptions): Promise<{ authorization: string }>;
}

let shared: Promise<TestAuth> | undefined;

/**
 * A service's own credentials for a test (what client credentials give it in production):
 * a `kind: service` token of the test authority, so the upstream's verifier takes it.
 */
export function testServiceToken(opts: MintOptions = {}): TokenProvider {
  return {
    async getToken() {
      return (await testAuth()).mint({ roles: [], permissions: [], ...opts, kind: 'service' });
    },
  };
}

/**
 * The per-process test authority: real EdDSA tokens, verified by the kit's real verifier,
 * so route permissions are tested as in production.
 */
export function testAuth(): Promise<TestAuth> {
  shared ??= (async () => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const kid = newId();
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
    const verifier = createTokenVerifier({
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      keys: async () => ({ keys: [jwk] }),
    });
    const mint = (opts: MintOptions = {}) => signWith(privateKey, kid, opts);
    return {
      verifier,
      mint,
      headers: async (opts?: MintOptions) => ({ authorization: `Bearer ${await mint(opts)}` }),
    };
  })();
  return shared;
}

async function signWith(key: CryptoKey, kid: string, opts: MintOptions): Promise<string> {
  const roles = opts.roles ?? ['customer'];
  return new SignJWT({
    ptype: opts.kind ?? 'user',
    roles,
    permissions: opts.permissions ?? permissionsOf(roles),
    scope: opts.scope ?? '',
    tier: opts.tier ?? 'authenticated',
    ...(opts.email ? { email: opts.email } : {}),
    ...(opts.apiKeyId ? { akid: opts.apiKeyId } : {}),
    ...(opts.accountVersion !== undefined ? { uver: opts.accountVersion } : {}),
    jti: newId(),
  })
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
    .setIssuer(TEST_ISSUER)
    .setAudience(TEST_AUDIENCE)
    .setSubject(opts.subject ?? newId())
    .setIssuedAt()
    .setExpirationTime(`${opts.ttlSeconds ?? 900}s`)
    .sign(key);
}
