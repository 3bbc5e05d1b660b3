import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { identityService } from '../src/service.ts';
import { adminToken, createClient, uniqueClientId } from './oauth-support.ts';
import { call, registerVerified, useTestEnv, type Svc } from './support.ts';

after(closeTestPglite);

/** A port that was free a moment ago (the issuer URL must be known before the service is built). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `OIDC discovery and a standard client library (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: Svc;
      let issuer: string;
      before(async () => {
        const port = await freePort();
        issuer = `http://127.0.0.1:${port}`;
        // identityConfig reads the environment when the service is built.
        useTestEnv({ IDENTITY_ISSUER: issuer, REQUIRE_VERIFIED_EMAIL: 'true' });
        svc = await startTestService(identityService, kind);
        await svc.runtime.listen(port);
      });
      after(async () => {
        await svc?.close();
      });

      const discover = (clientId: string, secret: string, auth?: client.ClientAuth) =>
        client.discovery(new URL(issuer), clientId, secret, auth, {
          execute: [client.allowInsecureRequests],
        });

      test('the discovery document names the issuer, endpoints under it, grants, auth methods and EdDSA', async () => {
        const res = await call(svc, 'GET', '/.well-known/openid-configuration');
        assert.equal(res.status, 200);
        const doc = res.body;
        assert.equal(doc.issuer, issuer);
        assert.equal(doc.token_endpoint, `${issuer}/api/v1/oauth/token`);
        assert.equal(doc.userinfo_endpoint, `${issuer}/api/v1/oauth/userinfo`);
        assert.equal(doc.revocation_endpoint, `${issuer}/api/v1/oauth/revoke`);
        assert.equal(doc.jwks_uri, `${issuer}/.well-known/jwks.json`);
        assert.deepEqual(doc.grant_types_supported, ['password', 'refresh_token', 'client_credentials']);
        assert.deepEqual(doc.token_endpoint_auth_methods_supported, [
          'client_secret_basic',
          'client_secret_post',
        ]);
        assert.deepEqual(doc.id_token_signing_alg_values_supported, ['EdDSA']);
        assert.deepEqual(doc.subject_types_supported, ['public']);
        assert.equal(doc.authorization_endpoint, undefined, 'no authorization endpoint exists yet');
        assert.ok(doc.scopes_supported.includes('orders:read'));
      });

      test('openid-client discovers the issuer and completes client_credentials (post and basic)', async () => {
        const admin = await adminToken(svc);
        const { clientId, clientSecret } = await createClient(svc, admin, {
          clientId: uniqueClientId('lib'),
          scopes: ['orders:read', 'inventory:read'],
        });
        const config = await discover(clientId, clientSecret);
        assert.equal(config.serverMetadata().issuer, issuer);
        const tokens = await client.clientCredentialsGrant(config, { scope: 'orders:read' });
        assert.equal(tokens.token_type, 'bearer');
        assert.equal(tokens.scope, 'orders:read');
        // Counted by the library from its own clock: a second may have passed since issue.
        assert.ok([899, 900].includes(tokens.expiresIn() ?? 0), `expiresIn ${tokens.expiresIn()}`);
        const claims = decodeJwt(tokens.access_token);
        assert.equal(claims.sub, clientId);
        assert.equal(claims.ptype, 'service');
        assert.equal(claims.iss, issuer);

        const basic = await discover(clientId, clientSecret, client.ClientSecretBasic(clientSecret));
        const viaBasic = await client.clientCredentialsGrant(basic);
        assert.equal(viaBasic.scope, 'inventory:read orders:read');
        const info = await client.fetchUserInfo(basic, viaBasic.access_token, clientId);
        assert.deepEqual(info.permissions, ['inventory:read', 'orders:read']);

        const wrong = await discover(clientId, 'not-the-secret');
        // A 401 with a WWW-Authenticate challenge, as RFC 6749 §5.2 asks for invalid_client.
        await assert.rejects(client.clientCredentialsGrant(wrong), (err: unknown) => {
          assert.ok(err instanceof client.WWWAuthenticateChallengeError);
          assert.equal(err.status, 401);
          assert.equal(err.cause[0]?.scheme, 'basic');
          assert.equal(err.cause[0]?.parameters.error, 'invalid_client');
          return true;
        });
      });

      test('openid-client signs a user in (password grant), refreshes, reads userinfo and revokes', async () => {
        const admin = await adminToken(svc);
        const { clientId, clientSecret } = await createClient(svc, admin, {
          clientId: uniqueClientId('app'),
          scopes: [],
          grantTypes: ['password', 'refresh_token'],
        });
        const user = await registerVerified(svc);
        const config = await discover(clientId, clientSecret);
        const first = await client.genericGrantRequest(config, 'password', {
          username: user.email,
          password: user.password,
        });
        assert.ok(first.refresh_token);
        assert.equal(decodeJwt(first.access_token).sub, user.id);

        const second = await client.refreshTokenGrant(config, first.refresh_token);
        assert.ok(second.refresh_token && second.refresh_token !== first.refresh_token);
        const info = await client.fetchUserInfo(config, second.access_token, user.id);
        assert.equal(info.email, user.email);
        assert.equal(info.email_verified, true);

        await client.tokenRevocation(config, second.refresh_token, { token_type_hint: 'refresh_token' });
        await assert.rejects(client.refreshTokenGrant(config, second.refresh_token), (err: unknown) => {
          assert.ok(err instanceof client.ResponseBodyError);
          assert.equal(err.error, 'invalid_grant');
          return true;
        });
      });
    },
  );
}
