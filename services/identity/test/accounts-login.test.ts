import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  closeTestPglite,
  manualClock,
  metricValue,
  needs,
  startTestService,
  type ManualClock,
} from '@mercato/testing';
import { passwordHasherFor } from '../src/passwords/password-hasher.ts';
import { identityService } from '../src/service.ts';
import {
  call,
  eventsFor,
  expectProblem,
  login,
  registerVerified,
  uniqueEmail,
  useTestEnv,
  type Svc,
} from './support.ts';

useTestEnv({
  REQUIRE_VERIFIED_EMAIL: 'true',
  LOCKOUT_THRESHOLD: '3',
  LOCKOUT_WINDOW_SECONDS: '60',
  LOCKOUT_DURATION_SECONDS: '900',
});

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`sign-in and lockout (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    // Locks end on the service's clock: the test moves it instead of waiting.
    let clock: ManualClock;
    before(async () => {
      clock = manualClock();
      svc = await startTestService(identityService, kind, { now: clock.now });
    });
    after(async () => {
      await svc?.close();
    });

    const attempt = (email: string, password: string) =>
      call(svc, 'POST', '/api/v1/auth/login', { body: { email, password } });
    const userRow = (id: string) =>
      svc.runtime.ctx.database.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();

    test('a correct password yields a bearer access token that identity itself accepts, and a refresh token', async () => {
      const user = await registerVerified(svc);
      const tokens = await login(svc, `  ${user.email.toUpperCase()}`, user.password);
      assert.equal(tokens.tokenType, 'Bearer');
      assert.equal(tokens.expiresIn, 900);
      assert.equal(tokens.scope, '');
      assert.match(tokens.refreshToken, /^[A-Za-z0-9_-]{43}$/);
      const me = await call(svc, 'GET', '/api/v1/auth/me', { token: tokens.accessToken });
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.deepEqual(me.body, {
        id: user.id,
        email: user.email,
        roles: ['customer'],
        permissions: [],
        emailVerified: true,
        mfaEnabled: false,
      });
      const stored = await svc.runtime.ctx.database.db
        .selectFrom('refresh_tokens')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute();
      assert.equal(stored.length, 1);
      assert.notEqual(stored[0]?.token_hash, tokens.refreshToken);
    });

    test('sign-in, MFA-step and refresh answers carrying tokens, and their refusals, are Cache-Control: no-store', async () => {
      const user = await registerVerified(svc);
      const signedIn = await attempt(user.email, user.password);
      const refused = await attempt(user.email, 'Wrong-Password-1');
      const refreshed = await call(svc, 'POST', '/api/v1/auth/refresh', {
        body: { refreshToken: signedIn.body.refreshToken },
      });
      const badRefresh = await call(svc, 'POST', '/api/v1/auth/refresh', {
        body: { refreshToken: 'unknown' },
      });
      const badMfa = await call(svc, 'POST', '/api/v1/auth/login/mfa', {
        body: { mfaToken: 'not-a-token', code: '123456' },
      });
      assert.equal(signedIn.status, 200);
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      assert.ok(refreshed.body.accessToken);
      assert.deepEqual(
        [signedIn, refused, refreshed, badRefresh, badMfa].map((r) => [
          r.status,
          r.headers['cache-control'],
          r.headers.pragma,
        ]),
        [
          [200, 'no-store', 'no-cache'],
          [401, 'no-store', 'no-cache'],
          [200, 'no-store', 'no-cache'],
          [401, 'no-store', 'no-cache'],
          [401, 'no-store', 'no-cache'],
        ],
      );
    });

    test('a wrong password and an unknown email get the same 401 IDENTITY_INVALID_CREDENTIALS', async () => {
      const user = await registerVerified(svc);
      const wrong = expectProblem(
        await attempt(user.email, 'Wrong-Password-1'),
        401,
        'IDENTITY_INVALID_CREDENTIALS',
      );
      const unknown = expectProblem(
        await attempt(uniqueEmail('ghost'), 'Wrong-Password-1'),
        401,
        'IDENTITY_INVALID_CREDENTIALS',
      );
      const strip = (b: Record<string, unknown>) => ({ ...b, correlationId: undefined });
      assert.deepEqual(strip(wrong), strip(unknown));
    });

    test('N failures lock the account: 423 with Retry-After even for the right password, user.locked once; the lock ends after its duration', async () => {
      const user = await registerVerified(svc);
      expectProblem(await attempt(user.email, 'Wrong-Password-1'), 401, 'IDENTITY_INVALID_CREDENTIALS');
      expectProblem(await attempt(user.email, 'Wrong-Password-2'), 401, 'IDENTITY_INVALID_CREDENTIALS');
      const third = expectProblem(
        await attempt(user.email, 'Wrong-Password-3'),
        423,
        'IDENTITY_ACCOUNT_LOCKED',
      );
      assert.ok(third);
      const locked = await attempt(user.email, user.password);
      expectProblem(locked, 423, 'IDENTITY_ACCOUNT_LOCKED');
      assert.equal(locked.headers['retry-after'], '900');
      expectProblem(await attempt(user.email, 'Wrong-Password-4'), 423, 'IDENTITY_ACCOUNT_LOCKED');
      const events = await eventsFor(svc, 'user.locked', user.id);
      assert.equal(events.length, 1);
      const data = events[0]?.data as { userId: string; lockedUntil: string };
      assert.equal(data.userId, user.id);
      assert.equal(Date.parse(data.lockedUntil), clock.now() + 900_000);
      const audit = await svc.runtime.ctx.database.db
        .selectFrom('security_events')
        .selectAll()
        .where('user_id', '=', user.id)
        .where('type', '=', 'account_locked')
        .execute();
      assert.equal(audit.length, 1);

      clock.advance(899_000);
      const lastSecond = await attempt(user.email, user.password);
      expectProblem(lastSecond, 423, 'IDENTITY_ACCOUNT_LOCKED');
      assert.equal(lastSecond.headers['retry-after'], '1');
      clock.advance(1_000);
      await login(svc, user.email, user.password);
      const row = await userRow(user.id);
      assert.equal(row.failed_logins, 0);
      assert.equal(row.locked_until, null);
    });

    test('failed sign-ins and locks are logged at warn with the user id or a masked email, never the password or the whole email', async () => {
      const user = await registerVerified(svc);
      const ghost = uniqueEmail('ghost');
      const from = svc.logs.lines.length;
      await attempt(user.email, 'Wrong-Password-1');
      await attempt(user.email, 'Wrong-Password-2');
      await attempt(user.email, 'Wrong-Password-3');
      await attempt(user.email, user.password);
      await attempt(ghost, 'Wrong-Password-5');
      const lines = svc.logs.lines.slice(from).filter((l) => l.level === 'warn');
      const refused = lines.filter((l) => l.msg === 'sign-in refused');
      assert.deepEqual(
        refused.map((l) => [l.userId ?? l.account, l.reason]),
        [
          [user.id, 'wrong_password'],
          [user.id, 'wrong_password'],
          [user.id, 'wrong_password'],
          [user.id, 'locked'],
          [`${ghost[0]}***@example.test`, 'unknown_email'],
        ],
      );
      const locks = lines.filter((l) => l.msg === 'account locked after repeated failed sign-ins');
      assert.equal(locks.length, 1);
      assert.equal(locks[0]?.userId, user.id);
      assert.equal(locks[0]?.threshold, 3);
      const text = JSON.stringify(svc.logs.lines.slice(from));
      for (const secret of [user.password, 'Wrong-Password-1', 'Wrong-Password-5', user.email, ghost]) {
        assert.ok(!text.includes(secret), `the log holds ${secret}`);
      }
    });

    test('sign-ins are counted on /metrics by outcome: ok, failed, locked', async () => {
      const count = (outcome: string) =>
        metricValue(svc.runtime.app, 'sign_ins_total', { step: 'password', outcome });
      const before = [await count('ok'), await count('failed'), await count('locked')];
      const user = await registerVerified(svc);
      await login(svc, user.email, user.password);
      await attempt(user.email, 'Wrong-Password-1');
      await attempt(user.email, 'Wrong-Password-2');
      await attempt(user.email, 'Wrong-Password-3'); // the third failure locks: 423
      await attempt(user.email, user.password); // still locked
      const after = [await count('ok'), await count('failed'), await count('locked')];
      assert.deepEqual(
        after.map((n, i) => n - (before[i] ?? 0)),
        [1, 2, 2],
      );
    });

    test('a successful sign-in resets the failure count', async () => {
      const user = await registerVerified(svc);
      await attempt(user.email, 'Wrong-Password-1');
      await attempt(user.email, 'Wrong-Password-2');
      assert.equal((await userRow(user.id)).failed_logins, 2);
      await login(svc, user.email, user.password);
      assert.equal((await userRow(user.id)).failed_logins, 0);
      expectProblem(await attempt(user.email, 'Wrong-Password-3'), 401, 'IDENTITY_INVALID_CREDENTIALS');
      expectProblem(await attempt(user.email, 'Wrong-Password-4'), 401, 'IDENTITY_INVALID_CREDENTIALS');
    });

    test('an unknown email locks the same way, so 423 does not reveal that an account exists', async () => {
      const email = uniqueEmail('nobody');
      expectProblem(await attempt(email, 'Wrong-Password-1'), 401, 'IDENTITY_INVALID_CREDENTIALS');
      expectProblem(await attempt(email, 'Wrong-Password-2'), 401, 'IDENTITY_INVALID_CREDENTIALS');
      expectProblem(await attempt(email, 'Wrong-Password-3'), 423, 'IDENTITY_ACCOUNT_LOCKED');
      const again = await attempt(email, 'Wrong-Password-4');
      expectProblem(again, 423, 'IDENTITY_ACCOUNT_LOCKED');
      assert.equal(again.headers['retry-after'], '900');
    });

    test('an unknown email still costs an argon2 verification (against a dummy hash), so timing does not tell', async () => {
      // Timings are too noisy under a parallel test run; count the dummy verifications instead.
      const hasher = passwordHasherFor(svc.runtime.parts.config);
      const original = hasher.verifyDummy;
      let dummies = 0;
      hasher.verifyDummy = async (password) => {
        dummies += 1;
        await original(password);
      };
      try {
        const user = await registerVerified(svc);
        await attempt(user.email, 'Wrong-Password-1');
        assert.equal(dummies, 0);
        await attempt(uniqueEmail('timing'), 'Wrong-Password-1');
        assert.equal(dummies, 1);
      } finally {
        hasher.verifyDummy = original;
      }
    });

    test('a disabled account gets 403 IDENTITY_ACCOUNT_DISABLED after a correct password, 401 before', async () => {
      const user = await registerVerified(svc);
      await svc.runtime.ctx.database.db
        .updateTable('users')
        .set({ status: 'disabled' })
        .where('id', '=', user.id)
        .execute();
      expectProblem(await attempt(user.email, 'Wrong-Password-1'), 401, 'IDENTITY_INVALID_CREDENTIALS');
      expectProblem(await attempt(user.email, user.password), 403, 'IDENTITY_ACCOUNT_DISABLED');
    });

    test('logout-all needs a bearer token: 401 with WWW-Authenticate without one', async () => {
      const res = await call(svc, 'POST', '/api/v1/auth/logout-all');
      expectProblem(res, 401, 'UNAUTHORIZED');
      assert.match(String(res.headers['www-authenticate']), /^Bearer realm="mercato"/);
    });

    test('a sign-in from a device the account never used publishes user.new_device_signed_in once; the first device and known ones do not', async () => {
      const user = await registerVerified(svc);
      const from = (userAgent: string, password = user.password) =>
        call(svc, 'POST', '/api/v1/auth/login', {
          body: { email: user.email, password },
          headers: { 'user-agent': userAgent },
        });
      const laptop = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0';
      const phone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1';
      assert.equal((await from(laptop)).status, 200, 'the first device is learnt silently');
      assert.equal((await from(laptop)).status, 200);
      assert.equal((await from(phone, 'Wrong-Horse-1')).status, 401, 'a refused sign-in teaches nothing');
      assert.equal((await eventsFor(svc, 'user.new_device_signed_in', user.id)).length, 0);

      assert.equal((await from(phone)).status, 200);
      assert.equal((await from(phone)).status, 200);
      assert.equal((await from(laptop)).status, 200);
      const events = await eventsFor(svc, 'user.new_device_signed_in', user.id);
      assert.equal(events.length, 1);
      const data = events[0]!.data as { email: string; userAgent: string; ipAddress: string | null };
      assert.equal(data.email, user.email);
      assert.equal(data.userAgent, phone);
      assert.equal(data.ipAddress, '127.0.0.1');
      const devices = await svc.runtime.ctx.database.db
        .selectFrom('known_devices')
        .select('user_agent')
        .where('user_id', '=', user.id)
        .execute();
      assert.deepEqual(devices.map((d) => d.user_agent).sort(), [laptop, phone].sort());
    });
  });
}
