import { PERMISSIONS } from '@mercato/platform/auth';

/** The metadata identity publishes (OpenID Connect Discovery 1.0 / RFC 8414 names). */
export interface ProviderMetadata {
  issuer: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  revocation_endpoint: string;
  jwks_uri: string;
  scopes_supported: string[];
  response_types_supported: string[];
  grant_types_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  revocation_endpoint_auth_methods_supported: string[];
  claims_supported: string[];
}

/**
 * Identity's provider metadata. Endpoints hang off the issuer (the public URL the gateway
 * answers). There is no authorization endpoint (no browser redirect flows yet): RFC 8414
 * lets it be omitted when no supported grant uses it, and so `response_types_supported`,
 * which names what that endpoint would accept, is empty. openid-client and other RFC 8414
 * clients need only the issuer to match and the endpoints they call.
 */
export function providerMetadata(issuer: string): ProviderMetadata {
  const base = issuer.replace(/\/+$/, '');
  const authMethods = ['client_secret_basic', 'client_secret_post'];
  return {
    issuer,
    token_endpoint: `${base}/api/v1/oauth/token`,
    userinfo_endpoint: `${base}/api/v1/oauth/userinfo`,
    revocation_endpoint: `${base}/api/v1/oauth/revoke`,
    jwks_uri: `${base}/.well-known/jwks.json`,
    // Scopes are permission names: a client may ask for any subset of those it was granted.
    scopes_supported: [...PERMISSIONS],
    response_types_supported: [],
    grant_types_supported: ['password', 'refresh_token', 'client_credentials'],
    subject_types_supported: ['public'],
    // No ID tokens are issued yet; access tokens are EdDSA JWTs verifiable with jwks_uri.
    id_token_signing_alg_values_supported: ['EdDSA'],
    token_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_methods_supported: [...authMethods, 'none'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'jti',
      'email',
      'email_verified',
      'roles',
      'permissions',
      'scope',
      'ptype',
      'tier',
    ],
  };
}
