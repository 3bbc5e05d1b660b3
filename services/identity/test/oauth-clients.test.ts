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
import { call, eventsFor, expectProblem, useTestEnv, type Svc } from './support.ts';

useTestEnv();
after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `OAuth service clients and client_credentials (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: Svc;
      let admin: string;
      before(async () => {
        svc = await startTestService(identityService, kind);
        admin = await adminToken(svc);
      });
      after(async () => {
        await svc?.close();
      });

      const clientCredentials = (id: string, secret: string, scope?: string) =>
        tokenRequest(svc, { grant_type: 'client_credentials', ...(scope ? { scope } : {}) }, [id, secret]);

      test('an admin registers a client: the secret is shown once, never listed, never published', async () => {
        const clientId = uniqueClientId('orders');
        const res = await call(svc, 'POST', '/api/v1/oauth/clients', {
          token: admin,
          body: { clientId, name: 'Order service', scopes: ['orders:read', 'inventory:read', 'orders:read'] },
        });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.equal(res.headers.location, `/api/v1/oauth/clients/${clientId}`);
        assert.equal(res.headers['cache-control'], 'no-store');
        assert.match(res.body.clientSecret, /^[A-Za-z0-9_-]{43}$/);
        assert.deepEqual(res.body.scopes, ['inventory:read', 'orders:read']);
        assert.deepEqual(res.body.grantTypes, ['client_credentials']);
        assert.equal(res.body.disabledAt, null);

        const list = await call(svc, 'GET', '/api/v1/oauth/clients?pageSize=100', { token: admin });
        assert.equal(list.status, 200);
        const listed = list.body.items.find((c: { clientId: string }) => c.clientId === clientId);
        assert.ok(listed);
        assert.equal(listed.clientSecret, undefined);
        assert.ok(!JSON.stringify(list.body).includes(res.body.clientSecret));

        const [event] = await eventsFor(svc, 'identity.client_created', clientId);
        assert.deepEqual(event?.data, {
          clientId,
          name: 'Order service',
          scopes: ['inventory:read', 'orders:read'],
          grantTypes: ['client_credentials'],
          createdBy: decodeJwt(admin).sub,
        });
        assert.ok(!JSON.stringify(svc.published).includes(res.body.clientSecret));
        assert.ok(!svc.logs.text().includes(res.body.clientSecret));
        const row = await svc.runtime.ctx.database.db
          .selectFrom('oauth_clients')
          .selectAll()
          .where('client_id', '=', clientId)
          .executeTakeFirstOrThrow();
        assert.notEqual(row.secret_hash, res.body.clientSecret);
      });

      test('the client admin API needs users:write: 401 without a token, 403 for a customer', async () => {
        const body = { clientId: uniqueClientId(), name: 'x', scopes: [] };
        expectProblem(await call(svc, 'POST', '/api/v1/oauth/clients', { body }), 401, 'UNAUTHORIZED');
        const customer = await svc.runtime.parts.tokens.signAccess({
          subject: 'someone',
          kind: 'user',
          roles: ['customer'],
          permissions: [],
          scope: '',
          tier: 'authenticated',
        });
        const res = await call(svc, 'POST', '/api/v1/oauth/clients', { body, token: customer.token });
        expectProblem(res, 403, 'FORBIDDEN');
        expectProblem(
          await call(svc, 'GET', '/api/v1/oauth/clients', { token: customer.token }),
          403,
          'FORBIDDEN',
        );
      });

      test('scopes must be known permissions (400 IDENTITY_PERMISSION_UNKNOWN) and ids unique (409)', async () => {
        const clientId = uniqueClientId();
        const bad = await call(svc, 'POST', '/api/v1/oauth/clients', {
          token: admin,
          body: { clientId, name: 'x', scopes: ['orders:read', 'orders:destroy'] },
        });
        const problem = expectProblem(bad, 400, 'IDENTITY_PERMISSION_UNKNOWN');
        assert.deepEqual(problem.errors, [
          { path: '/body/scopes/1', message: 'unknown permission orders:destroy' },
        ]);
        await createClient(svc, admin, { clientId, scopes: [] });
        const again = await call(svc, 'POST', '/api/v1/oauth/clients', {
          token: admin,
          body: { clientId, name: 'x', scopes: [] },
        });
        expectProblem(again, 409, 'IDENTITY_CLIENT_EXISTS');
      });

      test('client_credentials with the right secret (Basic) yields a service token for the client', async () => {
        const { clientId, clientSecret } = await createClient(svc, admin, {
          clientId: uniqueClientId(),
          scopes: ['orders:read', 'inventory:read'],
        });
        const res = await clientCredentials(clientId, clientSecret);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.headers['cache-control'], 'no-store');
        assert.equal(res.body.token_type, 'Bearer');
        assert.equal(res.body.expires_in, 900);
        assert.equal(res.body.scope, 'inventory:read orders:read');
        assert.equal(res.body.refresh_token, undefined);
        const claims = decodeJwt(res.body.access_token);
        assert.equal(claims.ptype, 'service');
        assert.equal(claims.sub, clientId);
        assert.equal(claims.scope, 'inventory:read orders:read');
        assert.deepEqual(claims.permissions, ['inventory:read', 'orders:read']);
        assert.deepEqual(claims.roles, []);
        assert.equal(claims.iss, 'http://identity.test');

        const me = await call(svc, 'GET', '/api/v1/oauth/userinfo', { token: res.body.access_token });
        assert.equal(me.status, 200, JSON.stringify(me.body));
        assert.deepEqual(me.body, {
          sub: clientId,
          roles: [],
          permissions: ['inventory:read', 'orders:read'],
        });
        assert.ok(!svc.logs.text().includes(clientSecret));
      });

      test('client_secret_post works too, and a narrower scope is granted as asked', async () => {
        const { clientId, clientSecret } = await createClient(svc, admin, {
          clientId: uniqueClientId(),
          scopes: ['orders:read', 'inventory:read'],
        });
        const res = await tokenRequest(svc, {
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
          scope: 'orders:read',
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.scope, 'orders:read');
        assert.deepEqual(decodeJwt(res.body.access_token).permissions, ['orders:read']);
      });

      test('a wrong secret or an unknown client is 401 invalid_client with WWW-Authenticate', async () => {
        const { clientId } = await createClient(svc, admin, { clientId: uniqueClientId(), scopes: [] });
        for (const res of [
          await clientCredentials(clientId, 'not-the-secret'),
          await clientCredentials('nobody-here', 'whatever'),
          await tokenRequest(svc, {
            grant_type: 'client_credentials',
            client_id: clientId,
            client_secret: 'x',
          }),
        ]) {
          expectOAuthError(res, 401, 'invalid_client');
          assert.match(String(res.headers['www-authenticate']), /^Basic realm="mercato"/);
        }
        const malformed = await postForm(
          svc,
          '/api/v1/oauth/token',
          { grant_type: 'client_credentials' },
          { headers: { authorization: 'Basic !!!' } },
        );
        expectOAuthError(malformed, 401, 'invalid_client');
      });

      test('a scope outside the client’s scopes is 400 invalid_scope', async () => {
        const { clientId, clientSecret } = await createClient(svc, admin, {
          clientId: uniqueClientId(),
          scopes: ['orders:read'],
        });
        const res = await clientCredentials(clientId, clientSecret, 'orders:read orders:write');
        const body = expectOAuthError(res, 400, 'invalid_scope');
        assert.match(body.error_description, /orders:write/);
      });

      test('a disabled client gets invalid_client and its issued tokens are refused; disabling is idempotent and published once', async () => {
        const { clientId, clientSecret } = await createClient(svc, admin, {
          clientId: uniqueClientId(),
          scopes: [],
        });
        const issued = await clientCredentials(clientId, clientSecret);
        assert.equal(issued.status, 200);
        const userinfo = () =>
          call(svc, 'GET', '/api/v1/oauth/userinfo', { token: issued.body.access_token });
        assert.equal((await userinfo()).status, 200);
        for (let i = 0; i < 2; i++) {
          const res = await call(svc, 'DELETE', `/api/v1/oauth/clients/${clientId}`, { token: admin });
          assert.equal(res.status, 204);
        }
        expectOAuthError(await clientCredentials(clientId, clientSecret), 401, 'invalid_client');
        const got = await call(svc, 'GET', `/api/v1/oauth/clients/${clientId}`, { token: admin });
        assert.match(got.body.disabledAt, /^\d{4}-/);
        assert.equal((await eventsFor(svc, 'identity.client_disabled', clientId)).length, 1);
        expectProblem(await userinfo(), 401, 'UNAUTHORIZED');
        const unknown = await call(svc, 'DELETE', '/api/v1/oauth/clients/no-such-client', { token: admin });
        expectProblem(unknown, 404, 'IDENTITY_CLIENT_NOT_FOUND');
      });

      test('rotating the secret shows the new one once and the old one stops working', async () => {
        const { clientId, clientSecret } = await createClient(svc, admin, {
          clientId: uniqueClientId(),
          scopes: [],
        });
        const res = await call(svc, 'POST', `/api/v1/oauth/clients/${clientId}/secret`, { token: admin });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const fresh = res.body.clientSecret;
        assert.notEqual(fresh, clientSecret);
        expectOAuthError(await clientCredentials(clientId, clientSecret), 401, 'invalid_client');
        assert.equal((await clientCredentials(clientId, fresh)).status, 200);
        const [event] = await eventsFor(svc, 'identity.client_secret_rotated', clientId);
        assert.deepEqual(event?.data, { clientId, rotatedBy: decodeJwt(admin).sub });
        const unknown = await call(svc, 'POST', '/api/v1/oauth/clients/no-such-client/secret', {
          token: admin,
        });
        expectProblem(unknown, 404, 'IDENTITY_CLIENT_NOT_FOUND');
      });

      test('client_credentials without client authentication is invalid_client', async () => {
        expectOAuthError(
          await tokenRequest(svc, { grant_type: 'client_credentials' }),
          401,
          'invalid_client',
        );
      });
    },
  );
}
