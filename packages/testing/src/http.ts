import type { EventEnvelope } from '@mercato/contracts';
import assert from 'node:assert/strict';
import { testAuth, type MintOptions } from './auth.ts';
import type { TestService } from './services.ts';

// Response bodies are read field by field and checked with assertions; typing each shape
// here would repeat the route schemas, so tests read them as any.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = any;

/** An answer as tests read it. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Body;
}

/** HTTP methods the component tests use. */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request through app.inject, JSON in and out (no network). */
export async function injectJson<DB>(
  svc: TestService<DB>,
  method: Method,
  url: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await svc.runtime.app.inject({
    method,
    url,
    headers,
    ...(opts.body === undefined ? {} : { payload: JSON.stringify(opts.body) }),
  });
  return { status: res.statusCode, headers: res.headers, body: res.body ? res.json() : undefined };
}

/** Asserts a problem+json answer with the given status and code; returns its body. */
export function expectProblem(reply: Reply, status: number, code: string): Body {
  assert.equal(
    reply.status,
    status,
    `expected ${status} ${code}, got ${reply.status}: ${JSON.stringify(reply.body)}`,
  );
  assert.match(String(reply.headers['content-type']), /^application\/problem\+json/);
  assert.equal(reply.body.code, code);
  assert.equal(reply.body.status, status);
  return reply.body;
}

/** Events of a type for one subject, after publishing what the outbox holds, in order. */
export async function eventsFor<DB>(
  svc: TestService<DB>,
  type: string,
  subject: string,
): Promise<EventEnvelope[]> {
  await svc.flush();
  return svc.published.filter((e) => e.type === type && e.subject === subject);
}

/** The admin component tests act as: one subject, so idempotent replays share their scope. */
export const TEST_ADMIN: MintOptions = { subject: '0190a000-0000-7000-8000-00000000ad01', roles: ['admin'] };

/**
 * A JSON request as a given caller: writes go as TEST_ADMIN (a real token from the test
 * authority) unless `as` says otherwise — `'anonymous'` sends no token, or a token of its
 * own (e.g. `{ roles: ['customer'] }`); reads are anonymous unless `as` is given.
 */
export async function callAs<DB>(
  svc: TestService<DB>,
  method: Method,
  url: string,
  opts: { body?: unknown; headers?: Record<string, string>; as?: MintOptions | 'anonymous' } = {},
): Promise<Reply> {
  const as = opts.as ?? (method === 'GET' ? 'anonymous' : TEST_ADMIN);
  const auth = as === 'anonymous' ? {} : await (await testAuth()).headers(as);
  return injectJson(svc, method, url, { body: opts.body, headers: { ...auth, ...opts.headers } });
}
