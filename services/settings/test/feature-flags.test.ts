import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { metricValue, needs, startTestService, type TestService } from '@mercato/testing';
import type { SettingsDB } from '../src/db.ts';
import { evaluateFlag } from '../src/feature-flags/flag-rollout.ts';
import { flagCacheKey } from '../src/feature-flags/flag-service.ts';
import { settingsService } from '../src/service.ts';
import { closeTestPglite } from '@mercato/testing';
import { ADMIN, call, eventsFor, expectProblem, type Reply } from './support.ts';

const BASE = '/api/v1/feature-flags';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`feature flags API (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: TestService<SettingsDB>;

    before(async () => {
      svc = await startTestService(settingsService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    const create = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      call(svc, 'POST', BASE, { body, headers });
    const patch = (key: string, body: Record<string, unknown>, version: number | undefined) =>
      call(svc, 'PATCH', `${BASE}/${key}`, {
        body,
        headers: version === undefined ? {} : { 'if-match': `"${version}"` },
      });
    const evaluate = (key: string, subject: string) =>
      call(svc, 'GET', `${BASE}/${key}/evaluate?subject=${encodeURIComponent(subject)}`);
    const row = (key: string) =>
      svc.runtime.ctx.database.db
        .selectFrom('feature_flags')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirst();

    test('POST creates a flag with defaults: 201, Location, ETag, off, 100 % rollout, empty lists', async () => {
      const res = await create({ key: 'new-checkout' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.headers.location, `${BASE}/new-checkout`);
      assert.equal(res.headers.etag, '"1"');
      const { createdAt, updatedAt, ...state } = res.body;
      assert.deepEqual(state, {
        key: 'new-checkout',
        description: null,
        enabled: false,
        rolloutPercentage: 100,
        allowList: [],
        denyList: [],
        version: 1,
      });
      assert.equal(updatedAt, createdAt);
      assert.match(createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const got = await call(svc, 'GET', `${BASE}/new-checkout`);
      assert.equal(got.status, 200);
      assert.equal(got.headers.etag, '"1"');
      assert.deepEqual(got.body, res.body);
      const stored = await row('new-checkout');
      assert.equal(stored?.enabled, false);
      assert.deepEqual(stored?.allow_list, []);
    });

    test('a second flag with the same key is refused with 409 SETTINGS_FLAG_EXISTS', async () => {
      assert.equal((await create({ key: 'dup-flag', enabled: true })).status, 201);
      expectProblem(await create({ key: 'dup-flag' }), 409, 'SETTINGS_FLAG_EXISTS');
      assert.equal((await row('dup-flag'))?.enabled, true);
      assert.equal((await eventsFor(svc, 'feature_flag.changed', 'dup-flag')).length, 1);
    });

    test('an invalid body is a 400 problem with field paths', async () => {
      const res = await create({
        key: 'Bad Key',
        rolloutPercentage: 150,
        enabled: 'sometimes',
        colour: 'red',
      });
      const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
      const paths = problem.errors.map((e: { path: string }) => e.path).sort();
      assert.deepEqual(paths, ['/body/colour', '/body/enabled', '/body/key', '/body/rolloutPercentage']);

      await create({ key: 'patch-validation' });
      const badPatch = await patch('patch-validation', { rolloutPercentage: -1 }, 1);
      assert.deepEqual(
        expectProblem(badPatch, 400, 'VALIDATION_FAILED').errors.map((e: { path: string }) => e.path),
        ['/body/rolloutPercentage'],
      );
      expectProblem(await patch('patch-validation', {}, 1), 400, 'VALIDATION_FAILED');
      expectProblem(await call(svc, 'GET', `${BASE}/patch-validation/evaluate`), 400, 'VALIDATION_FAILED');
      assert.equal((await row('patch-validation'))?.version, 1);
    });

    test('PATCH changes only the fields sent, needs If-Match (428) and refuses a stale one (412)', async () => {
      await create({ key: 'patchable', description: 'd', allowList: ['u1', 'u1', 'u2'] });
      expectProblem(await patch('patchable', { enabled: true }, undefined), 428, 'PRECONDITION_REQUIRED');
      const res = await patch('patchable', { enabled: true, rolloutPercentage: 25 }, 1);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.headers.etag, '"2"');
      assert.equal(res.body.version, 2);
      assert.equal(res.body.enabled, true);
      assert.equal(res.body.rolloutPercentage, 25);
      assert.equal(res.body.description, 'd');
      assert.deepEqual(res.body.allowList, ['u1', 'u2']);

      expectProblem(await patch('patchable', { enabled: false }, 1), 412, 'PRECONDITION_FAILED');
      const stored = await row('patchable');
      assert.equal(stored?.version, 2);
      assert.equal(stored?.enabled, true);
      assert.equal((await eventsFor(svc, 'feature_flag.changed', 'patchable')).length, 2);
      // null clears the description (it must not be coerced to "")
      assert.equal((await patch('patchable', { description: null }, 2)).body.description, null);
    });

    test('DELETE needs If-Match, then removes the flag (204) and later reads are 404', async () => {
      await create({ key: 'doomed', enabled: true });
      assert.equal((await evaluate('doomed', 'u')).status, 200);
      expectProblem(await call(svc, 'DELETE', `${BASE}/doomed`), 428, 'PRECONDITION_REQUIRED');
      const res = await call(svc, 'DELETE', `${BASE}/doomed`, { headers: { 'if-match': '"1"' } });
      assert.equal(res.status, 204);
      assert.equal(await row('doomed'), undefined);
      expectProblem(await call(svc, 'GET', `${BASE}/doomed`), 404, 'SETTINGS_FLAG_NOT_FOUND');
      expectProblem(await evaluate('doomed', 'u'), 404, 'SETTINGS_FLAG_NOT_FOUND');
    });

    test('an unknown flag is a 404 problem with the code SETTINGS_FLAG_NOT_FOUND', async () => {
      expectProblem(await call(svc, 'GET', `${BASE}/ghost`), 404, 'SETTINGS_FLAG_NOT_FOUND');
      expectProblem(await evaluate('ghost', 'u1'), 404, 'SETTINGS_FLAG_NOT_FOUND');
      expectProblem(await patch('ghost', { enabled: true }, 1), 404, 'SETTINGS_FLAG_NOT_FOUND');
      expectProblem(await call(svc, 'GET', `${BASE}/ghost/history`), 404, 'SETTINGS_FLAG_NOT_FOUND');
    });

    test('the list is paged and sorted by key, and search filters it', async () => {
      for (const key of ['lst-c', 'lst-a', 'lst-b']) await create({ key });
      const res = await call(svc, 'GET', `${BASE}?search=lst-&pageSize=2`);
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.items.map((f: { key: string }) => f.key),
        ['lst-a', 'lst-b'],
      );
      assert.equal(res.body.totalCount, 3);
      assert.equal(res.body.totalPages, 2);
    });

    test('evaluate: a disabled flag is off for everyone, even the allow-listed', async () => {
      await create({ key: 'ev-disabled', enabled: false, allowList: ['vip'] });
      const res = await evaluate('ev-disabled', 'vip');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, {
        key: 'ev-disabled',
        subject: 'vip',
        enabled: false,
        reason: 'flag_disabled',
      });
    });

    test('evaluate: the deny list beats the allow list, and the allow list beats a 0 % rollout', async () => {
      await create({
        key: 'ev-lists',
        enabled: true,
        rolloutPercentage: 0,
        allowList: ['both', 'vip'],
        denyList: ['both', 'banned'],
      });
      const answers = [];
      for (const subject of ['both', 'vip', 'banned', 'someone'])
        answers.push((await evaluate('ev-lists', subject)).body);
      assert.deepEqual(answers, [
        { key: 'ev-lists', subject: 'both', enabled: false, reason: 'denied' },
        { key: 'ev-lists', subject: 'vip', enabled: true, reason: 'allow_listed' },
        { key: 'ev-lists', subject: 'banned', enabled: false, reason: 'denied' },
        { key: 'ev-lists', subject: 'someone', enabled: false, reason: 'not_in_rollout' },
      ]);
    });

    test('evaluations are counted on /metrics per flag and result', async () => {
      assert.equal(
        (await create({ key: 'counted-flag', enabled: true, denyList: ['u-denied'] })).status,
        201,
      );
      const count = (result: string) =>
        metricValue(svc.runtime.app, 'flag_evaluations_total', { flag: 'counted-flag', result });
      assert.deepEqual([await count('enabled'), await count('disabled')], [0, 0]);
      for (const subject of ['u1', 'u2', 'u3', 'u-denied'])
        assert.equal((await evaluate('counted-flag', subject)).status, 200);
      assert.equal((await evaluate('no-such-flag', 'u1')).status, 404);
      assert.deepEqual([await count('enabled'), await count('disabled')], [3, 1]);
    });

    test('evaluate: 0 % is off and 100 % is on for every subject', async () => {
      await create({ key: 'ev-none', enabled: true, rolloutPercentage: 0 });
      await create({ key: 'ev-all', enabled: true, rolloutPercentage: 100 });
      for (let i = 0; i < 50; i++) {
        const off = await evaluate('ev-none', `user-${i}`);
        const on = await evaluate('ev-all', `user-${i}`);
        assert.equal(off.body.reason, 'not_in_rollout', `user-${i} at 0 %`);
        assert.equal(on.body.reason, 'in_rollout', `user-${i} at 100 %`);
      }
    });

    // The rollout rule itself (bucketing, spread over 20,000 subjects, monotonic growth) is
    // unit-tested in src/feature-flags/flag-rollout.test.ts; here: the API answers by it.
    test('evaluate: a 30 % rollout answers as the rollout rule does for each of 200 subjects, and the same again', async () => {
      const created = await create({ key: 'ev-thirty', enabled: true, rolloutPercentage: 30 });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const subjects = Array.from({ length: 200 }, (_, i) => `subject-${i}`);
      const run = async () =>
        (await Promise.all(subjects.map((s) => evaluate('ev-thirty', s)))).map((r) => (r as Reply).body);
      const first = await run();
      subjects.forEach((subject, i) => {
        const expected = evaluateFlag(
          { key: 'ev-thirty', enabled: true, rolloutPercentage: 30, allowList: [], denyList: [] },
          subject,
        );
        assert.equal(first[i].enabled, expected.enabled, subject);
        assert.equal(first[i].reason, expected.reason, subject);
      });
      const on = first.filter((b) => b.enabled === true).length;
      assert.ok(on > 0 && on < subjects.length, `${on} of ${subjects.length} are in a 30 % rollout`);
      assert.deepEqual(await run(), first);
    });

    test('evaluate answers from the cache (no SQL on a hit), and every change invalidates it', async () => {
      await create({ key: 'ev-cache', enabled: true, rolloutPercentage: 100 });
      assert.equal((await evaluate('ev-cache', 'u1')).body.enabled, true);
      assert.equal((await svc.cache.get<{ version: number }>(flagCacheKey('ev-cache')))?.version, 1);

      // Behind the service's back: a cached read must not see this.
      await svc.runtime.ctx.database.db
        .updateTable('feature_flags')
        .set({ enabled: false })
        .where('key', '=', 'ev-cache')
        .execute();
      assert.equal((await evaluate('ev-cache', 'u1')).body.enabled, true);
      assert.equal((await call(svc, 'GET', `${BASE}/ev-cache`)).body.enabled, true);

      const changed = await patch('ev-cache', { enabled: true, rolloutPercentage: 0 }, 1);
      assert.equal(changed.status, 200);
      assert.deepEqual((await evaluate('ev-cache', 'u1')).body.reason, 'not_in_rollout');
      const read = await call(svc, 'GET', `${BASE}/ev-cache`);
      assert.equal(read.body.version, 2);
      assert.equal(read.headers.etag, '"2"');
    });

    test('a cached "not found" ends when the flag is created', async () => {
      expectProblem(await evaluate('ev-late', 'u1'), 404, 'SETTINGS_FLAG_NOT_FOUND');
      assert.equal(await svc.cache.get(flagCacheKey('ev-late')), null);
      await create({ key: 'ev-late', enabled: true });
      assert.equal((await evaluate('ev-late', 'u1')).body.reason, 'in_rollout');
    });

    test('each committed change publishes one feature_flag.changed with the state after it; rejected ones none', async () => {
      const key = 'ev-events';
      const created = await create({ key, enabled: true, rolloutPercentage: 10, denyList: ['x'] });
      const updated = await patch(key, { rolloutPercentage: 50 }, 1);
      expectProblem(await patch(key, { rolloutPercentage: 60 }, 1), 412, 'PRECONDITION_FAILED');
      expectProblem(await create({ key }), 409, 'SETTINGS_FLAG_EXISTS');
      await call(svc, 'DELETE', `${BASE}/${key}`, { headers: { 'if-match': '"2"' } });

      const events = await eventsFor(svc, 'feature_flag.changed', key);
      assert.deepEqual(
        events.map((e) => e.data),
        [
          { key, action: 'created', flag: created.body, version: 1 },
          { key, action: 'updated', flag: updated.body, version: 2 },
          { key, action: 'deleted', flag: null, version: 3 },
        ],
      );
    });

    test('history lists the changes newest first with actor, before and after', async () => {
      const key = 'ev-history';
      await call(svc, 'POST', BASE, { body: { key }, as: { subject: 'alice', roles: ['admin'] } });
      await patch(key, { enabled: true }, 1);
      await call(svc, 'PATCH', `${BASE}/${key}`, {
        body: { rolloutPercentage: 5 },
        headers: { 'if-match': '"2"' },
        as: { subject: 'bob', roles: ['admin'] },
      });
      const res = await call(svc, 'GET', `${BASE}/${key}/history`);
      assert.equal(res.status, 200);
      assert.equal(res.body.totalCount, 3);
      const entries = res.body.items;
      assert.deepEqual(
        entries.map((e: { action: string; actor: string | null }) => [e.action, e.actor]),
        [
          ['updated', 'bob'],
          ['updated', ADMIN.subject],
          ['created', 'alice'],
        ],
      );
      assert.equal(entries[0].before.rolloutPercentage, 100);
      assert.equal(entries[0].after.rolloutPercentage, 5);
      assert.equal(entries[1].before.enabled, false);
      assert.equal(entries[1].after.enabled, true);
      assert.equal(entries[2].before, null);
      const audit = await svc.runtime.ctx.database.db
        .selectFrom('audit_log')
        .select('id')
        .where('key', '=', key)
        .execute();
      assert.equal(audit.length, 3);
    });

    test('POST with the same Idempotency-Key replays the first answer instead of a 409', async () => {
      const headers = { 'idempotency-key': 'create-idem-flag-1' };
      const first = await create({ key: 'idem-flag' }, headers);
      const again = await create({ key: 'idem-flag' }, headers);
      assert.equal(first.status, 201);
      assert.equal(again.status, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.body, first.body);
      assert.equal((await eventsFor(svc, 'feature_flag.changed', 'idem-flag')).length, 1);
    });
  });
}
