import assert from 'node:assert/strict';
import { testAuth, type MintOptions, type TestService } from '@mercato/testing';
import type { CatalogDB } from '../src/db.ts';

// Response bodies are read field by field and checked with assertions; typing each shape
// here would repeat the route schemas, so tests read them as any.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = any;

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Body;
}

/** The admin the tests act as: one subject, so idempotent replays share their scope. */
export const ADMIN: MintOptions = { subject: '0190a000-0000-7000-8000-00000000ad01', roles: ['admin'] };

/**
 * One request through app.inject, JSON in and out. Writes are sent as ADMIN (a real token
 * from the test authority) unless `as` says otherwise: `'anonymous'` sends no token, or a
 * token of its own (e.g. `{ roles: ['customer'] }`). Reads are anonymous unless `as` is given.
 */
export async function call(
  svc: TestService<CatalogDB>,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  opts: { body?: unknown; headers?: Record<string, string>; as?: MintOptions | 'anonymous' } = {},
): Promise<Reply> {
  const as = opts.as ?? (method === 'GET' ? 'anonymous' : ADMIN);
  const auth = as === 'anonymous' ? {} : await (await testAuth()).headers(as);
  const res = await svc.runtime.app.inject({
    method,
    url,
    headers: { ...auth, ...opts.headers },
    ...(opts.body === undefined
      ? {}
      : {
          payload: JSON.stringify(opts.body),
          headers: { 'content-type': 'application/json', ...auth, ...opts.headers },
        }),
  });
  return { status: res.statusCode, headers: res.headers, body: res.body ? res.json() : undefined };
}

/** Events published for one subject (after flush), in order. */
export async function eventsFor(svc: TestService<CatalogDB>, type: string, subject: string) {
  await svc.flush();
  return svc.published.filter((e) => e.type === type && e.subject === subject);
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

/** A product create body with a default variant; `over` replaces fields. */
export function productBody(handle: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    handle,
    title: `Product ${handle}`,
    status: 'active',
    price: { amount: 1000, currency: 'EUR' },
    ...over,
  };
}
