import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from '@mercato/platform/db';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { identityService } from '../src/service.ts';
import { ensureBootstrapAdmin } from '../src/users/bootstrap-admin.ts';
import { call, login, useTestEnv, type Svc } from './support.ts';

useTestEnv({ REQUIRE_VERIFIED_EMAIL: 'true' });

after(closeTestPglite);

const BOOTSTRAP_PASSWORD = 'Operator-Chosen-Pass-1';

/** Starts identity with extra env read at build time only (identityConfig is read once per instance). */
async function startWith(
  kind: 'pglite' | 'pg',
  mode: 'embedded' | 'distributed',
  env: Record<string, string>,
) {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await startTestService(identityService, kind, { mode });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const admins = (svc: Svc) =>
  svc.runtime.ctx.database.db
    .selectFrom('users')
    .selectAll()
    .where(sql<boolean>`'admin' = any(roles)`)
    .execute();

for (const kind of ['pglite', 'pg'] as const) {
  describe(`first admin bootstrap (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    test('embedded: admin@mercato.local with a one-time password printed once (never logged); later runs do nothing', async () => {
      const svc = await startWith(kind, 'embedded', {});
      try {
        const printed: string[] = [];
        const identity = svc.runtime.parts;
        assert.equal(await ensureBootstrapAdmin(identity, (t) => printed.push(t)), 'created');
        assert.equal(printed.length, 1);
        const password = /password: (\S+)/.exec(printed[0] ?? '')?.[1] ?? '';
        assert.ok(password.length >= 16);
        assert.match(printed[0] ?? '', /admin@mercato\.local/);
        assert.match(printed[0] ?? '', /change this password/);
        const tokens = await login(svc, 'admin@mercato.local', password);
        const me = await call(svc, 'GET', '/api/v1/auth/me', { token: tokens.accessToken });
        assert.deepEqual(me.body.roles, ['admin']);
        assert.equal(me.body.emailVerified, true);

        assert.equal(await ensureBootstrapAdmin(identity, (t) => printed.push(t)), 'admin_exists');
        await svc.runtime.seed();
        assert.equal(printed.length, 1);
        assert.equal((await admins(svc)).length, 1);
        await svc.flush();
        assert.ok(!svc.logs.text().includes(password));
        assert.ok(!JSON.stringify(svc.published).includes(password));
      } finally {
        await svc.close();
      }
    });

    test('an existing non-admin account with the bootstrap email is never promoted', async () => {
      const svc = await startWith(kind, 'embedded', {});
      try {
        await call(svc, 'POST', '/api/v1/auth/register', {
          body: { email: 'admin@mercato.local', password: 'Squatter-Pass-99' },
        });
        const printed: string[] = [];
        assert.equal(await ensureBootstrapAdmin(svc.runtime.parts, (t) => printed.push(t)), 'refused');
        assert.equal(printed.length, 0);
        assert.equal((await admins(svc)).length, 0);
        assert.ok(
          svc.logs.lines.some((l) => l.level === 'error' && String(l.msg).includes('bootstrap admin')),
        );
      } finally {
        await svc.close();
      }
    });

    test('distributed: the first admin comes from BOOTSTRAP_ADMIN_EMAIL/PASSWORD when the service starts', async () => {
      const svc = await startWith(kind, 'distributed', {
        BOOTSTRAP_ADMIN_EMAIL: 'Ops@Example.test',
        BOOTSTRAP_ADMIN_PASSWORD: BOOTSTRAP_PASSWORD,
      });
      try {
        const rows = await admins(svc);
        assert.equal(rows.length, 1);
        assert.equal(rows[0]?.email, 'ops@example.test');
        await login(svc, 'ops@example.test', BOOTSTRAP_PASSWORD);
        assert.ok(!svc.logs.text().includes(BOOTSTRAP_PASSWORD));
      } finally {
        await svc.close();
      }
    });

    test('embedded with the variables: that admin is created at start, even without the seed', async () => {
      const svc = await startWith(kind, 'embedded', {
        BOOTSTRAP_ADMIN_EMAIL: 'embedded-ops@example.test',
        BOOTSTRAP_ADMIN_PASSWORD: BOOTSTRAP_PASSWORD,
      });
      try {
        assert.deepEqual(
          (await admins(svc)).map((r) => r.email),
          ['embedded-ops@example.test'],
        );
      } finally {
        await svc.close();
      }
    });

    test('distributed without the variables: no admin is invented, a warning is logged', async () => {
      const svc = await startWith(kind, 'distributed', {});
      try {
        assert.equal((await admins(svc)).length, 0);
        assert.ok(
          svc.logs.lines.some((l) => l.level === 'warn' && String(l.msg).includes('BOOTSTRAP_ADMIN_EMAIL')),
          'a warning names the variables',
        );
      } finally {
        await svc.close();
      }
    });
  });
}
