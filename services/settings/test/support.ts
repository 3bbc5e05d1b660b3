import {
  injectJson,
  testAuth,
  type Method,
  type MintOptions,
  type Reply,
  type TestService,
} from '@mercato/testing';
import type { SettingsDB } from '../src/db.ts';

export { eventsFor, expectProblem, type Body, type Reply } from '@mercato/testing';

/** The admin the tests act as: one subject, so idempotent replays share their scope. */
export const ADMIN: MintOptions = { subject: '0190a000-0000-7000-8000-00000000ad01', roles: ['admin'] };

/**
 * One request through app.inject, JSON in and out. Writes are sent as ADMIN (a real token
 * from the test authority) unless `as` says otherwise: `'anonymous'` sends no token, or a
 * token of its own (e.g. `{ roles: ['customer'] }`). Reads are anonymous unless `as` is given.
 */
export async function call(
  svc: TestService<SettingsDB>,
  method: Method,
  url: string,
  opts: { body?: unknown; headers?: Record<string, string>; as?: MintOptions | 'anonymous' } = {},
): Promise<Reply> {
  const as = opts.as ?? (method === 'GET' ? 'anonymous' : ADMIN);
  const auth = as === 'anonymous' ? {} : await (await testAuth()).headers(as);
  return injectJson(svc, method, url, { body: opts.body, headers: { ...auth, ...opts.headers } });
}
