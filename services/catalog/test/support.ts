import {
  injectJson,
  testAuth,
  type Method,
  type MintOptions,
  type Reply,
  type TestService,
} from '@mercato/testing';
import type { CatalogDB } from '../src/db.ts';

export { eventsFor, expectProblem, type Body, type Reply } from '@mercato/testing';

/** The admin the tests act as: one subject, so idempotent replays share their scope. */
export const ADMIN: MintOptions = { subject: '0190a000-0000-7000-8000-00000000ad01', roles: ['admin'] };

/**
 * One request through app.inject, JSON in and out. Writes are sent as ADMIN (a real token
 * from the test authority) unless `as` says otherwise: `'anonymous'` sends no token, or a
 * token of its own (e.g. `{ roles: ['customer'] }`). Reads are anonymous unless `as` is given.
 */
export async function call(
  svc: TestService<CatalogDB>,
  method: Method,
  url: string,
  opts: { body?: unknown; headers?: Record<string, string>; as?: MintOptions | 'anonymous' } = {},
): Promise<Reply> {
  const as = opts.as ?? (method === 'GET' ? 'anonymous' : ADMIN);
  const auth = as === 'anonymous' ? {} : await (await testAuth()).headers(as);
  return injectJson(svc, method, url, { body: opts.body, headers: { ...auth, ...opts.headers } });
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
