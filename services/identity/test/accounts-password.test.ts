import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from '@mercato/platform/db';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { identityService } from '../src/service.ts';
import {
  call,
  eventsFor,
  expectProblem,
  linkToken,
  login,
  signedIn,
  uniqueEmail,
  useTestEnv,
  type Svc,
} from './support.ts';

useTestEnv({ REQUIRE_VERIFIED_EMAIL: 'true', LOCKOUT_THRESHOLD: '5' });

after(closeTestPglite);

const NEW_PASSWORD = 'Brand-New-Secret-42';

for (const kind of ['pglite', 'pg'] as const) {
  describe(`password reset and change (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    before(async () => {
      svc = await startTestService(identityService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    const forgot = (email: string) => call(svc, 'POST', '/api/v1/auth/password/forgot', { body: { email } });
    const reset = (token: string, newPassword: string) =>
      call(svc, 'POST', '/api/v1/auth/password/reset', { body: { token, newPassword } });
    const refresh = (refreshToken: string) =>
      call(svc, 'POST', '/api/v1/auth/refresh', { body: { refreshToken } });
    const attempt = (email: string, password: string) =>
      call(svc, 'POST', '/api/v1/auth/login', { body: { email, password } });

    test('forgot answers 202 for known and unknown emails alike; only a known one gets a reset link event', async () => {
      const user = await signedIn(svc);
      await svc.flush(); // the sign-up's own events first: the count below is of forgot's
      const before = svc.published.length;
      const unknown = await forgot(uniqueEmail('nobody'));
      const known = await forgot(user.email.toUpperCase());
      assert.equal(unknown.status, 202);
      assert.equal(known.status, 202);
      assert.deepEqual(known.body, unknown.body);
      await svc.flush();
      assert.equal(svc.published.length, before + 1);
      const [event] = await eventsFor(svc, 'identity.password_reset_requested', user.id);
      const data = event?.data as { email: string; resetUrl: string; expiresAt: string };
      assert.equal(data.email, user.email);
      assert.match(data.resetUrl, /^http:\/\/identity\.test\/reset-password\?token=[A-Za-z0-9_-]{43}$/);
      const rows = await svc.runtime.ctx.database.db
        .selectFrom('email_tokens')
        .selectAll()
        .where('user_id', '=', user.id)
        .where('purpose', '=', 'reset_password')
        .execute();
      assert.equal(rows.length, 1);
    });

    test('reset sets the new password, signs out every session, publishes user.password_changed; the link works once', async () => {
      const user = await signedIn(svc);
      await forgot(user.email);
      const token = await linkToken(svc, user.id, 'identity.password_reset_requested');
      const res = await reset(token, NEW_PASSWORD);
      assert.equal(res.status, 204, JSON.stringify(res.body));
      expectProblem(await refresh(user.tokens.refreshToken), 401, 'IDENTITY_REFRESH_TOKEN_INVALID');
      expectProblem(await attempt(user.email, user.password), 401, 'IDENTITY_INVALID_CREDENTIALS');
      await login(svc, user.email, NEW_PASSWORD);
      const events = await eventsFor(svc, 'user.password_changed', user.id);
      assert.deepEqual(
        events.map((e) => e.data),
        [{ userId: user.id, email: user.email, reason: 'reset' }],
      );
      expectProblem(await reset(token, 'Another-Secret-43'), 400, 'IDENTITY_TOKEN_INVALID');
    });

    test('an expired reset link is 400 IDENTITY_TOKEN_INVALID and the password stays', async () => {
      const user = await signedIn(svc);
      await forgot(user.email);
      const token = await linkToken(svc, user.id, 'identity.password_reset_requested');
      await svc.runtime.ctx.database.db
        .updateTable('email_tokens')
        .set({ expires_at: sql<Date>`now() - interval '1 second'` })
        .where('user_id', '=', user.id)
        .execute();
      expectProblem(await reset(token, NEW_PASSWORD), 400, 'IDENTITY_TOKEN_INVALID');
      await login(svc, user.email, user.password);
    });

    test('a weak new password is 422 at /body/newPassword and leaves the link usable', async () => {
      const user = await signedIn(svc);
      await forgot(user.email);
      const token = await linkToken(svc, user.id, 'identity.password_reset_requested');
      const problem = expectProblem(await reset(token, 'weakpass'), 422, 'IDENTITY_PASSWORD_TOO_WEAK');
      assert.ok(problem.errors.every((e: { path: string }) => e.path === '/body/newPassword'));
      assert.equal((await reset(token, NEW_PASSWORD)).status, 204);
    });

    test('a reset also lifts a sign-in lock (the link proves the owner)', async () => {
      const user = await signedIn(svc);
      for (let i = 0; i < 5; i++) await attempt(user.email, `Wrong-Password-${i}`);
      expectProblem(await attempt(user.email, user.password), 423, 'IDENTITY_ACCOUNT_LOCKED');
      await forgot(user.email);
      assert.equal(
        (await reset(await linkToken(svc, user.id, 'identity.password_reset_requested'), NEW_PASSWORD))
          .status,
        204,
      );
      await login(svc, user.email, NEW_PASSWORD);
    });

    test('change needs the current password (wrong → 401) and signs out the other sessions, keeping the one named', async () => {
      const user = await signedIn(svc);
      const other = await login(svc, user.email, user.password);
      const change = (body: unknown) =>
        call(svc, 'POST', '/api/v1/auth/password/change', { token: user.tokens.accessToken, body });
      expectProblem(
        await change({ currentPassword: 'Wrong-Password-1', newPassword: NEW_PASSWORD }),
        401,
        'IDENTITY_INVALID_CREDENTIALS',
      );
      expectProblem(
        await change({ currentPassword: user.password, newPassword: 'short' }),
        422,
        'IDENTITY_PASSWORD_TOO_WEAK',
      );
      const res = await change({
        currentPassword: user.password,
        newPassword: NEW_PASSWORD,
        refreshToken: user.tokens.refreshToken,
      });
      assert.equal(res.status, 204, JSON.stringify(res.body));
      assert.equal((await refresh(user.tokens.refreshToken)).status, 200);
      expectProblem(await refresh(other.refreshToken), 401, 'IDENTITY_REFRESH_TOKEN_INVALID');
      await login(svc, user.email, NEW_PASSWORD);
      const events = await eventsFor(svc, 'user.password_changed', user.id);
      assert.equal((events[0]?.data as { reason: string }).reason, 'change');
    });

    test('change without a bearer token is 401 with WWW-Authenticate', async () => {
      const res = await call(svc, 'POST', '/api/v1/auth/password/change', {
        body: { currentPassword: 'x', newPassword: NEW_PASSWORD },
      });
      expectProblem(res, 401, 'UNAUTHORIZED');
      assert.match(String(res.headers['www-authenticate']), /^Bearer/);
    });
  });
}
