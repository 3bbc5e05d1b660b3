import assert from 'node:assert/strict';
import type { TestService } from '@mercato/testing';
import type { SettingsDB } from '../src/db.ts';

// Response bodies are read field by field and checked with assertions; typing each shape
// here would repeat the route schemas, so tests read them as any.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = any;

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Body;
}

/** One request through app.inject, JSON in and out. */
export async function call(
  svc: TestService<SettingsDB>,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const res = await svc.runtime.app.inject({
    method,
    url,
    headers: opts.headers,
    ...(opts.body === undefined
      ? {}
      : {
          payload: JSON.stringify(opts.body),
          headers: { 'content-type': 'application/json', ...opts.headers },
        }),
  });
  return { status: res.statusCode, headers: res.headers, body: res.body ? res.json() : undefined };
}

/** Events published for one subject (after flush), in order. */
export async function eventsFor(svc: TestService<SettingsDB>, type: string, subject: string) {
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
