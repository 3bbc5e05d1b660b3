import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { EventEnvelope } from '@mercato/contracts';
import { identityService } from '@mercato/identity';
import { createMemoryCache } from '@mercato/platform/cache';
import { createDatabase, ensurePgDatabase, sql } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import { createLogger } from '@mercato/platform/logging';
import { createMemoryBus } from '@mercato/platform/messaging';
import { infra, needs, waitFor } from '@mercato/testing';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

// Identity's settings for this file: cheap argon2, a lock after 2 failures, no verification step.
const ENV = {
  ARGON2_MEMORY_KIB: '1024',
  ARGON2_TIME_COST: '1',
  LOCKOUT_THRESHOLD: '2',
  LOCKOUT_DURATION_SECONDS: '3600',
  REQUIRE_VERIFIED_EMAIL: 'false',
  IDENTITY_ISSUER: 'http://reset-password.test',
};

/** Runs `mercato reset-password` against a database; resolves with its exit code and output. */
function runCli(
  args: string[],
  env: Record<string, string>,
  stdin: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'reset-password', ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('mercato reset-password (distributed mode, PostgreSQL)', await needs('postgres'), () => {
  const dbUrl = (() => {
    const u = new URL(infra.postgresUrl);
    u.pathname = `/mercato_resetpw_${newId().replaceAll('-', '').slice(-12)}`;
    return u.toString();
  })();
  const cliEnv = { ...ENV, MERCATO_MODE: 'distributed', IDENTITY_DATABASE_URL: dbUrl };
  const published: EventEnvelope[] = [];
  let runtime: Awaited<ReturnType<typeof identityService.build>>;
  let closeBus: () => Promise<void>;

  before(async () => {
    Object.assign(process.env, ENV);
    await ensurePgDatabase(dbUrl);
    const bus = createMemoryBus();
    await bus.listen({
      name: 'reset-test',
      types: ['user.password_changed'],
      handler: async (e) => void published.push(e),
    });
    closeBus = () => bus.close();
    // The running identity: its relay publishes what the command leaves in the outbox.
    runtime = await identityService.build({
      database: { kind: 'pg', url: dbUrl },
      bus,
      cache: createMemoryCache(),
      logger: createLogger({ service: 'identity', level: 'silent' }),
      relay: { pollMs: 50 },
    });
    await runtime.start();
  });
  after(async () => {
    await runtime?.close();
    await closeBus?.();
    // A database of its own per run, dropped after (the launcher would otherwise find it).
    const admin = createDatabase({ kind: 'pg', url: infra.postgresUrl }, 'public');
    try {
      await sql`drop database if exists ${sql.id(new URL(dbUrl).pathname.slice(1))} with (force)`.execute(
        admin.db,
      );
    } finally {
      await admin.close();
    }
  });

  const call = async (url: string, body: unknown) => {
    const res = await runtime.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    return { status: res.statusCode, body: res.json<Record<string, string>>() };
  };
  const login = (email: string, password: string) => call('/api/v1/auth/login', { email, password });

  test('a locked account gets a new password: old one refused, lock lifted, sessions revoked, user.password_changed published', async () => {
    const email = `locked.${Date.now().toString(36)}@example.test`;
    const oldPassword = 'Old-Password-42';
    assert.equal((await call('/api/v1/auth/register', { email, password: oldPassword })).status, 201);
    const session = await login(email, oldPassword);
    assert.equal(session.status, 200, JSON.stringify(session.body));
    assert.equal((await login(email, 'Wrong-Password-1')).status, 401);
    assert.equal((await login(email, 'Wrong-Password-2')).status, 423);
    assert.equal((await login(email, oldPassword)).status, 423, 'locked even for the right password');

    const newPassword = 'Fresh-Password-77';
    const run = await runCli([email.toUpperCase()], cliEnv, `${newPassword}\n`);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /reset/);
    assert.ok(!run.stdout.includes(newPassword), 'a typed password is not echoed');

    const signedIn = await login(email, newPassword);
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    assert.equal((await login(email, oldPassword)).status, 401);
    const refreshed = await call('/api/v1/auth/refresh', { refreshToken: session.body.refreshToken });
    assert.equal(refreshed.status, 401, 'the session from before the reset is signed out');

    const schema = runtime.ctx.database.schema;
    const user = await sql<{
      id: string;
    }>`select id from ${sql.id(schema, 'users')} where email = ${email}`.execute(runtime.ctx.database.db);
    const userId = user.rows[0]?.id;
    await waitFor(() => published.some((e) => e.subject === userId), 10_000, 'user.password_changed');
    const event = published.find((e) => e.subject === userId);
    assert.deepEqual(event?.data, { userId, email, reason: 'reset' });
    const audit = await sql<{
      detail: { by: string };
    }>`select detail from ${sql.id(schema, 'security_events')}
      where user_id = ${userId} and type = 'password_reset'`.execute(runtime.ctx.database.db);
    assert.equal(audit.rows[0]?.detail.by, 'operator');
  });

  test('--generate prints a generated password once, and it signs in', async () => {
    const email = `gen.${Date.now().toString(36)}@example.test`;
    assert.equal((await call('/api/v1/auth/register', { email, password: 'Old-Password-42' })).status, 201);
    const run = await runCli([email, '--generate'], cliEnv, '');
    assert.equal(run.code, 0, run.stderr);
    const generated = /new password \(shown once\): (\S+)/.exec(run.stdout)?.[1];
    assert.ok(generated && generated.length >= 16, run.stdout);
    assert.equal((await login(email, generated)).status, 200);
  });

  test('an unknown email or a weak password changes nothing and exits non-zero, saying why', async () => {
    const unknown = await runCli(['nobody@example.test'], cliEnv, 'Fresh-Password-77\n');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no account with the email nobody@example\.test/);

    const email = `weak.${Date.now().toString(36)}@example.test`;
    assert.equal((await call('/api/v1/auth/register', { email, password: 'Old-Password-42' })).status, 201);
    const weak = await runCli([email], cliEnv, 'short\n');
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /password rules/);
    assert.match(weak.stderr, /at least \d+ characters/);
    assert.equal((await login(email, 'Old-Password-42')).status, 200, 'the old password still works');
  });
});
