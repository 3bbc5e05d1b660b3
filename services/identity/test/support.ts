import assert from 'node:assert/strict';
import {
  eventsFor,
  injectJson,
  type Body,
  type Method,
  type Reply,
  type TestService,
} from '@mercato/testing';
import type { IdentityDB } from '../src/db.ts';
import type { IdentityContext } from '../src/identity-context.ts';

export { eventsFor, expectProblem, type Body, type Reply } from '@mercato/testing';

/**
 * Settings every identity test file wants, set before the service is built (identityConfig
 * reads process.env once per service instance): cheap argon2, a short lock.
 */
export function useTestEnv(extra: Record<string, string> = {}): void {
  Object.assign(process.env, {
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    IDENTITY_ISSUER: 'http://identity.test',
    ...extra,
  });
}

export type Svc = TestService<IdentityDB, IdentityContext>;

/** One request through app.inject, JSON in and out; `token` becomes a bearer header. */
export async function call(
  svc: Svc,
  method: Method,
  url: string,
  opts: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  return injectJson(svc, method, url, { body: opts.body, headers });
}

let counter = 0;
/** An email no other test of the run uses. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${Date.now().toString(36)}${counter}@example.test`;
}

export const PASSWORD = 'Correct-Horse-7';

/** The token of the newest link event (verification or reset) sent to a user. */
export async function linkToken(
  svc: Svc,
  userId: string,
  type: 'identity.verification_requested' | 'identity.password_reset_requested',
): Promise<string> {
  const events = await eventsFor(svc, type, userId);
  const data = events.at(-1)?.data as { verificationUrl?: string; resetUrl?: string } | undefined;
  const url = data?.verificationUrl ?? data?.resetUrl;
  assert.ok(url, `no ${type} event for ${userId}`);
  const token = new URL(url).searchParams.get('token');
  assert.ok(token);
  return token;
}

/** Registers and verifies an account (the real flow: the token comes from the event). */
export async function registerVerified(
  svc: Svc,
  opts: { email?: string; password?: string } = {},
): Promise<{ id: string; email: string; password: string }> {
  const email = opts.email ?? uniqueEmail();
  const password = opts.password ?? PASSWORD;
  const res = await call(svc, 'POST', '/api/v1/auth/register', { body: { email, password } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const token = await linkToken(svc, res.body.id, 'identity.verification_requested');
  const verified = await call(svc, 'POST', '/api/v1/auth/verify-email', { body: { token } });
  assert.equal(verified.status, 200, JSON.stringify(verified.body));
  return { id: res.body.id, email, password };
}

/** Signs in and returns the token set (fails the test on anything else). */
export async function login(svc: Svc, email: string, password: string): Promise<Body> {
  const res = await call(svc, 'POST', '/api/v1/auth/login', { body: { email, password } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.ok(res.body.accessToken, JSON.stringify(res.body));
  return res.body;
}

/** Sets a user's roles directly in the database (test setup for admins and support staff). */
export async function setRoles(svc: Svc, userId: string, roles: string[]): Promise<void> {
  await svc.runtime.ctx.database.db.updateTable('users').set({ roles }).where('id', '=', userId).execute();
}

/** A verified user with the given roles, signed in. */
export async function signedIn(
  svc: Svc,
  roles: string[] = ['customer'],
): Promise<{ id: string; email: string; password: string; tokens: Body }> {
  const user = await registerVerified(svc, { email: uniqueEmail(roles[0] ?? 'user') });
  if (roles.join() !== 'customer') await setRoles(svc, user.id, roles);
  return { ...user, tokens: await login(svc, user.email, user.password) };
}
