import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { identityService } from '../src/service.ts';
import {
  call,
  eventsFor,
  expectProblem,
  setRoles,
  signedIn,
  uniqueEmail,
  useTestEnv,
  type Body,
  type Svc,
} from './support.ts';

useTestEnv({ REQUIRE_VERIFIED_EMAIL: 'true' });

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`admin user API and roles (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    let adminToken: string;
    let adminId: string;
    before(async () => {
      svc = await startTestService(identityService, kind);
      const admin = await signedIn(svc, ['admin']);
      adminToken = admin.tokens.accessToken;
      adminId = admin.id;
    });
    after(async () => {
      await svc?.close();
    });

    const get = (id: string, token = adminToken) => call(svc, 'GET', `/api/v1/users/${id}`, { token });
    const putRoles = (id: string, roles: string[], ifMatch?: string, token = adminToken) =>
      call(svc, 'PUT', `/api/v1/users/${id}/roles`, {
        token,
        body: { roles },
        ...(ifMatch ? { headers: { 'if-match': ifMatch } } : {}),
      });
    const post = (id: string, action: 'disable' | 'enable', token = adminToken) =>
      call(svc, 'POST', `/api/v1/users/${id}/${action}`, { token });

    test('no token is 401 with WWW-Authenticate; a customer is 403; support may read but not write', async () => {
      const none = await call(svc, 'GET', '/api/v1/users');
      expectProblem(none, 401, 'UNAUTHORIZED');
      assert.match(String(none.headers['www-authenticate']), /^Bearer realm="mercato"/);
      const customer = await signedIn(svc);
      expectProblem(
        await call(svc, 'GET', '/api/v1/users', { token: customer.tokens.accessToken }),
        403,
        'FORBIDDEN',
      );
      expectProblem(
        await putRoles(customer.id, ['admin'], '"1"', customer.tokens.accessToken),
        403,
        'FORBIDDEN',
      );
      expectProblem(await post(customer.id, 'disable', customer.tokens.accessToken), 403, 'FORBIDDEN');
      const support = await signedIn(svc, ['support']);
      assert.equal((await get(customer.id, support.tokens.accessToken)).status, 200);
      expectProblem(await post(customer.id, 'disable', support.tokens.accessToken), 403, 'FORBIDDEN');
    });

    test('GET /users/:id shows the user without secrets, with an ETag; unknown ids are 404, malformed 400', async () => {
      const user = await signedIn(svc);
      const res = await get(user.id);
      assert.equal(res.status, 200);
      assert.equal(res.headers.etag, '"1"');
      assert.deepEqual(Object.keys(res.body).sort(), [
        'createdAt',
        'email',
        'emailVerified',
        'id',
        'lockedUntil',
        'mfaEnabled',
        'roles',
        'status',
        'tier',
        'updatedAt',
        'version',
      ]);
      assert.equal(res.body.email, user.email);
      assert.deepEqual(res.body.roles, ['customer']);
      assert.equal(res.body.emailVerified, true);
      expectProblem(await get('01900000-0000-7000-8000-000000000000'), 404, 'IDENTITY_USER_NOT_FOUND');
      expectProblem(await get('nope'), 400, 'VALIDATION_FAILED');
    });

    test('the list filters by email search, role and status, and pages', async () => {
      const tag = `lst${Date.now().toString(36)}`;
      const a = await signedIn(svc);
      await setRoles(svc, a.id, ['seller']);
      const emails = [uniqueEmail(`${tag}.a`), uniqueEmail(`${tag}.b`), uniqueEmail(`${tag}.c`)];
      const ids: string[] = [];
      for (const email of emails) {
        const res = await call(svc, 'POST', '/api/v1/auth/register', {
          body: { email, password: 'Correct-Horse-7' },
        });
        ids.push(res.body.id);
      }
      await setRoles(svc, ids[1] ?? '', ['seller', 'customer']);
      await post(ids[2] ?? '', 'disable');
      const list = (q: string) => call(svc, 'GET', `/api/v1/users?${q}`, { token: adminToken });
      const all = await list(`search=${tag.toUpperCase()}&pageSize=2`);
      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.equal(all.body.totalCount, 3);
      assert.equal(all.body.totalPages, 2);
      assert.equal(all.body.items.length, 2);
      const sellers = await list(`search=${tag}&role=seller`);
      assert.deepEqual(
        sellers.body.items.map((u: Body) => u.id),
        [ids[1]],
      );
      const disabled = await list(`search=${tag}&status=disabled`);
      assert.deepEqual(
        disabled.body.items.map((u: Body) => u.id),
        [ids[2]],
      );
      const wildcard = await list('search=%25');
      assert.equal(wildcard.body.totalCount, 0);
    });

    test('PUT roles needs If-Match (428), a current version (412) and known roles (400 IDENTITY_ROLE_UNKNOWN)', async () => {
      const user = await signedIn(svc);
      expectProblem(await putRoles(user.id, ['seller']), 428, 'PRECONDITION_REQUIRED');
      expectProblem(await putRoles(user.id, ['seller'], '"7"'), 412, 'PRECONDITION_FAILED');
      const unknown = expectProblem(
        await putRoles(user.id, ['seller', 'wizard'], '"1"'),
        400,
        'IDENTITY_ROLE_UNKNOWN',
      );
      assert.deepEqual(
        unknown.errors.map((e: { path: string }) => e.path),
        ['/body/roles/1'],
      );
      const ok = await putRoles(user.id, ['seller', 'customer', 'seller'], '"1"');
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual(ok.body.roles, ['customer', 'seller']);
      assert.equal(ok.body.version, 2);
      assert.equal(ok.headers.etag, '"2"');
      const events = await eventsFor(svc, 'user.roles_changed', user.id);
      assert.deepEqual(
        events.map((e) => e.data),
        [
          {
            userId: user.id,
            roles: ['customer', 'seller'],
            previousRoles: ['customer'],
            changedBy: adminId,
            version: 2,
          },
        ],
      );
      // The access token of the old roles is revoked once the event is out; a refreshed one carries the new.
      const stale = await call(svc, 'GET', '/api/v1/auth/me', { token: user.tokens.accessToken });
      assert.match(expectProblem(stale, 401, 'UNAUTHORIZED').detail, /revoked/);
      const relogin = await call(svc, 'POST', '/api/v1/auth/refresh', {
        body: { refreshToken: user.tokens.refreshToken },
      });
      const me = await call(svc, 'GET', '/api/v1/auth/me', { token: relogin.body.accessToken });
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.ok(me.body.permissions.includes('catalog:write'));
    });

    test('disable revokes the refresh tokens and blocks sign-in; enable lets the user back in; events for both', async () => {
      const user = await signedIn(svc);
      const res = await post(user.id, 'disable');
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'disabled');
      expectProblem(
        await call(svc, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.tokens.refreshToken } }),
        401,
        'IDENTITY_REFRESH_TOKEN_INVALID',
      );
      expectProblem(
        await call(svc, 'POST', '/api/v1/auth/login', {
          body: { email: user.email, password: user.password },
        }),
        403,
        'IDENTITY_ACCOUNT_DISABLED',
      );
      await svc.flush();
      expectProblem(
        await call(svc, 'GET', '/api/v1/auth/me', { token: user.tokens.accessToken }),
        401,
        'UNAUTHORIZED',
      );
      assert.equal((await post(user.id, 'disable')).body.version, res.body.version);
      const enabled = await post(user.id, 'enable');
      assert.equal(enabled.body.status, 'active');
      const login = await call(svc, 'POST', '/api/v1/auth/login', {
        body: { email: user.email, password: user.password },
      });
      assert.equal(login.status, 200);
      const me = await call(svc, 'GET', '/api/v1/auth/me', { token: login.body.accessToken });
      assert.equal(me.status, 200, 'a token issued after re-enabling is good');
      assert.deepEqual(
        (await eventsFor(svc, 'user.disabled', user.id)).map((e) => e.data),
        [{ userId: user.id, changedBy: adminId, version: res.body.version }],
      );
      assert.deepEqual((await eventsFor(svc, 'user.enabled', user.id))[0]?.data, {
        userId: user.id,
        changedBy: adminId,
        version: enabled.body.version,
      });
    });

    test('the last active admin can neither lose the admin role nor be disabled (409 IDENTITY_LAST_ADMIN)', async () => {
      // Only this test's admin stays an admin.
      const admin = await signedIn(svc, ['admin']);
      const others = await svc.runtime.ctx.database.db
        .selectFrom('users')
        .select('id')
        .where('id', '!=', admin.id)
        .execute();
      for (const o of others) await setRoles(svc, o.id, ['customer']);
      const token = admin.tokens.accessToken;
      const version = (await get(admin.id, token)).body.version;
      expectProblem(await putRoles(admin.id, ['support'], `"${version}"`, token), 409, 'IDENTITY_LAST_ADMIN');
      expectProblem(await post(admin.id, 'disable', token), 409, 'IDENTITY_LAST_ADMIN');
      // With a second admin, the first may step down.
      const second = await signedIn(svc);
      await setRoles(svc, second.id, ['admin']);
      const ok = await putRoles(admin.id, ['support'], `"${version}"`, token);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const secondToken = (
        await call(svc, 'POST', '/api/v1/auth/login', {
          body: { email: second.email, password: second.password },
        })
      ).body.accessToken;
      expectProblem(await post(second.id, 'disable', secondToken), 409, 'IDENTITY_LAST_ADMIN');
      adminToken = secondToken;
      adminId = second.id;
    });

    test('two admins demoting each other at once leave one admin', async () => {
      const a = await signedIn(svc, ['admin']);
      const b = await signedIn(svc, ['admin']);
      const others = await svc.runtime.ctx.database.db
        .selectFrom('users')
        .select('id')
        .where('id', 'not in', [a.id, b.id])
        .execute();
      for (const o of others) await setRoles(svc, o.id, ['customer']);
      const [ra, rb] = await Promise.all([
        putRoles(b.id, ['customer'], '*', a.tokens.accessToken),
        putRoles(a.id, ['customer'], '*', b.tokens.accessToken),
      ]);
      assert.deepEqual([ra?.status, rb?.status].sort(), [200, 409]);
      const admins = await svc.runtime.ctx.database.db.selectFrom('users').select('roles').execute();
      assert.equal(admins.filter((r) => r.roles.includes('admin')).length, 1);
      adminToken = ra?.status === 200 ? a.tokens.accessToken : b.tokens.accessToken;
    });

    test('GET /auth/me returns the own profile with the permissions of the roles', async () => {
      const support = await signedIn(svc, ['support']);
      const me = await call(svc, 'GET', '/api/v1/auth/me', { token: support.tokens.accessToken });
      assert.equal(me.status, 200);
      assert.equal(me.body.id, support.id);
      assert.deepEqual(me.body.roles, ['support']);
      assert.ok(me.body.permissions.includes('users:read'));
      assert.ok(!me.body.permissions.includes('users:write'));
    });
  });
}
