import assert from 'node:assert/strict';
import * as client from 'openid-client';

/**
 * Asserts that the platform behind `base` names `issuer` (the gateway's public URL) in its
 * discovery document and its tokens, and that a standard OIDC client (openid-client, which
 * refuses metadata whose issuer is not the URL it asked) accepts it.
 */
export async function expectGatewayIssuer(
  base: string,
  issuer: string,
  authorization: { authorization: string },
): Promise<void> {
  const doc = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as Record<
    string,
    unknown
  >;
  assert.equal(doc.issuer, issuer);
  assert.equal(doc.token_endpoint, `${issuer}/api/v1/oauth/token`);
  assert.equal(doc.jwks_uri, `${issuer}/.well-known/jwks.json`);
  const config = await client.discovery(new URL(issuer), 'mercato-web', undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
  assert.equal(config.serverMetadata().issuer, issuer);
  const token = authorization.authorization.replace(/^Bearer /, '');
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    iss?: string;
  };
  assert.equal(claims.iss, issuer, 'tokens carry the same issuer');
}
