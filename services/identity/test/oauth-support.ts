import assert from 'node:assert/strict';
import { PERMISSIONS } from '@mercato/platform/auth';
import { newId } from '@mercato/platform/ids';
import { call, type Body, type Reply, type Svc } from './support.ts';

/** A form POST through app.inject (the token and revocation endpoints' own encoding). */
export async function postForm(
  svc: Svc,
  url: string,
  params: Record<string, string>,
  opts: { basic?: [string, string]; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    ...opts.headers,
  };
  if (opts.basic) {
    // RFC 6749 §2.3.1: each part form-encoded, then joined and base64-encoded.
    const [id, secret] = opts.basic.map((s) => encodeURIComponent(s));
    headers.authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  }
  const res = await svc.runtime.app.inject({
    method: 'POST',
    url,
    headers,
    payload: new URLSearchParams(params).toString(),
  });
  let body: Body;
  try {
    body = res.body ? res.json() : undefined;
  } catch {
    body = res.body;
  }
  return { status: res.statusCode, headers: res.headers, body };
}

/** `POST /api/v1/oauth/token` with form parameters. */
export function tokenRequest(svc: Svc, params: Record<string, string>, basic?: [string, string]) {
  return postForm(svc, '/api/v1/oauth/token', params, basic ? { basic } : {});
}

/** Asserts an OAuth error answer (RFC 6749 §5.2): status, `error`, no caching. */
export function expectOAuthError(reply: Reply, status: number, error: string): Body {
  assert.equal(
    reply.status,
    status,
    `expected ${status} ${error}, got ${reply.status}: ${JSON.stringify(reply.body)}`,
  );
  assert.match(String(reply.headers['content-type']), /^application\/json/);
  assert.equal(reply.body.error, error);
  assert.equal(typeof reply.body.error_description, 'string');
  assert.equal(reply.headers['cache-control'], 'no-store');
  return reply.body;
}

/**
 * An admin access token signed by this identity instance itself (identity verifies its own
 * keys, not the test authority's). The subject need not be a users row for the admin APIs.
 */
export async function adminToken(svc: Svc, subject = newId()): Promise<string> {
  const signed = await svc.runtime.parts.tokens.signAccess({
    subject,
    kind: 'user',
    roles: ['admin'],
    permissions: [...PERMISSIONS],
    scope: '',
    tier: 'authenticated',
  });
  return signed.token;
}

/** Registers a service client through the admin API; returns the answer (with its one-time secret). */
export async function createClient(
  svc: Svc,
  admin: string,
  body: { clientId: string; name?: string; scopes: string[]; grantTypes?: string[] },
): Promise<{ clientId: string; clientSecret: string } & Body> {
  const res = await call(svc, 'POST', '/api/v1/oauth/clients', {
    token: admin,
    body: { name: `${body.clientId} client`, ...body },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

let n = 0;
/** A client id no other test of the run uses. */
export function uniqueClientId(prefix = 'svc'): string {
  n += 1;
  return `${prefix}-${Date.now().toString(36)}-${n}`;
}
