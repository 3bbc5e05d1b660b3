import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { identityService } from '../src/service.ts';
import {
  call,
  eventsFor,
  expectProblem,
  PASSWORD,
  signedIn,
  uniqueEmail,
  useTestEnv,
  type Reply,
  type Svc,
} from './support.ts';

useTestEnv();

after(closeTestPglite);

// JSON.stringify writes an unpaired surrogate as a `\ud800` escape, as a client would send it.
const LONE_HIGH = '\ud800';
const LONE_LOW = '\udc00';
const RLO = '\u202e'; // RIGHT-TO-LEFT OVERRIDE: "gpj.exe" shows as "exe.jpg"
const RLI = '\u2067'; // RIGHT-TO-LEFT ISOLATE
const ZWSP = '\u200b';

function expectFieldRefused(reply: Reply, path: string): void {
  const body = expectProblem(reply, 400, 'VALIDATION_FAILED');
  const paths = (body.errors as { path: string }[]).map((e) => e.path);
  assert.ok(paths.includes(path), `errors name ${path}: ${JSON.stringify(body.errors)}`);
}

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `unpaired surrogates and bidi controls in emails and names (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: Svc;
      let admin: Awaited<ReturnType<typeof signedIn>>;
      before(async () => {
        svc = await startTestService(identityService, kind);
        admin = await signedIn(svc, ['admin']);
      });
      after(async () => {
        await svc?.close();
      });

      const userCount = async () =>
        Number(
          (
            await svc.runtime.ctx.database.db
              .selectFrom('users')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );

      test('an email with an unpaired surrogate, a bidi override, a zero-width space or a NUL is 400 naming /body/email on every route taking one; nothing is stored or published', async () => {
        const users = await userCount();
        await svc.flush();
        const published = svc.published.length;
        for (const bad of [
          `a${LONE_HIGH}b@example.test`,
          `a${LONE_LOW}@example.test`,
          `user@exa${RLO}mple.test`,
          `us${ZWSP}er@example.test`,
          `user\u0000@example.test`,
        ]) {
          const body = { email: bad, password: PASSWORD };
          expectFieldRefused(await call(svc, 'POST', '/api/v1/auth/register', { body }), '/body/email');
          expectFieldRefused(await call(svc, 'POST', '/api/v1/auth/login', { body }), '/body/email');
          expectFieldRefused(
            await call(svc, 'POST', '/api/v1/auth/verify-email/resend', { body: { email: bad } }),
            '/body/email',
          );
          expectFieldRefused(
            await call(svc, 'POST', '/api/v1/auth/password/forgot', { body: { email: bad } }),
            '/body/email',
          );
        }
        assert.equal(await userCount(), users);
        await svc.flush();
        assert.equal(svc.published.length, published, 'no event was published');
      });

      test('a display name with an unpaired surrogate, a control character or a bidi override or isolate is 400 naming /body/name; no account is made', async () => {
        const users = await userCount();
        for (const name of [
          `Ada${LONE_HIGH}`,
          `${LONE_LOW}Ada`,
          `Ada\nLovelace`,
          `Ada ${RLO}ecalevol`,
          `${RLI}Ada`,
        ]) {
          const res = await call(svc, 'POST', '/api/v1/auth/register', {
            body: { email: uniqueEmail(), password: PASSWORD, name },
          });
          expectFieldRefused(res, '/body/name');
        }
        assert.equal(await userCount(), users);
      });

      test('names in any script, with emoji sequences and directional marks, are kept exactly as given', async () => {
        for (const name of ['José Ñúñez', 'مريم\u200f العلي', '李小龍', 'Ada 👩🏽‍💻']) {
          const res = await call(svc, 'POST', '/api/v1/auth/register', {
            body: { email: uniqueEmail(), password: PASSWORD, name },
          });
          assert.equal(res.status, 201, JSON.stringify(res.body));
          const [registered] = await eventsFor(svc, 'user.registered', res.body.id);
          assert.equal((registered?.data as { name?: string }).name, name);
        }
      });

      test('API key and OAuth client names are refused the same way, and nothing is created', async () => {
        const token = admin.tokens.accessToken;
        for (const name of [`key${LONE_HIGH}`, `key${RLO}`]) {
          expectFieldRefused(
            await call(svc, 'POST', '/api/v1/api-keys', { token, body: { name, permissions: [] } }),
            '/body/name',
          );
          expectFieldRefused(
            await call(svc, 'POST', '/api/v1/oauth/clients', {
              token,
              body: { clientId: `client-${Date.now()}`, name, scopes: [] },
            }),
            '/body/name',
          );
        }
        const keys = await call(svc, 'GET', '/api/v1/api-keys', { token });
        assert.equal(keys.body.totalCount, 0);
        const clients = await call(svc, 'GET', '/api/v1/oauth/clients', { token });
        assert.equal(clients.body.totalCount, 0);
      });

      // A URL cannot carry an unpaired surrogate (its bytes are not UTF-8 and decode to U+FFFD).
      test('the admin user search refuses a bidi override or a NUL with 400 naming /querystring/search', async () => {
        const token = admin.tokens.accessToken;
        for (const search of [encodeURIComponent(RLO), '%00']) {
          expectFieldRefused(
            await call(svc, 'GET', `/api/v1/users?search=${search}`, { token }),
            '/querystring/search',
          );
        }
        const ok = await call(svc, 'GET', '/api/v1/users?search=example.test', { token });
        assert.equal(ok.status, 200);
      });
    },
  );
}
