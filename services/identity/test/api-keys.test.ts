import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { decodeJwt } from 'jose';
import { identityService } from '../src/service.ts';
import { call, eventsFor, expectProblem, setRoles, signedIn, useTestEnv, type Svc } from './support.ts';

useTestEnv();
after(closeTestPglite);

const BASE = '/api/v1/api-keys';

for (const kind of ['pglite', 'pg'] as const) {
  describe(`API keys (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    before(async () => {
      svc = await startTestService(identityService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    const create = (token: string, body: Record<string, unknown>) => call(svc, 'POST', BASE, { token, body });
    const exchange = (apiKey: string) =>
      call(svc, 'POST', '/internal/api-keys/exchange', { body: { apiKey } });
    const row = (id: string) =>
      svc.runtime.ctx.database.db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    const seller = () => signedIn(svc, ['seller']);

    test('a user creates a key: shown once as mk_<prefix>_<secret>, listed without it, published without it', async () => {
      const owner = await seller();
      const token = owner.tokens.accessToken;
      const res = await create(token, { name: 'CI upload', permissions: ['catalog:write'] });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.headers['cache-control'], 'no-store');
      const { key, ...shown } = res.body;
      assert.match(key, /^mk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
      assert.equal(key.slice(3, 11), shown.prefix);
      assert.equal(shown.userId, owner.id);
      assert.deepEqual(shown.permissions, ['catalog:write']);
      assert.equal(shown.expiresAt, null);

      const list = await call(svc, 'GET', BASE, { token });
      assert.equal(list.status, 200);
      assert.equal(list.body.totalCount, 1);
      assert.deepEqual(list.body.items[0], shown);
      const text = JSON.stringify(list.body);
      const stored = await row(shown.id);
      assert.ok(!text.includes(key) && !text.includes(stored.key_hash));
      assert.notEqual(stored.key_hash, key);

      const [event] = await eventsFor(svc, 'identity.api_key_created', shown.id);
      assert.deepEqual(event?.data, {
        apiKeyId: shown.id,
        userId: owner.id,
        name: 'CI upload',
        permissions: ['catalog:write'],
        expiresAt: null,
        createdBy: owner.id,
      });
      const published = JSON.stringify(svc.published);
      assert.ok(!published.includes(key.slice(12)) && !published.includes(shown.prefix));
      assert.ok(!svc.logs.text().includes(key.slice(12)));
    });

    test('the exchange gives the gateway a short token acting as the owner with only the key’s permissions', async () => {
      const owner = await seller();
      const created = await create(owner.tokens.accessToken, {
        name: 'stock sync',
        permissions: ['inventory:write'],
      });
      const res = await exchange(created.body.key);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.body.subject, owner.id);
      assert.equal(res.body.tier, 'authenticated');
      assert.equal(res.body.expiresIn, 300);
      const claims = decodeJwt(res.body.accessToken);
      assert.equal(claims.ptype, 'api_key');
      assert.equal(claims.sub, owner.id);
      assert.deepEqual(claims.permissions, ['inventory:write']);
      assert.deepEqual(claims.roles, ['seller']);
      assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 300);
      assert.equal(claims.akid, created.body.id, 'the key, so that revoking it can refuse the token');
      assert.equal(claims.uver, 1, 'the owner’s account version');

      // Identity itself accepts the token; last use is recorded, at most once a minute.
      const me = await call(svc, 'GET', '/api/v1/oauth/userinfo', { token: res.body.accessToken });
      assert.equal(me.status, 200);
      assert.deepEqual(me.body.permissions, ['inventory:write']);
      const firstUse = (await row(created.body.id)).last_used_at;
      assert.ok(firstUse);
      assert.equal((await exchange(created.body.key)).status, 200);
      assert.deepEqual((await row(created.body.id)).last_used_at, firstUse);
      const listed = await call(svc, 'GET', BASE, { token: owner.tokens.accessToken });
      assert.equal(listed.body.items[0].lastUsedAt, firstUse.toISOString());
    });

    test('a key-derived token cannot mint keys, and the token never outlives the key', async () => {
      const owner = await seller();
      const expiresAt = new Date(Date.now() + 120_000).toISOString();
      const created = await create(owner.tokens.accessToken, { name: 'short', permissions: [], expiresAt });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const res = await exchange(created.body.key);
      assert.ok(res.body.expiresIn <= 120 && res.body.expiresIn >= 110, String(res.body.expiresIn));
      const minted = await create(res.body.accessToken, { name: 'nested', permissions: [] });
      expectProblem(minted, 403, 'FORBIDDEN');
      const past = await create(owner.tokens.accessToken, {
        name: 'stale',
        permissions: [],
        expiresAt: new Date(Date.now() - 1000).toISOString(),
      });
      assert.deepEqual(expectProblem(past, 400, 'VALIDATION_FAILED').errors, [
        { path: '/body/expiresAt', message: 'must be in the future' },
      ]);
    });

    test('a permission the owner does not hold is 403, an unknown one 400', async () => {
      const customer = await signedIn(svc);
      const notHeld = await create(customer.tokens.accessToken, {
        name: 'x',
        permissions: ['catalog:write'],
      });
      expectProblem(notHeld, 403, 'IDENTITY_PERMISSION_NOT_HELD');
      const unknown = await create(customer.tokens.accessToken, { name: 'x', permissions: ['catalog:burn'] });
      assert.deepEqual(expectProblem(unknown, 400, 'IDENTITY_PERMISSION_UNKNOWN').errors, [
        { path: '/body/permissions/0', message: 'unknown permission catalog:burn' },
      ]);
      expectProblem(
        await call(svc, 'POST', BASE, { body: { name: 'x', permissions: [] } }),
        401,
        'UNAUTHORIZED',
      );
    });

    test('a revoked key is refused (401), and so is a token already exchanged for it; revoking is 204, idempotent and published once', async () => {
      const owner = await seller();
      const created = await create(owner.tokens.accessToken, { name: 'old', permissions: [] });
      const exchanged = (await exchange(created.body.key)).body.accessToken;
      const userinfo = () => call(svc, 'GET', '/api/v1/oauth/userinfo', { token: exchanged });
      assert.equal((await userinfo()).status, 200);
      for (let i = 0; i < 2; i++) {
        const res = await call(svc, 'DELETE', `${BASE}/${created.body.id}`, {
          token: owner.tokens.accessToken,
        });
        assert.equal(res.status, 204);
      }
      expectProblem(await exchange(created.body.key), 401, 'IDENTITY_API_KEY_INVALID');
      const events = await eventsFor(svc, 'identity.api_key_revoked', created.body.id);
      assert.deepEqual(
        events.map((e) => e.data),
        [{ apiKeyId: created.body.id, userId: owner.id, revokedBy: owner.id }],
      );
      expectProblem(await userinfo(), 401, 'UNAUTHORIZED');
      const listed = await call(svc, 'GET', BASE, { token: owner.tokens.accessToken });
      assert.match(listed.body.items[0].revokedAt, /^\d{4}-/);
    });

    test('expired keys, unknown keys, wrong secrets and disabled owners are all 401 IDENTITY_API_KEY_INVALID', async () => {
      const owner = await seller();
      const expiring = await create(owner.tokens.accessToken, { name: 'e', permissions: [] });
      await svc.runtime.ctx.database.db
        .updateTable('api_keys')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('id', '=', expiring.body.id)
        .execute();
      expectProblem(await exchange(expiring.body.key), 401, 'IDENTITY_API_KEY_INVALID');

      const good = await create(owner.tokens.accessToken, { name: 'g', permissions: [] });
      const key: string = good.body.key;
      const forged = `${key.slice(0, 12)}${key.at(12) === 'A' ? 'B' : 'A'}${key.slice(13)}`;
      expectProblem(await exchange(forged), 401, 'IDENTITY_API_KEY_INVALID');
      expectProblem(await exchange('mk_zzzzzzzz_' + 'A'.repeat(43)), 401, 'IDENTITY_API_KEY_INVALID');
      expectProblem(await exchange('not a key'), 401, 'IDENTITY_API_KEY_INVALID');

      assert.equal((await exchange(key)).status, 200);
      await svc.runtime.ctx.database.db
        .updateTable('users')
        .set({ status: 'disabled' })
        .where('id', '=', owner.id)
        .execute();
      expectProblem(await exchange(key), 401, 'IDENTITY_API_KEY_INVALID');
    });

    test('an owner who lost a permission loses it in exchanged tokens too', async () => {
      const owner = await seller();
      const created = await create(owner.tokens.accessToken, { name: 'c', permissions: ['catalog:write'] });
      await setRoles(svc, owner.id, ['customer']);
      const res = await exchange(created.body.key);
      assert.equal(res.status, 200);
      assert.deepEqual(decodeJwt(res.body.accessToken).permissions, []);
    });

    test('another user’s key is 404 on delete; admins list and revoke any user’s keys', async () => {
      const owner = await seller();
      const other = await signedIn(svc);
      const admin = await signedIn(svc, ['admin']);
      const created = await create(owner.tokens.accessToken, { name: 'mine', permissions: [] });
      const url = `${BASE}/${created.body.id}`;
      expectProblem(
        await call(svc, 'DELETE', url, { token: other.tokens.accessToken }),
        404,
        'IDENTITY_API_KEY_NOT_FOUND',
      );
      const snoop = await call(svc, 'GET', `${BASE}?userId=${owner.id}`, { token: other.tokens.accessToken });
      expectProblem(snoop, 403, 'FORBIDDEN');
      assert.equal((await row(created.body.id)).revoked_at, null);

      const listed = await call(svc, 'GET', `${BASE}?userId=${owner.id}`, {
        token: admin.tokens.accessToken,
      });
      assert.equal(listed.status, 200);
      assert.deepEqual(
        listed.body.items.map((k: { id: string }) => k.id),
        [created.body.id],
      );
      assert.equal((await call(svc, 'DELETE', url, { token: admin.tokens.accessToken })).status, 204);
      const [event] = await eventsFor(svc, 'identity.api_key_revoked', created.body.id);
      assert.equal((event?.data as { revokedBy: string }).revokedBy, admin.id);
      const missing = await call(svc, 'DELETE', `${BASE}/00000000-0000-7000-8000-000000000000`, {
        token: owner.tokens.accessToken,
      });
      expectProblem(missing, 404, 'IDENTITY_API_KEY_NOT_FOUND');
    });
  });
}
