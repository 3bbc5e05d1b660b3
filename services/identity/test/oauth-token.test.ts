import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { decodeJwt } from 'jose';
import { identityService } from '../src/service.ts';
import {
  adminToken,
  createClient,
  expectOAuthError,
  postForm,
  tokenRequest,
  uniqueClientId,
} from './oauth-support.ts';
import { call, registerVerified, useTestEnv, type Svc } from './support.ts';

useTestEnv({ REQUIRE_VERIFIED_EMAIL: 'true' });
after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `OAuth token endpoint: password, refresh_token, revocation (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: Svc;
      before(async () => {
        svc = await startTestService(identityService, kind);
      });
      after(async () => {
        await svc?.close();
      });

      const password = (username: string, secret: string, extra: Record<string, string> = {}) =>
        tokenRequest(svc, { grant_type: 'password', username, password: secret, ...extra });
      const refresh = (token: string, basic?: [string, string]) =>
        tokenRequest(svc, { grant_type: 'refresh_token', refresh_token: token }, basic);
      const revoke = (params: Record<string, string>, basic?: [string, string]) =>
        postForm(svc, '/api/v1/oauth/revoke', params, basic ? { basic } : {});

      test('the password grant signs a user in (OAuth JSON, no-store) and refresh_token rotates', async () => {
        const user = await registerVerified(svc);
        const res = await password(user.email, user.password);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.headers['cache-control'], 'no-store');
        assert.equal(res.headers.pragma, 'no-cache');
        assert.deepEqual(Object.keys(res.body).sort(), [
          'access_token',
          'expires_in',
          'refresh_token',
          'scope',
          'token_type',
        ]);
        assert.equal(res.body.token_type, 'Bearer');
        const claims = decodeJwt(res.body.access_token);
        assert.equal(claims.sub, user.id);
        assert.equal(claims.ptype, 'user');

        const next = await refresh(res.body.refresh_token);
        assert.equal(next.status, 200, JSON.stringify(next.body));
        assert.notEqual(next.body.refresh_token, res.body.refresh_token);
        assert.equal(decodeJwt(next.body.access_token).sub, user.id);
        // The rotated-away token is spent (its reuse revokes the family).
        expectOAuthError(await refresh(res.body.refresh_token), 400, 'invalid_grant');
      });

      test('JSON bodies are accepted as well as forms', async () => {
        const user = await registerVerified(svc);
        const res = await call(svc, 'POST', '/api/v1/oauth/token', {
          body: { grant_type: 'password', username: user.email, password: user.password },
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(res.body.access_token);
      });

      test('bad credentials, unverified accounts and unknown refresh tokens are 400 invalid_grant', async () => {
        const user = await registerVerified(svc);
        expectOAuthError(await password(user.email, 'Wrong-Password-1'), 400, 'invalid_grant');
        expectOAuthError(await password('nobody@example.test', 'Wrong-Password-1'), 400, 'invalid_grant');
        const email = `unverified.${Date.now()}@example.test`;
        const unverified = await call(svc, 'POST', '/api/v1/auth/register', {
          body: { email, password: user.password },
        });
        assert.equal(unverified.status, 201, JSON.stringify(unverified.body));
        expectOAuthError(await password(email, user.password), 400, 'invalid_grant');
        expectOAuthError(await refresh('a'.repeat(43)), 400, 'invalid_grant');
      });

      test('an account with MFA is refused with invalid_grant "mfa_required" and an mfa_token (extension)', async () => {
        const user = await registerVerified(svc);
        await svc.runtime.ctx.database.db
          .updateTable('users')
          .set({ mfa_secret: 'JBSWY3DPEHPK3PXP', mfa_enabled_at: new Date() })
          .where('id', '=', user.id)
          .execute();
        const body = expectOAuthError(await password(user.email, user.password), 400, 'invalid_grant');
        assert.equal(body.error_description, 'mfa_required');
        assert.equal(typeof body.mfa_token, 'string');
        assert.equal(body.access_token, undefined);
      });

      test('malformed requests: missing or repeated parameters are invalid_request, unknown grants unsupported_grant_type', async () => {
        expectOAuthError(await tokenRequest(svc, {}), 400, 'invalid_request');
        expectOAuthError(
          await tokenRequest(svc, { grant_type: 'password', username: 'a@b.test' }),
          400,
          'invalid_request',
        );
        expectOAuthError(await tokenRequest(svc, { grant_type: 'refresh_token' }), 400, 'invalid_request');
        const unsupported = await tokenRequest(svc, { grant_type: 'authorization_code', code: 'x' });
        expectOAuthError(unsupported, 400, 'unsupported_grant_type');
        const repeated = await svc.runtime.app.inject({
          method: 'POST',
          url: '/api/v1/oauth/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'grant_type=password&grant_type=client_credentials',
        });
        assert.equal(repeated.statusCode, 400);
        assert.equal(repeated.json().error, 'invalid_request');
        const badJson = await svc.runtime.app.inject({
          method: 'POST',
          url: '/api/v1/oauth/token',
          headers: { 'content-type': 'application/json' },
          payload: '{not json',
        });
        assert.equal(badJson.statusCode, 400);
        assert.equal(badJson.json().error, 'invalid_request');
      });

      test('a registered client must be allowed the grant (unauthorized_client) and refresh tokens stay bound to it', async () => {
        const admin = await adminToken(svc);
        const plain = await createClient(svc, admin, { clientId: uniqueClientId(), scopes: [] });
        const app = await createClient(svc, admin, {
          clientId: uniqueClientId('web'),
          scopes: [],
          grantTypes: ['password', 'refresh_token'],
        });
        const user = await registerVerified(svc);
        const refused = await tokenRequest(
          svc,
          { grant_type: 'password', username: user.email, password: user.password },
          [plain.clientId, plain.clientSecret],
        );
        expectOAuthError(refused, 400, 'unauthorized_client');

        const res = await tokenRequest(
          svc,
          { grant_type: 'password', username: user.email, password: user.password },
          [app.clientId, app.clientSecret],
        );
        assert.equal(res.status, 200, JSON.stringify(res.body));
        // Issued to the client: refreshing without it (anonymous) is refused.
        expectOAuthError(await refresh(res.body.refresh_token), 400, 'invalid_grant');
        const ok = await refresh(res.body.refresh_token, [app.clientId, app.clientSecret]);
        assert.equal(ok.status, 200, JSON.stringify(ok.body));
      });

      test('revocation: a refresh token stops working; access tokens and unknown tokens answer 200', async () => {
        const user = await registerVerified(svc);
        const tokens = (await password(user.email, user.password)).body;
        const res = await revoke({ token: tokens.refresh_token, token_type_hint: 'access_token' });
        assert.equal(res.status, 200);
        assert.equal(res.headers['cache-control'], 'no-store');
        expectOAuthError(await refresh(tokens.refresh_token), 400, 'invalid_grant');
        assert.equal((await revoke({ token: tokens.access_token })).status, 200);
        assert.equal((await revoke({ token: 'never-issued' })).status, 200);
        // Access tokens are not revocable: they lapse within their 15 minutes.
        const me = await call(svc, 'GET', '/api/v1/oauth/userinfo', { token: tokens.access_token });
        assert.equal(me.status, 200);
        expectOAuthError(await revoke({}), 400, 'invalid_request');
        expectOAuthError(await revoke({ token: 'x' }, ['nobody-here', 'nope']), 401, 'invalid_client');
      });

      test('userinfo answers for a user token: sub, email, email_verified, roles, permissions', async () => {
        const user = await registerVerified(svc);
        const tokens = (await password(user.email, user.password)).body;
        const me = await call(svc, 'GET', '/api/v1/oauth/userinfo', { token: tokens.access_token });
        assert.equal(me.status, 200, JSON.stringify(me.body));
        assert.deepEqual(me.body, {
          sub: user.id,
          email: user.email,
          email_verified: true,
          roles: ['customer'],
          permissions: [],
        });
        const anonymous = await call(svc, 'GET', '/api/v1/oauth/userinfo');
        assert.equal(anonymous.status, 401);
        assert.match(String(anonymous.headers['www-authenticate']), /^Bearer/);
      });
    },
  );
}
