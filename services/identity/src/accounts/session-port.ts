/**
 * What the OAuth token endpoint needs of sign-in (implemented by accounts/session-service.ts):
 * the password and refresh_token grants are the same use cases as /api/v1/auth/login and
 * /api/v1/auth/refresh, so both doors give the same answers and the same lockout.
 */

/** Tokens as both the REST API and the OAuth token endpoint return them. */
export interface TokenSet {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshToken: string;
  scope: string;
}

/** A password sign-in either yields tokens or asks for the second factor. */
export type LoginResult = { kind: 'tokens'; tokens: TokenSet } | { kind: 'mfa_required'; mfaToken: string };

/** Where a sign-in came from (its User-Agent and address): a new one is told to the owner. */
export interface SignInFrom {
  userAgent: string;
  ipAddress: string | null;
}

/** Sign-in use cases. Failures throw IdentityErrors (invalid credentials, locked, …). */
export interface SessionPort {
  passwordLogin(input: {
    email: string;
    password: string;
    clientId?: string;
    scope?: string;
    /** Absent (a client without a User-Agent): the sign-in's device is not tracked. */
    device?: SignInFrom;
  }): Promise<LoginResult>;
  refresh(refreshToken: string, opts?: { clientId?: string }): Promise<TokenSet>;
  /** Revokes one refresh token (RFC 7009: unknown tokens are not an error). */
  revokeRefreshToken(refreshToken: string): Promise<void>;
}
