import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { needs, startTestService, type TestService } from '@mercato/testing';
import type { SettingsDB } from '../src/db.ts';
import { settingsService } from '../src/service.ts';
import { closeTestPglite } from '@mercato/testing';
import { ADMIN, call, eventsFor, expectProblem } from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `settings list, events and history (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: TestService<SettingsDB>;
      const url = (key: string) => `/api/v1/settings/${key}`;

      before(async () => {
        svc = await startTestService(settingsService, kind);
      });
      after(async () => {
        await svc?.close();
      });
      test('the list is paged, sorted by key and filtered by search over key and description', async () => {
        for (const k of ['list.c', 'list.a', 'list.b', 'list.d']) {
          await call(svc, 'PUT', url(k), {
            body: { value: k, description: k === 'list.d' ? 'has 100%_off' : null },
          });
        }
        const page1 = await call(svc, 'GET', '/api/v1/settings?search=list.&pageSize=3');
        assert.equal(page1.status, 200);
        assert.deepEqual(
          page1.body.items.map((s: { key: string }) => s.key),
          ['list.a', 'list.b', 'list.c'],
        );
        assert.deepEqual(
          {
            page: page1.body.page,
            pageSize: page1.body.pageSize,
            totalCount: page1.body.totalCount,
            totalPages: page1.body.totalPages,
          },
          { page: 1, pageSize: 3, totalCount: 4, totalPages: 2 },
        );
        const page2 = await call(svc, 'GET', '/api/v1/settings?search=list.&pageSize=3&page=2');
        assert.deepEqual(
          page2.body.items.map((s: { key: string }) => s.key),
          ['list.d'],
        );
        // % and _ in the search match themselves, not any characters.
        const literal = await call(svc, 'GET', `/api/v1/settings?search=${encodeURIComponent('100%_')}`);
        assert.deepEqual(
          literal.body.items.map((s: { key: string }) => s.key),
          ['list.d'],
        );
        const none = await call(svc, 'GET', `/api/v1/settings?search=${encodeURIComponent('%')}x`);
        assert.equal(none.body.totalCount, 0);
      });

      test('each committed change publishes exactly one setting.changed with the right values; rejected ones none', async () => {
        const key = 'events.flow';
        const as = { subject: 'ops-1', roles: ['admin'] };
        await call(svc, 'PUT', url(key), { body: { value: { n: 1 }, schema: { type: 'object' } }, as });
        await call(svc, 'PUT', url(key), {
          body: { value: { n: 2 } },
          headers: { 'if-match': '"1"' },
          as,
        });
        expectProblem(
          await call(svc, 'PUT', url(key), { body: { value: { n: 9 } }, headers: { 'if-match': '"1"' } }),
          412,
          'PRECONDITION_FAILED',
        );
        expectProblem(
          await call(svc, 'PUT', url(key), {
            body: { value: 'not an object' },
            headers: { 'if-match': '"2"' },
          }),
          422,
          'SETTINGS_VALUE_INVALID',
        );
        assert.equal((await call(svc, 'DELETE', url(key), { headers: { 'if-match': '"2"' } })).status, 204);

        const events = await eventsFor(svc, 'setting.changed', key);
        assert.deepEqual(
          events.map((e) => e.data),
          [
            { key, action: 'created', value: { n: 1 }, previousValue: null, version: 1, changedBy: 'ops-1' },
            {
              key,
              action: 'updated',
              value: { n: 2 },
              previousValue: { n: 1 },
              version: 2,
              changedBy: 'ops-1',
            },
            {
              key,
              action: 'deleted',
              value: null,
              previousValue: { n: 2 },
              version: 3,
              changedBy: ADMIN.subject,
            },
          ],
        );
        for (const e of events) {
          assert.equal(e.source, 'settings');
          assert.equal(e.version, 1);
        }
      });

      test('history lists the changes newest first, with actor, before and after, and outlives a delete', async () => {
        const key = 'history.flow';
        await call(svc, 'PUT', url(key), {
          body: { value: 1 },
          headers: { 'x-correlation-id': 'corr-1' },
          as: { subject: 'alice', roles: ['admin'] },
        });
        await call(svc, 'PUT', url(key), {
          body: { value: 2 },
          headers: { 'if-match': '"1"' },
          as: { subject: 'bob', roles: ['admin'] },
        });
        await call(svc, 'DELETE', url(key), { headers: { 'if-match': '"2"' } });

        const res = await call(svc, 'GET', `${url(key)}/history`);
        assert.equal(res.status, 200);
        assert.equal(res.body.totalCount, 3);
        const entries = res.body.items;
        assert.deepEqual(
          entries.map((e: { action: string; actor: string | null }) => [e.action, e.actor]),
          [
            ['deleted', ADMIN.subject],
            ['updated', 'bob'],
            ['created', 'alice'],
          ],
        );
        assert.equal(entries[2].correlationId, 'corr-1');
        assert.equal(entries[2].before, null);
        assert.equal(entries[2].after.value, 1);
        assert.equal(entries[1].before.value, 1);
        assert.equal(entries[1].after.value, 2);
        assert.equal(entries[0].after, null);
        assert.ok(entries[0].at >= entries[1].at && entries[1].at >= entries[2].at);

        const paged = await call(svc, 'GET', `${url(key)}/history?pageSize=1&page=2`);
        assert.deepEqual(
          paged.body.items.map((e: { action: string }) => e.action),
          ['updated'],
        );
        assert.equal(paged.body.totalPages, 3);
      });
    },
  );
}
