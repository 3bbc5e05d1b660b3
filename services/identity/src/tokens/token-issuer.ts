import type { MercatoClaims, Principal } from '@mercato/platform/auth';
import { newId } from '@mercato/platform/ids';
import { createLocalJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { IdentityConfig } from '../config.ts';
import type { SigningKeys } from '../keys/signing-keys.ts';

/** What an access token says about its bearer. */
export interface AccessGrant {
  subject: string;
  kind: Principal['kind'];
  email?: string;
  roles: string[];
  permissions: string[];
  /** OAuth scopes, space-separated. */
  scope: string;
  tier: Principal['tier'];
  /** users and API keys: the account's `version` now (claim `uver`), so a later change can refuse the token. */
  accountVersion?: number;
  /** API-key tokens: the key (claim `akid`), so revoking it can refuse the token. */
  apiKeyId?: string;
}

/** A signed access token as the token endpoint returns it. */
export interface SignedAccessToken {
  token: string;
  jti: string;
  expiresIn: number;
}

// MFA tokens only open the second login step: their own audience keeps them from ever
// being accepted as access tokens anywhere.
const MFA_AUDIENCE_SUFFIX = ':mfa';

/** Signs and verifies identity's JWTs (access tokens and short-lived MFA step tokens). */
export interface TokenIssuer {
  readonly issuer: string;
  readonly audience: string;
  signAccess(grant: AccessGrant, ttlSeconds?: number): Promise<SignedAccessToken>;
  /** Verifies an access token identity issued (for userinfo); throws on any defect. */
  verifyAccess(token: string): Promise<JWTPayload & Partial<MercatoClaims>>;
  signMfa(userId: string): Promise<string>;
  /** The user id of a valid MFA token; throws when expired, forged or not an MFA token. */
  verifyMfa(token: string): Promise<string>;
}

/** Creates the issuer on the service's signing keys. */
export function createTokenIssuer(keys: SigningKeys, cfg: IdentityConfig): TokenIssuer {
  const issuer = cfg.IDENTITY_ISSUER;
  const audience = cfg.IDENTITY_AUDIENCE;

  async function sign(payload: JWTPayload, subject: string, aud: string, ttl: number, typ: string) {
    const key = await keys.current();
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ })
      .setIssuer(issuer)
      .setAudience(aud)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(key.privateKey);
  }

  async function verify(token: string, aud: string, typ: string) {
    const jwks = createLocalJWKSet(await keys.jwks());
    const { payload } = await jwtVerify(token, jwks, { issuer, audience: aud, algorithms: ['EdDSA'], typ });
    return payload;
  }

  return {
    issuer,
    audience,
    async signAccess(grant, ttlSeconds = cfg.ACCESS_TOKEN_TTL_SECONDS) {
      const jti = newId();
      const claims: MercatoClaims & { jti: string } = {
        jti,
        ptype: grant.kind,
        roles: grant.roles,
        permissions: grant.permissions,
        scope: grant.scope,
        tier: grant.tier,
        ...(grant.email ? { email: grant.email } : {}),
        ...(grant.accountVersion !== undefined ? { uver: grant.accountVersion } : {}),
        ...(grant.apiKeyId ? { akid: grant.apiKeyId } : {}),
      };
      const token = await sign({ ...claims }, grant.subject, audience, ttlSeconds, 'at+jwt');
      return { token, jti, expiresIn: ttlSeconds };
    },
    async verifyAccess(token) {
      return verify(token, audience, 'at+jwt') as Promise<JWTPayload & Partial<MercatoClaims>>;
    },
    async signMfa(userId) {
      return sign(
        { jti: newId() },
        userId,
        audience + MFA_AUDIENCE_SUFFIX,
        cfg.MFA_TOKEN_TTL_SECONDS,
        'mfa+jwt',
      );
    },
    async verifyMfa(token) {
      const payload = await verify(token, audience + MFA_AUDIENCE_SUFFIX, 'mfa+jwt');
      if (!payload.sub) throw new Error('MFA token without subject');
      return payload.sub;
    },
  };
}
