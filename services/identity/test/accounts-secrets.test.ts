import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { Secret, TOTP } from 'otpauth';
import { identityService } from '../src/service.ts';
import { call, linkToken, login, uniqueEmail, useTestEnv, type Svc } from './support.ts';

// Request logging on, so the request lines are checked too.
useTestEnv({ REQUIRE_VERIFIED_EMAIL: 'true', LOG_REQUESTS: 'true' });

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`no secret reaches logs or events (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    before(async () => {
      svc = await startTestService(identityService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    test('passwords, tokens, the TOTP secret and recovery codes appear in no log line and no event', async () => {
      const secrets: string[] = [];
      const keep = <T extends string>(s: T): T => {
        secrets.push(s);
        return s;
      };
      const email = uniqueEmail('secretive');
      const password = keep('First-Password-81');
      const reg = await call(svc, 'POST', '/api/v1/auth/register', { body: { email, password } });
      const userId: string = reg.body.id;
      const verifyToken = await linkToken(svc, userId, 'identity.verification_requested');
      await call(svc, 'POST', '/api/v1/auth/verify-email', { body: { token: verifyToken } });
      // Failed attempts are logged as errors: the wrong password must not be in them either.
      await call(svc, 'POST', '/api/v1/auth/login', {
        body: { email, password: keep('Wrong-Guess-Pass-1') },
      });

      const first = await login(svc, email, password);
      keep(first.accessToken);
      keep(first.refreshToken);
      const rotated = (
        await call(svc, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } })
      ).body;
      keep(rotated.accessToken);
      keep(rotated.refreshToken);
      // Reuse: logged as a warning, which must not carry the token.
      await call(svc, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });

      await call(svc, 'POST', '/api/v1/auth/password/forgot', { body: { email } });
      const resetToken = await linkToken(svc, userId, 'identity.password_reset_requested');
      const secondPassword = keep('Second-Password-82');
      const reset = await call(svc, 'POST', '/api/v1/auth/password/reset', {
        body: { token: resetToken, newPassword: secondPassword },
      });
      assert.equal(reset.status, 204);
      await call(svc, 'POST', '/api/v1/auth/password/reset', {
        body: { token: resetToken, newPassword: secondPassword },
      });

      const signedIn = await login(svc, email, secondPassword);
      keep(signedIn.accessToken);
      keep(signedIn.refreshToken);
      const auth = { token: signedIn.accessToken };
      const enrol = await call(svc, 'POST', '/api/v1/auth/mfa/totp', auth);
      const totpSecret = keep(new URL(enrol.body.otpauthUri).searchParams.get('secret') ?? '');
      assert.ok(totpSecret.length >= 32);
      const code = TOTP.generate({ secret: Secret.fromBase32(totpSecret) });
      const confirm = await call(svc, 'POST', '/api/v1/auth/mfa/totp/confirm', { ...auth, body: { code } });
      const recoveryCodes: string[] = confirm.body.recoveryCodes;
      recoveryCodes.forEach(keep);
      const step = (
        await call(svc, 'POST', '/api/v1/auth/login', { body: { email, password: secondPassword } })
      ).body;
      keep(step.mfaToken);
      const mfa = await call(svc, 'POST', '/api/v1/auth/login/mfa', {
        body: { mfaToken: step.mfaToken, code: recoveryCodes[0] },
      });
      keep(mfa.body.accessToken);
      keep(mfa.body.refreshToken);
      const regenerated = await call(svc, 'POST', '/api/v1/auth/mfa/recovery-codes', {
        ...auth,
        body: { password: secondPassword },
      });
      (regenerated.body.recoveryCodes as string[]).forEach(keep);
      const thirdPassword = keep('Third-Password-83');
      await call(svc, 'POST', '/api/v1/auth/password/change', {
        ...auth,
        body: { currentPassword: secondPassword, newPassword: thirdPassword },
      });

      await svc.flush();
      const logs = svc.logs.text();
      const events = JSON.stringify(svc.published);
      assert.ok(
        svc.logs.lines.filter((l) => l.msg === 'request completed').length > 10,
        'request lines are logged',
      );
      assert.ok(svc.published.length >= 6);
      for (const secret of secrets) {
        assert.ok(!logs.includes(secret), `a secret appears in the logs: ${secret.slice(0, 6)}…`);
        assert.ok(!events.includes(secret), `a secret appears in an event: ${secret.slice(0, 6)}…`);
      }
      // The two link events carry their own token by design; logs never do, used or not.
      for (const token of [verifyToken, resetToken]) assert.ok(!logs.includes(token));
      const linkEvents = svc.published
        .filter((e) => e.type.endsWith('_requested'))
        .map((e) => JSON.stringify(e));
      assert.ok(linkEvents.some((e) => e.includes(resetToken)));
      const otherEvents = svc.published
        .filter((e) => !e.type.endsWith('_requested'))
        .map((e) => JSON.stringify(e));
      for (const token of [verifyToken, resetToken]) assert.ok(otherEvents.every((e) => !e.includes(token)));
    });
  });
}
