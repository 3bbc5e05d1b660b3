import { Type, type Static } from 'typebox';

// Events of identity's OAuth2 clients, API keys and signing keys. None carries secret
// material: no client secret, no API key (nor its prefix or hash), no private key.
// Data objects stay open (additionalProperties) so optional fields can be added later.

const Actor = Type.Union([Type.String(), Type.Null()], {
  description: 'id of the acting user (or client), null when done by an operator command',
});

/** `identity.client_created` v1: a service client was registered (subject = client id). */
export const IdentityClientCreatedV1 = Type.Object(
  {
    clientId: Type.String(),
    name: Type.String(),
    scopes: Type.Array(Type.String(), { description: 'permission names the client may request' }),
    grantTypes: Type.Array(Type.String(), { description: 'OAuth grant types the client may use' }),
    createdBy: Actor,
  },
  { $id: 'IdentityClientCreatedV1' },
);
export type IdentityClientCreatedV1 = Static<typeof IdentityClientCreatedV1>;

/** `identity.client_disabled` v1: a client can no longer obtain tokens (subject = client id). */
export const IdentityClientDisabledV1 = Type.Object(
  { clientId: Type.String(), disabledBy: Actor },
  { $id: 'IdentityClientDisabledV1' },
);
export type IdentityClientDisabledV1 = Static<typeof IdentityClientDisabledV1>;

/** `identity.client_secret_rotated` v1: a client got a new secret; the old one stopped working. */
export const IdentityClientSecretRotatedV1 = Type.Object(
  { clientId: Type.String(), rotatedBy: Actor },
  { $id: 'IdentityClientSecretRotatedV1' },
);
export type IdentityClientSecretRotatedV1 = Static<typeof IdentityClientSecretRotatedV1>;

/** `identity.api_key_created` v1: a user created an API key (subject = API key id). */
export const IdentityApiKeyCreatedV1 = Type.Object(
  {
    apiKeyId: Type.String({ format: 'uuid' }),
    userId: Type.String({ format: 'uuid', description: 'owner of the key' }),
    name: Type.String(),
    permissions: Type.Array(Type.String()),
    expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdBy: Actor,
  },
  { $id: 'IdentityApiKeyCreatedV1' },
);
export type IdentityApiKeyCreatedV1 = Static<typeof IdentityApiKeyCreatedV1>;

/** `identity.api_key_revoked` v1: an API key was revoked by its owner or an admin (subject = API key id). */
export const IdentityApiKeyRevokedV1 = Type.Object(
  {
    apiKeyId: Type.String({ format: 'uuid' }),
    userId: Type.String({ format: 'uuid', description: 'owner of the key' }),
    revokedBy: Actor,
  },
  { $id: 'IdentityApiKeyRevokedV1' },
);
export type IdentityApiKeyRevokedV1 = Static<typeof IdentityApiKeyRevokedV1>;

/**
 * `identity.signing_key_rotated` v1: a new token signing key signs from now on (subject =
 * its kid). Verifiers may refresh their JWKS cache on it; the previous key stays published.
 */
export const IdentitySigningKeyRotatedV1 = Type.Object(
  {
    kid: Type.String(),
    previousKid: Type.Union([Type.String(), Type.Null()], {
      description: 'the key that signed until now (still in the JWKS), null for the first key',
    }),
    rotatedBy: Actor,
  },
  { $id: 'IdentitySigningKeyRotatedV1' },
);
export type IdentitySigningKeyRotatedV1 = Static<typeof IdentitySigningKeyRotatedV1>;
