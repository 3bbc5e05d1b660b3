import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { Secret, TOTP } from 'otpauth';
import { identityService } from '../src/service.ts';
import { call, eventsFor, expectProblem, signedIn, useTestEnv, type Body, type Svc } from './support.ts';

useTestEnv({ REQUIRE_VERIFIED_EMAIL: 'true', LOCKOUT_THRESHOLD: '4' });

after(closeTestPglite);

/** The TOTP code of a secret at a moment (default now). */
function codeAt(secret: string, timestamp = Date.now()): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp });
}

/** A code for a time step no other code of the test used yet (one step ahead, within the ±1 window). */
const nextStepCode = (secret: string) => codeAt(secret, Date.now() + 30_000);

/** A code that is not valid now (five steps away). */
function wrongCode(secret: string): string {
  const valid = new Set([-30_000, 0, 30_000].map((d) => codeAt(secret, Date.now() + d)));
  let code = codeAt(secret, Date.now() + 150_000);
  while (valid.has(code)) code = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  return code;
}

for (const kind of ['pglite', 'pg'] as const) {
  describe(`two-factor sign-in with TOTP (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    before(async () => {
      svc = await startTestService(identityService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    const loginStep = (email: string, password: string) =>
      call(svc, 'POST', '/api/v1/auth/login', { body: { email, password } });
    const mfaStep = (mfaToken: string, code: string) =>
      call(svc, 'POST', '/api/v1/auth/login/mfa', { body: { mfaToken, code } });

    async function enrolled(): Promise<{
      user: Body;
      secret: string;
      recoveryCodes: string[];
      usedCode: string;
    }> {
      const user = await signedIn(svc);
      const start = await call(svc, 'POST', '/api/v1/auth/mfa/totp', { token: user.tokens.accessToken });
      assert.equal(start.status, 200, JSON.stringify(start.body));
      const secret = new URL(start.body.otpauthUri).searchParams.get('secret') ?? '';
      const usedCode = codeAt(secret);
      const confirm = await call(svc, 'POST', '/api/v1/auth/mfa/totp/confirm', {
        token: user.tokens.accessToken,
        body: { code: usedCode },
      });
      assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
      return { user, secret, recoveryCodes: confirm.body.recoveryCodes, usedCode };
    }

    test('enrolment returns an otpauth URI and an SVG QR code; MFA stays off until confirmed', async () => {
      const user = await signedIn(svc);
      const res = await call(svc, 'POST', '/api/v1/auth/mfa/totp', { token: user.tokens.accessToken });
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body).sort(), ['otpauthUri', 'qrSvg']);
      const uri = new URL(res.body.otpauthUri);
      assert.equal(uri.protocol, 'otpauth:');
      assert.equal(uri.searchParams.get('issuer'), 'Mercato');
      assert.equal(uri.searchParams.get('digits'), '6');
      assert.equal(uri.searchParams.get('period'), '30');
      assert.ok(decodeURIComponent(uri.pathname).includes(user.email));
      assert.match(res.body.qrSvg, /^<svg/);
      const row = await svc.runtime.ctx.database.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.mfa_secret, uri.searchParams.get('secret'));
      assert.equal(row.mfa_enabled_at, null);
      const me = await call(svc, 'GET', '/api/v1/auth/me', { token: user.tokens.accessToken });
      assert.equal(me.body.mfaEnabled, false);
      assert.ok((await loginStep(user.email, user.password)).body.accessToken);
    });

    test('confirming needs a pending enrolment and a right code; then MFA is on with 10 hashed recovery codes and user.mfa_enabled', async () => {
      const user = await signedIn(svc);
      const confirm = (code: string) =>
        call(svc, 'POST', '/api/v1/auth/mfa/totp/confirm', {
          token: user.tokens.accessToken,
          body: { code },
        });
      expectProblem(await confirm('123456'), 409, 'IDENTITY_MFA_NOT_ENROLLED');
      const start = await call(svc, 'POST', '/api/v1/auth/mfa/totp', { token: user.tokens.accessToken });
      const secret = new URL(start.body.otpauthUri).searchParams.get('secret') ?? '';
      expectProblem(await confirm(wrongCode(secret)), 401, 'IDENTITY_MFA_CODE_INVALID');
      const ok = await confirm(codeAt(secret));
      assert.equal(ok.status, 200);
      assert.equal(ok.body.recoveryCodes.length, 10);
      assert.equal(new Set(ok.body.recoveryCodes).size, 10);
      for (const code of ok.body.recoveryCodes) assert.match(code, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
      const stored = await svc.runtime.ctx.database.db
        .selectFrom('mfa_recovery_codes')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute();
      assert.equal(stored.length, 10);
      for (const row of stored) assert.ok(!ok.body.recoveryCodes.includes(row.code_hash));
      const events = await eventsFor(svc, 'user.mfa_enabled', user.id);
      assert.deepEqual(
        events.map((e) => e.data),
        [{ userId: user.id, method: 'totp' }],
      );
      assert.equal(
        (await call(svc, 'GET', '/api/v1/auth/me', { token: user.tokens.accessToken })).body.mfaEnabled,
        true,
      );
      expectProblem(await confirm(nextStepCode(secret)), 409, 'IDENTITY_MFA_ALREADY_ENABLED');
      expectProblem(
        await call(svc, 'POST', '/api/v1/auth/mfa/totp', { token: user.tokens.accessToken }),
        409,
        'IDENTITY_MFA_ALREADY_ENABLED',
      );
    });

    test('with MFA on, login asks for a code; a wrong or replayed TOTP code is 401, a fresh one yields tokens', async () => {
      const { user, secret, usedCode } = await enrolled();
      const first = await loginStep(user.email, user.password);
      assert.equal(first.status, 200);
      assert.deepEqual(Object.keys(first.body).sort(), ['mfaRequired', 'mfaToken']);
      assert.equal(first.body.mfaRequired, true);
      const { mfaToken } = first.body;
      expectProblem(await mfaStep(mfaToken, wrongCode(secret)), 401, 'IDENTITY_MFA_CODE_INVALID');
      expectProblem(await mfaStep(mfaToken, usedCode), 401, 'IDENTITY_MFA_CODE_INVALID');
      const ok = await mfaStep(mfaToken, nextStepCode(secret));
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.tokenType, 'Bearer');
      assert.equal((await call(svc, 'GET', '/api/v1/auth/me', { token: ok.body.accessToken })).status, 200);
    });

    test('a recovery code signs in once; replaying it is 401', async () => {
      const { user, recoveryCodes } = await enrolled();
      const code = recoveryCodes[3] ?? '';
      const { mfaToken } = (await loginStep(user.email, user.password)).body;
      const ok = await mfaStep(mfaToken, code.toUpperCase());
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const again = (await loginStep(user.email, user.password)).body.mfaToken;
      expectProblem(await mfaStep(again, code), 401, 'IDENTITY_MFA_CODE_INVALID');
      assert.equal((await mfaStep(again, recoveryCodes[4] ?? '')).status, 200);
    });

    test('the MFA token only opens the second step: not a bearer token, and forged or access tokens are refused', async () => {
      const { user, recoveryCodes } = await enrolled();
      const { mfaToken } = (await loginStep(user.email, user.password)).body;
      const asBearer = await call(svc, 'GET', '/api/v1/auth/me', { token: mfaToken });
      expectProblem(asBearer, 401, 'UNAUTHORIZED');
      expectProblem(
        await mfaStep(user.tokens.accessToken, recoveryCodes[0] ?? ''),
        401,
        'IDENTITY_MFA_TOKEN_INVALID',
      );
      expectProblem(await mfaStep('not.a.jwt', recoveryCodes[0] ?? ''), 401, 'IDENTITY_MFA_TOKEN_INVALID');
    });

    test('wrong codes count towards the lockout like wrong passwords', async () => {
      const { user, secret, recoveryCodes } = await enrolled();
      const { mfaToken } = (await loginStep(user.email, user.password)).body;
      for (let i = 0; i < 3; i++)
        expectProblem(await mfaStep(mfaToken, wrongCode(secret)), 401, 'IDENTITY_MFA_CODE_INVALID');
      const locked = await mfaStep(mfaToken, wrongCode(secret));
      expectProblem(locked, 423, 'IDENTITY_ACCOUNT_LOCKED');
      assert.ok(Number(locked.headers['retry-after']) > 0);
      expectProblem(await mfaStep(mfaToken, recoveryCodes[0] ?? ''), 423, 'IDENTITY_ACCOUNT_LOCKED');
    });

    test('new recovery codes need the password and replace the old set', async () => {
      const { user, recoveryCodes } = await enrolled();
      const regenerate = (password: string) =>
        call(svc, 'POST', '/api/v1/auth/mfa/recovery-codes', {
          token: user.tokens.accessToken,
          body: { password },
        });
      expectProblem(await regenerate('Wrong-Password-1'), 401, 'IDENTITY_INVALID_CREDENTIALS');
      const res = await regenerate(user.password);
      assert.equal(res.status, 200);
      assert.equal(res.body.recoveryCodes.length, 10);
      const { mfaToken } = (await loginStep(user.email, user.password)).body;
      expectProblem(await mfaStep(mfaToken, recoveryCodes[0] ?? ''), 401, 'IDENTITY_MFA_CODE_INVALID');
      assert.equal((await mfaStep(mfaToken, res.body.recoveryCodes[0])).status, 200);
    });

    test('disabling MFA needs the password; afterwards login gives tokens directly and user.mfa_disabled is published', async () => {
      const { user } = await enrolled();
      const disable = (password: string) =>
        call(svc, 'POST', '/api/v1/auth/mfa/disable', { token: user.tokens.accessToken, body: { password } });
      expectProblem(await disable('Wrong-Password-1'), 401, 'IDENTITY_INVALID_CREDENTIALS');
      assert.equal((await disable(user.password)).status, 204);
      const login = await loginStep(user.email, user.password);
      assert.ok(login.body.accessToken, JSON.stringify(login.body));
      const events = await eventsFor(svc, 'user.mfa_disabled', user.id);
      assert.equal(events.length, 1);
      const codes = await svc.runtime.ctx.database.db
        .selectFrom('mfa_recovery_codes')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute();
      assert.equal(codes.length, 0);
      expectProblem(await disable(user.password), 409, 'IDENTITY_MFA_NOT_ENABLED');
    });

    test('MFA routes need a signed-in user: 401 with WWW-Authenticate without a token', async () => {
      const res = await call(svc, 'POST', '/api/v1/auth/mfa/totp');
      expectProblem(res, 401, 'UNAUTHORIZED');
      assert.match(String(res.headers['www-authenticate']), /^Bearer/);
    });
  });
}
