import { Type, type Static } from 'typebox';

/** The OAuth grant types a registered client may be allowed to use. */
export const CLIENT_GRANT_TYPES = ['client_credentials', 'password', 'refresh_token'] as const;
export type ClientGrantType = (typeof CLIENT_GRANT_TYPES)[number];

/** Client ids are readable names (`checkout-service`): they appear in tokens as `sub`. */
export const CLIENT_ID_PATTERN = '^[a-z][a-z0-9._-]{2,63}$';

/** A registered OAuth client (service account) as the admin API shows it: never its secret. */
export const OAuthClientSchema = Type.Object({
  clientId: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String(), { description: 'permission names the client may request' }),
  grantTypes: Type.Array(Type.String()),
  disabledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type OAuthClient = Static<typeof OAuthClientSchema>;

/** A client and the secret that was just made for it (shown once, stored only as a hash). */
export interface ClientWithSecret {
  client: OAuthClient;
  clientSecret: string;
}

/** What the admin sends to register a client. */
export interface NewClient {
  clientId: string;
  name: string;
  scopes: string[];
  grantTypes?: ClientGrantType[];
}

/** A client as the token endpoint sees it after authentication. */
export interface AuthenticatedClient {
  clientId: string;
  scopes: string[];
  grantTypes: string[];
}
