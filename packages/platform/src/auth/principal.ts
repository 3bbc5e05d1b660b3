/**
 * Who is calling, as established from a verified access token. Every Mercato access
 * token (EdDSA JWT from identity) carries these claims: sub, email (users), roles,
 * permissions, scope, iss, aud, exp, and `ptype`.
 */
export interface Principal {
  /** User id, or the client id of a service account. */
  subject: string;
  /** user: a person signed in; service: a client-credentials token; api_key: a token exchanged for an API key. */
  kind: 'user' | 'service' | 'api_key';
  email?: string;
  roles: string[];
  permissions: string[];
  /** OAuth scopes (space-separated in the token). */
  scopes: string[];
  /** Rate-limit tier: anonymous, authenticated or premium. */
  tier: 'authenticated' | 'premium';
  /** The token id (jti), for revocation checks and audit. */
  tokenId?: string;
  /** api_key: the API key the token was exchanged for (claim `akid`). */
  apiKeyId?: string;
  /**
   * user and api_key: the version of the account (roles, status) when the token was issued
   * (claim `uver`); a token older than the account's latest change is refused once the
   * change is known (RevocationList).
   */
  accountVersion?: number;
}

/** The access-token claims Mercato adds to the registered ones. */
export interface MercatoClaims {
  ptype: Principal['kind'];
  email?: string;
  roles: string[];
  permissions: string[];
  scope: string;
  tier?: Principal['tier'];
  /** The API key a token was exchanged for (api_key tokens). */
  akid?: string;
  /** The account's version when the token was issued (user and api_key tokens). */
  uver?: number;
}

/**
 * Who a write is recorded as (`actor`, `createdBy`, audit rows): the verified caller's
 * subject, or `anonymous` on a route that admits callers without a token. The one rule
 * every service uses, so the same caller reads the same everywhere.
 */
export function actorOf(request: { principal?: Pick<Principal, 'subject'> }): string {
  return request.principal?.subject ?? ANONYMOUS_ACTOR;
}

/** The actor of a write made without a verified caller. */
export const ANONYMOUS_ACTOR = 'anonymous';
