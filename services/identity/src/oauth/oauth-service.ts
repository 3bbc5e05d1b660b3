import { isPermission } from '@mercato/platform/auth';
import { AppError } from '@mercato/platform/errors';
import type { SessionPort, TokenSet } from '../accounts/session-port.ts';
import type { AuthenticatedClient } from '../clients/client.ts';
import type { ClientService } from '../clients/client-service.ts';
import type { TokenIssuer } from '../tokens/token-issuer.ts';
import { authenticateClient, clientIdentityOf } from './client-authentication.ts';
import { OAuthError, param, scopeParam, type OAuthParams } from './oauth-error.ts';

/** A successful token answer (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  scope: string;
}

/** The OAuth 2.0 token and revocation endpoints' use cases (no HTTP here). */
export interface OAuthService {
  /** `basicAuth` is the request's `Authorization: Basic …` header, if any. */
  token(params: OAuthParams, basicAuth?: string): Promise<TokenResponse>;
  revoke(params: OAuthParams, basicAuth?: string): Promise<void>;
}

function fromTokenSet(t: TokenSet): TokenResponse {
  return {
    access_token: t.accessToken,
    token_type: 'Bearer',
    expires_in: t.expiresIn,
    refresh_token: t.refreshToken,
    scope: t.scope,
  };
}

/**
 * Sign-in failures (IdentityErrors from the session use cases) as OAuth errors: the grant
 * is refused (invalid_grant) for bad credentials, locked, unverified or disabled accounts
 * and bad refresh tokens; a malformed input is invalid_request. Others propagate (5xx).
 */
async function asGrant<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    const code = err.status === 400 || err.status === 422 ? 'invalid_request' : 'invalid_grant';
    throw new OAuthError(code, err.title);
  }
}

function allowGrant(client: AuthenticatedClient | undefined, grant: string): void {
  if (client && !client.grantTypes.includes(grant)) {
    throw new OAuthError('unauthorized_client', `this client may not use the ${grant} grant`);
  }
}

function required(params: OAuthParams, name: string): string {
  const value = param(params, name);
  if (value === undefined) throw new OAuthError('invalid_request', `${name} is required`);
  return value;
}

// A JWT (header.payload.signature) is an access token: they are not tracked, so not revocable.
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export function createOAuthService(deps: {
  tokens: TokenIssuer;
  sessions: SessionPort;
  clients: ClientService;
}): OAuthService {
  const { tokens, sessions, clients } = deps;

  async function clientCredentials(
    client: AuthenticatedClient | undefined,
    params: OAuthParams,
  ): Promise<TokenResponse> {
    if (!client) throw new OAuthError('invalid_client', 'client authentication is required');
    allowGrant(client, 'client_credentials');
    // Without a scope parameter the client gets every scope it was granted (RFC 6749 §3.3).
    const scopes = scopeParam(params) ?? client.scopes;
    const refused = scopes.filter((s) => !client.scopes.includes(s));
    if (refused.length > 0) throw new OAuthError('invalid_scope', `scope not allowed: ${refused.join(' ')}`);
    const scope = scopes.join(' ');
    const signed = await tokens.signAccess({
      subject: client.clientId,
      kind: 'service',
      roles: [],
      permissions: scopes.filter(isPermission),
      scope,
      tier: 'authenticated',
    });
    // No refresh token: the client can always ask again with its secret (RFC 6749 §4.4.3).
    return { access_token: signed.token, token_type: 'Bearer', expires_in: signed.expiresIn, scope };
  }

  async function password(client: AuthenticatedClient | undefined, params: OAuthParams) {
    allowGrant(client, 'password');
    const email = required(params, 'username');
    const secret = required(params, 'password');
    const scope = scopeParam(params)?.join(' ');
    const result = await asGrant(() =>
      sessions.passwordLogin({
        email,
        password: secret,
        ...(client ? { clientId: client.clientId } : {}),
        ...(scope ? { scope } : {}),
      }),
    );
    if (result.kind === 'mfa_required') {
      // A documented extension: the grant is refused as generic clients expect, and a
      // first-party app finishes the sign-in at /api/v1/auth/login/mfa with this step token.
      throw new OAuthError('invalid_grant', 'mfa_required', { mfa_token: result.mfaToken });
    }
    return fromTokenSet(result.tokens);
  }

  async function refresh(client: AuthenticatedClient | undefined, params: OAuthParams) {
    allowGrant(client, 'refresh_token');
    const refreshToken = required(params, 'refresh_token');
    // A scope parameter cannot narrow a refreshed grant yet: the answer's scope says what was granted.
    return fromTokenSet(
      await asGrant(() => sessions.refresh(refreshToken, client ? { clientId: client.clientId } : undefined)),
    );
  }

  return {
    async token(params, basicAuth) {
      const grant = required(params, 'grant_type');
      const client = await authenticateClient(clients, clientIdentityOf(params, basicAuth));
      switch (grant) {
        case 'client_credentials':
          return clientCredentials(client, params);
        case 'password':
          return password(client, params);
        case 'refresh_token':
          return refresh(client, params);
        default:
          throw new OAuthError('unsupported_grant_type', `grant_type ${grant} is not supported`);
      }
    },

    async revoke(params, basicAuth) {
      await authenticateClient(clients, clientIdentityOf(params, basicAuth));
      const token = required(params, 'token');
      // The token's shape, not token_type_hint, decides (a wrong hint must not hide a refresh
      // token, RFC 7009 §2.1). Access tokens are short-lived JWTs that are not tracked: they
      // lapse within their TTL (15 min). Unknown tokens are not an error (RFC 7009 §2.2).
      if (JWT_SHAPE.test(token)) return;
      await sessions.revokeRefreshToken(token);
    },
  };
}
