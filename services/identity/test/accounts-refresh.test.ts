import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AppError } from '@mercato/platform/errors';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { createSessionService } from '../src/accounts/session-service.ts';
import { identityService } from '../src/service.ts';
import { call, expectProblem, registerVerified, signedIn, useTestEnv, type Svc } from './support.ts';

useTestEnv({ REQUIRE_VERIFIED_EMAIL: 'true' });

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`refresh tokens and sign-out (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    before(async () => {
      svc = await startTestService(identityService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    const refresh = (refreshToken: string) =>
      call(svc, 'POST', '/api/v1/auth/refresh', { body: { refreshToken } });
    const tokensOf = (userId: string) =>
      svc.runtime.ctx.database.db
        .selectFrom('refresh_tokens')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();

    test('refresh rotates: new tokens in the same family, the old token marked rotated', async () => {
      const user = await signedIn(svc);
      const res = await refresh(user.tokens.refreshToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.notEqual(res.body.refreshToken, user.tokens.refreshToken);
      assert.notEqual(res.body.accessToken, user.tokens.accessToken);
      assert.equal(res.body.tokenType, 'Bearer');
      const rows = await tokensOf(user.id);
      assert.equal(rows.length, 2);
      assert.equal(rows[0]?.family_id, rows[1]?.family_id);
      assert.ok(rows[0]?.rotated_at instanceof Date);
      assert.equal(rows[1]?.rotated_at, null);
      assert.equal((await call(svc, 'GET', '/api/v1/auth/me', { token: res.body.accessToken })).status, 200);
    });

    test('a refreshed access token carries the roles the user has now', async () => {
      const user = await signedIn(svc);
      await svc.runtime.ctx.database.db
        .updateTable('users')
        .set({ roles: ['support'] })
        .where('id', '=', user.id)
        .execute();
      const res = await refresh(user.tokens.refreshToken);
      const me = await call(svc, 'GET', '/api/v1/users?pageSize=1', { token: res.body.accessToken });
      assert.equal(me.status, 200, JSON.stringify(me.body));
    });

    test('reusing a rotated token revokes the whole family (the newest token too), records a security event and a warning without the token', async () => {
      const user = await signedIn(svc);
      const first = user.tokens.refreshToken;
      const second = (await refresh(first)).body.refreshToken;
      const third = (await refresh(second)).body.refreshToken;
      expectProblem(await refresh(first), 401, 'IDENTITY_REFRESH_TOKEN_INVALID');
      expectProblem(await refresh(third), 401, 'IDENTITY_REFRESH_TOKEN_INVALID');
      const rows = await tokensOf(user.id);
      assert.ok(rows.every((r) => r.revoked_at instanceof Date));
      const events = await svc.runtime.ctx.database.db
        .selectFrom('security_events')
        .selectAll()
        .where('user_id', '=', user.id)
        .where('type', '=', 'refresh_token_reuse')
        .execute();
      assert.equal(events.length, 1);
      assert.equal((events[0]?.detail as { familyId: string }).familyId, rows[0]?.family_id);
      const warning = svc.logs.lines.find(
        (l) => l.level === 'warn' && String(l.msg).includes('refresh token reuse') && l.userId === user.id,
      );
      assert.ok(warning, 'a warning is logged');
      const text = svc.logs.text();
      for (const token of [first, second, third]) assert.ok(!text.includes(token));
    });

    test('two concurrent refreshes with the same token: exactly one succeeds', async () => {
      const user = await signedIn(svc);
      const results = await Promise.all([
        refresh(user.tokens.refreshToken),
        refresh(user.tokens.refreshToken),
      ]);
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 401], JSON.stringify(results.map((r) => r.body)));
      const live = (await tokensOf(user.id)).filter((r) => !r.rotated_at && !r.revoked_at);
      assert.ok(live.length <= 1);
    });

    test('unknown, expired, logged-out and disabled-user tokens are 401 IDENTITY_REFRESH_TOKEN_INVALID', async () => {
      expectProblem(await refresh('x'.repeat(43)), 401, 'IDENTITY_REFRESH_TOKEN_INVALID');

      const expired = await signedIn(svc);
      await svc.runtime.ctx.database.db
        .updateTable('refresh_tokens')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('user_id', '=', expired.id)
        .execute();
      expectProblem(await refresh(expired.tokens.refreshToken), 401, 'IDENTITY_REFRESH_TOKEN_INVALID');

      const loggedOut = await signedIn(svc);
      const out = await call(svc, 'POST', '/api/v1/auth/logout', {
        body: { refreshToken: loggedOut.tokens.refreshToken },
      });
      assert.equal(out.status, 204);
      expectProblem(await refresh(loggedOut.tokens.refreshToken), 401, 'IDENTITY_REFRESH_TOKEN_INVALID');

      const disabled = await signedIn(svc);
      await svc.runtime.ctx.database.db
        .updateTable('users')
        .set({ status: 'disabled' })
        .where('id', '=', disabled.id)
        .execute();
      expectProblem(await refresh(disabled.tokens.refreshToken), 401, 'IDENTITY_REFRESH_TOKEN_INVALID');
    });

    test('logout of an unknown token is 204 too (nothing to revoke)', async () => {
      const res = await call(svc, 'POST', '/api/v1/auth/logout', { body: { refreshToken: 'y'.repeat(43) } });
      assert.equal(res.status, 204);
    });

    test('logout-all revokes every session of the caller and no one else’s', async () => {
      const user = await registerVerified(svc);
      const other = await signedIn(svc);
      const a = (
        await call(svc, 'POST', '/api/v1/auth/login', {
          body: { email: user.email, password: user.password },
        })
      ).body;
      const b = (
        await call(svc, 'POST', '/api/v1/auth/login', {
          body: { email: user.email, password: user.password },
        })
      ).body;
      const res = await call(svc, 'POST', '/api/v1/auth/logout-all', { token: a.accessToken });
      assert.equal(res.status, 204);
      expectProblem(await refresh(a.refreshToken), 401, 'IDENTITY_REFRESH_TOKEN_INVALID');
      expectProblem(await refresh(b.refreshToken), 401, 'IDENTITY_REFRESH_TOKEN_INVALID');
      assert.equal((await refresh(other.tokens.refreshToken)).status, 200);
    });

    test('SessionPort (used by the OAuth token endpoint): password login, client-bound refresh, revocation', async () => {
      const port = createSessionService(svc.runtime.parts);
      const user = await registerVerified(svc);
      const result = await port.passwordLogin({
        email: user.email,
        password: user.password,
        clientId: 'storefront',
        scope: 'openid email',
      });
      assert.equal(result.kind, 'tokens');
      if (result.kind !== 'tokens') return;
      assert.equal(result.tokens.scope, 'openid email');
      const codeOf = async (p: Promise<unknown>) => {
        try {
          await p;
          return 'ok';
        } catch (err) {
          assert.ok(err instanceof AppError);
          return err.code;
        }
      };
      // A refresh token only works for the client it was issued to (and without a client only for none).
      assert.equal(await codeOf(port.refresh(result.tokens.refreshToken)), 'IDENTITY_REFRESH_TOKEN_INVALID');
      assert.equal(
        await codeOf(port.refresh(result.tokens.refreshToken, { clientId: 'other' })),
        'IDENTITY_REFRESH_TOKEN_INVALID',
      );
      const next = await port.refresh(result.tokens.refreshToken, { clientId: 'storefront' });
      assert.equal(next.scope, 'openid email');
      await port.revokeRefreshToken(next.refreshToken);
      await port.revokeRefreshToken('not-a-token');
      assert.equal(
        await codeOf(port.refresh(next.refreshToken, { clientId: 'storefront' })),
        'IDENTITY_REFRESH_TOKEN_INVALID',
      );
      assert.equal(
        await codeOf(port.passwordLogin({ email: user.email, password: 'Wrong-Password-9' })),
        'IDENTITY_INVALID_CREDENTIALS',
      );
    });
  });
}
