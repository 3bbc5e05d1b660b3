import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, startTestService, type MintOptions, type TestService } from '@mercato/testing';
import type { SettingsDB } from '../src/db.ts';
import { settingsService } from '../src/service.ts';
import { ADMIN, call, expectProblem, type Reply } from './support.ts';

after(closeTestPglite);

type Method = 'PUT' | 'POST' | 'PATCH' | 'DELETE';

// Every write route, with a body that would succeed for an admin (If-Match names version 1).
interface Write {
  method: Method;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}
const WRITES: Write[] = [
  { method: 'PUT', url: '/api/v1/settings/auth.fresh', body: { value: 1 } },
  { method: 'DELETE', url: '/api/v1/settings/auth.existing', headers: { 'if-match': '"1"' } },
  { method: 'POST', url: '/api/v1/feature-flags', body: { key: 'auth-fresh' } },
  {
    method: 'PATCH',
    url: '/api/v1/feature-flags/auth-existing',
    body: { enabled: true },
    headers: { 'if-match': '"1"' },
  },
  { method: 'DELETE', url: '/api/v1/feature-flags/auth-existing', headers: { 'if-match': '"2"' } },
];

describe('settings write routes need settings:write (admin)', () => {
  let svc: TestService<SettingsDB>;

  before(async () => {
    svc = await startTestService(settingsService, 'pglite');
    assert.equal(
      (await call(svc, 'PUT', '/api/v1/settings/auth.existing', { body: { value: 0 } })).status,
      201,
    );
    assert.equal(
      (await call(svc, 'POST', '/api/v1/feature-flags', { body: { key: 'auth-existing' } })).status,
      201,
    );
  });
  after(async () => {
    await svc?.close();
  });

  const send = (w: Write, extra: { as?: MintOptions | 'anonymous'; headers?: Record<string, string> } = {}) =>
    call(svc, w.method, w.url, { body: w.body, headers: { ...w.headers, ...extra.headers }, as: extra.as });

  test('without a token: 401 with a Bearer challenge, nothing changes', async () => {
    for (const w of WRITES) {
      const res: Reply = await send(w, { as: 'anonymous' });
      expectProblem(res, 401, 'UNAUTHORIZED');
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="mercato"', `${w.method} ${w.url}`);
    }
    assert.equal((await call(svc, 'GET', '/api/v1/settings/auth.fresh')).status, 404);
  });

  test('with a bad token: 401 invalid_token', async () => {
    const [put] = WRITES as [Write];
    const res = await send(put, { headers: { authorization: 'Bearer not-a-token' } });
    expectProblem(res, 401, 'UNAUTHORIZED');
    assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/);
  });

  test('as a customer (or seller, support): 403 naming the permission', async () => {
    for (const roles of [['customer'], ['seller'], ['support']]) {
      for (const w of WRITES) {
        const res = await send(w, { as: { roles } });
        const problem = expectProblem(res, 403, 'FORBIDDEN');
        assert.match(problem.detail, /settings:write/);
        assert.match(String(res.headers['www-authenticate']), /insufficient_scope/);
      }
    }
  });

  test('as an admin: each write succeeds', async () => {
    const statuses = [];
    for (const w of WRITES) statuses.push((await send(w, { as: ADMIN })).status);
    assert.deepEqual(statuses, [201, 204, 201, 200, 204]);
  });

  test('reads and evaluation stay public', async () => {
    for (const url of [
      '/api/v1/settings',
      '/api/v1/settings/auth.fresh',
      '/api/v1/settings/auth.fresh/history',
      '/api/v1/feature-flags',
      '/api/v1/feature-flags/auth-fresh',
      '/api/v1/feature-flags/auth-fresh/history',
      '/api/v1/feature-flags/auth-fresh/evaluate?subject=u1',
    ]) {
      assert.equal((await call(svc, 'GET', url)).status, 200, url);
    }
  });
});
