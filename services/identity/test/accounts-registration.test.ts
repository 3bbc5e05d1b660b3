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
  PASSWORD,
  uniqueEmail,
  useTestEnv,
  type Svc,
} from './support.ts';

useTestEnv({ REQUIRE_VERIFIED_EMAIL: 'true', PASSWORD_MIN_LENGTH: '10' });

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `registration and email verification (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: Svc;
      before(async () => {
        svc = await startTestService(identityService, kind);
      });
      after(async () => {
        await svc?.close();
      });

      const register = (body: unknown) => call(svc, 'POST', '/api/v1/auth/register', { body });
      const userRow = (id: string) =>
        svc.runtime.ctx.database.db
          .selectFrom('users')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();

      test('registering creates an unverified customer with an argon2id hash and a normalized email', async () => {
        const email = uniqueEmail('New.Person');
        const res = await register({ email: `  ${email.toUpperCase()} `, password: PASSWORD, name: 'Ada' });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.deepEqual(Object.keys(res.body).sort(), ['email', 'emailVerified', 'id']);
        assert.equal(res.body.email, email.toLowerCase());
        assert.equal(res.body.emailVerified, false);
        const row = await userRow(res.body.id);
        assert.match(row.password_hash, /^\$argon2id\$/);
        assert.deepEqual(row.roles, ['customer']);
        assert.equal(row.email_verified_at, null);
      });

      test('registration publishes user.registered and a verification link whose token is stored only as a hash', async () => {
        const email = uniqueEmail();
        const res = await register({ email, password: PASSWORD, name: 'Grace' });
        const [registered] = await eventsFor(svc, 'user.registered', res.body.id);
        assert.deepEqual(registered?.data, { userId: res.body.id, email, name: 'Grace' });
        const [requested] = await eventsFor(svc, 'identity.verification_requested', res.body.id);
        const data = requested?.data as { verificationUrl: string; expiresAt: string; email: string };
        assert.equal(data.email, email);
        const url = new URL(data.verificationUrl);
        assert.equal(`${url.origin}${url.pathname}`, 'http://identity.test/verify-email');
        const token = url.searchParams.get('token') ?? '';
        assert.match(token, /^[A-Za-z0-9_-]{43}$/);
        const ttl = Date.parse(data.expiresAt) - Date.now();
        assert.ok(ttl > 86_000_000 && ttl <= 86_400_000, `expiry in ${ttl} ms`);
        const stored = await svc.runtime.ctx.database.db
          .selectFrom('email_tokens')
          .selectAll()
          .where('user_id', '=', res.body.id)
          .execute();
        assert.equal(stored.length, 1);
        assert.equal(stored[0]?.purpose, 'verify_email');
        assert.notEqual(stored[0]?.token_hash, token);
        assert.match(stored[0]?.token_hash ?? '', /^[0-9a-f]{64}$/);
      });

      test('a duplicate email (in any case) is refused with 409 IDENTITY_EMAIL_TAKEN', async () => {
        const email = uniqueEmail();
        assert.equal((await register({ email, password: PASSWORD })).status, 201);
        expectProblem(
          await register({ email: email.toUpperCase(), password: PASSWORD }),
          409,
          'IDENTITY_EMAIL_TAKEN',
        );
      });

      test('weak passwords are refused with 422 and errors naming each broken rule; nothing is created', async () => {
        const email = uniqueEmail('weakling');
        const cases: Array<[string, RegExp]> = [
          ['Sh0rt!', /at least 10 characters/],
          ['alllowercase', /3 of/],
          ['lowercase123', /3 of/],
          [email, /email address/],
        ];
        for (const [password, rule] of cases) {
          const problem = expectProblem(
            await register({ email, password }),
            422,
            'IDENTITY_PASSWORD_TOO_WEAK',
          );
          assert.ok(problem.errors.length >= 1);
          assert.ok(problem.errors.every((e: { path: string }) => e.path === '/body/password'));
          assert.ok(
            problem.errors.some((e: { message: string }) => rule.test(e.message)),
            `${password}: ${JSON.stringify(problem.errors)}`,
          );
        }
        // Long passphrases need no character mix; three classes suffice below 16 characters.
        assert.equal(
          (await register({ email: uniqueEmail(), password: 'correct horse battery staple' })).status,
          201,
        );
        assert.equal((await register({ email: uniqueEmail(), password: 'Lowercase123' })).status, 201);
        const rows = await svc.runtime.ctx.database.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', email)
          .execute();
        assert.equal(rows.length, 0);
      });

      test('a malformed request is a 400 naming the fields', async () => {
        const problem = expectProblem(
          await register({ email: 'not-an-email', pw: 'x' }),
          400,
          'VALIDATION_FAILED',
        );
        const paths = problem.errors.map((e: { path: string }) => e.path).sort();
        assert.ok(paths.includes('/body/email'), JSON.stringify(paths));
        assert.ok(paths.includes('/body/password'), JSON.stringify(paths));
      });

      test('the verification link verifies once: user.verified, then the same link is 400 IDENTITY_TOKEN_INVALID', async () => {
        const email = uniqueEmail();
        const { body } = await register({ email, password: PASSWORD });
        const token = await linkToken(svc, body.id, 'identity.verification_requested');
        const ok = await call(svc, 'POST', '/api/v1/auth/verify-email', { body: { token } });
        assert.equal(ok.status, 200);
        assert.deepEqual(ok.body, { emailVerified: true });
        assert.ok((await userRow(body.id)).email_verified_at instanceof Date);
        const events = await eventsFor(svc, 'user.verified', body.id);
        assert.deepEqual(
          events.map((e) => e.data),
          [{ userId: body.id, email }],
        );
        expectProblem(
          await call(svc, 'POST', '/api/v1/auth/verify-email', { body: { token } }),
          400,
          'IDENTITY_TOKEN_INVALID',
        );
        assert.equal((await eventsFor(svc, 'user.verified', body.id)).length, 1);
      });

      test('an expired or unknown verification token is 400 IDENTITY_TOKEN_INVALID and verifies nothing', async () => {
        const { body } = await register({ email: uniqueEmail(), password: PASSWORD });
        const token = await linkToken(svc, body.id, 'identity.verification_requested');
        await svc.runtime.ctx.database.db
          .updateTable('email_tokens')
          .set({ expires_at: sql<Date>`now() - interval '1 second'` })
          .where('user_id', '=', body.id)
          .execute();
        expectProblem(
          await call(svc, 'POST', '/api/v1/auth/verify-email', { body: { token } }),
          400,
          'IDENTITY_TOKEN_INVALID',
        );
        expectProblem(
          await call(svc, 'POST', '/api/v1/auth/verify-email', { body: { token: 'A'.repeat(43) } }),
          400,
          'IDENTITY_TOKEN_INVALID',
        );
        assert.equal((await userRow(body.id)).email_verified_at, null);
      });

      test('resend answers 202 for every email but sends a new link only to unverified accounts, voiding the old one', async () => {
        const email = uniqueEmail();
        const { body } = await register({ email, password: PASSWORD });
        const first = await linkToken(svc, body.id, 'identity.verification_requested');
        const before = svc.published.length;
        const unknown = await call(svc, 'POST', '/api/v1/auth/verify-email/resend', {
          body: { email: uniqueEmail('nobody') },
        });
        assert.equal(unknown.status, 202);
        const resent = await call(svc, 'POST', '/api/v1/auth/verify-email/resend', {
          body: { email: email.toUpperCase() },
        });
        assert.equal(resent.status, 202);
        assert.deepEqual(resent.body, unknown.body);
        await svc.flush();
        assert.equal(svc.published.length, before + 1);
        const second = await linkToken(svc, body.id, 'identity.verification_requested');
        assert.notEqual(second, first);
        expectProblem(
          await call(svc, 'POST', '/api/v1/auth/verify-email', { body: { token: first } }),
          400,
          'IDENTITY_TOKEN_INVALID',
        );
        assert.equal(
          (await call(svc, 'POST', '/api/v1/auth/verify-email', { body: { token: second } })).status,
          200,
        );
        assert.equal(
          (await call(svc, 'POST', '/api/v1/auth/verify-email/resend', { body: { email } })).status,
          202,
        );
        assert.equal((await eventsFor(svc, 'identity.verification_requested', body.id)).length, 2);
      });

      test('an unverified account cannot sign in: 403 IDENTITY_EMAIL_NOT_VERIFIED, but only after a correct password', async () => {
        const email = uniqueEmail();
        await register({ email, password: PASSWORD });
        const login = (password: string) =>
          call(svc, 'POST', '/api/v1/auth/login', { body: { email, password } });
        expectProblem(await login('Wrong-Password-1'), 401, 'IDENTITY_INVALID_CREDENTIALS');
        expectProblem(await login(PASSWORD), 403, 'IDENTITY_EMAIL_NOT_VERIFIED');
      });
    },
  );
}
