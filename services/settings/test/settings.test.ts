import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { needs, startTestService, type TestService } from '@mercato/testing';
import type { SettingsDB } from '../src/db.ts';
import { settingsService } from '../src/service.ts';
import { closeTestPglite } from '@mercato/testing';
import { ADMIN, call, eventsFor, expectProblem } from './support.ts';

const LIMIT_SCHEMA = {
  type: 'object',
  properties: { maxItems: { type: 'integer', minimum: 1 }, label: { type: 'string' } },
  required: ['maxItems'],
  additionalProperties: false,
};

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`settings API (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: TestService<SettingsDB>;
    const url = (key: string) => `/api/v1/settings/${key}`;

    before(async () => {
      svc = await startTestService(settingsService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    async function row(key: string) {
      return svc.runtime.ctx.database.db
        .selectFrom('settings')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirst();
    }

    test('PUT on a new key creates it: 201, version 1, ETag, Location, schema defaults to any JSON', async () => {
      const res = await call(svc, 'PUT', url('shop.name'), {
        body: { value: 'Mercato', description: 'shop title' },
      });
      assert.equal(res.status, 201);
      assert.equal(res.headers.etag, '"1"');
      assert.equal(res.headers.location, '/api/v1/settings/shop.name');
      assert.equal(res.body.key, 'shop.name');
      assert.equal(res.body.value, 'Mercato');
      assert.deepEqual(res.body.schema, {});
      assert.equal(res.body.description, 'shop title');
      assert.equal(res.body.version, 1);
      assert.equal(res.body.updatedBy, ADMIN.subject, 'the verified caller is the actor');
      assert.match(res.body.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      const got = await call(svc, 'GET', url('shop.name'));
      assert.equal(got.status, 200);
      assert.equal(got.headers.etag, '"1"');
      assert.deepEqual(got.body, res.body);
      assert.equal((await row('shop.name'))?.value, 'Mercato');
    });

    test('any JSON value round-trips unchanged: arrays, objects, numbers, booleans and null', async () => {
      const values = [[1, 'two', { three: 3 }], { nested: { list: [] } }, 42.5, false, null];
      for (const [i, value] of values.entries()) {
        const res = await call(svc, 'PUT', url(`json.value-${i}`), { body: { value } });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.deepEqual((await call(svc, 'GET', url(`json.value-${i}`))).body.value, value);
      }
    });

    test('PUT with If-Match updates: 200, version + 1, new ETag, the schema kept when not sent', async () => {
      await call(svc, 'PUT', url('cart.limits'), { body: { value: { maxItems: 10 }, schema: LIMIT_SCHEMA } });
      const res = await call(svc, 'PUT', url('cart.limits'), {
        body: { value: { maxItems: 20, label: 'x' } },
        headers: { 'if-match': '"1"' },
        as: { subject: 'admin-7', roles: ['admin'] },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.headers.etag, '"2"');
      assert.equal(res.body.version, 2);
      assert.deepEqual(res.body.value, { maxItems: 20, label: 'x' });
      assert.deepEqual(res.body.schema, LIMIT_SCHEMA);
      assert.equal(res.body.updatedBy, 'admin-7');
      const stored = await row('cart.limits');
      assert.equal(stored?.version, 2);
      assert.deepEqual(stored?.value, { maxItems: 20, label: 'x' });
    });

    test('an update without If-Match is refused with 428 and changes nothing', async () => {
      await call(svc, 'PUT', url('no.ifmatch'), { body: { value: 1 } });
      const res = await call(svc, 'PUT', url('no.ifmatch'), { body: { value: 2 } });
      const problem = expectProblem(res, 428, 'PRECONDITION_REQUIRED');
      assert.deepEqual(problem.errors, [{ path: '/headers/if-match', message: 'is required' }]);
      const stored = await row('no.ifmatch');
      assert.equal(stored?.version, 1);
      assert.equal(stored?.value, 1);
    });

    test('a stale If-Match is refused with 412: version and value unchanged, no event', async () => {
      await call(svc, 'PUT', url('stale.check'), { body: { value: 'a' } });
      await call(svc, 'PUT', url('stale.check'), { body: { value: 'b' }, headers: { 'if-match': '"1"' } });
      const res = await call(svc, 'PUT', url('stale.check'), {
        body: { value: 'c' },
        headers: { 'if-match': '"1"' },
      });
      expectProblem(res, 412, 'PRECONDITION_FAILED');
      const stored = await row('stale.check');
      assert.equal(stored?.version, 2);
      assert.equal(stored?.value, 'b');
      const events = await eventsFor(svc, 'setting.changed', 'stale.check');
      assert.deepEqual(
        events.map((e) => e.data),
        [
          {
            key: 'stale.check',
            action: 'created',
            value: 'a',
            previousValue: null,
            version: 1,
            changedBy: ADMIN.subject,
          },
          {
            key: 'stale.check',
            action: 'updated',
            value: 'b',
            previousValue: 'a',
            version: 2,
            changedBy: ADMIN.subject,
          },
        ],
      );
    });

    test('a value that fails its JSON Schema is refused with 422 and paths into the value', async () => {
      const created = await call(svc, 'PUT', url('checkout.limits'), {
        body: { value: { maxItems: 0, extra: true }, schema: LIMIT_SCHEMA },
      });
      const problem = expectProblem(created, 422, 'SETTINGS_VALUE_INVALID');
      const paths = problem.errors.map((e: { path: string }) => e.path).sort();
      assert.deepEqual(paths, ['/body/value/extra', '/body/value/maxItems']);
      assert.equal(await row('checkout.limits'), undefined);

      await call(svc, 'PUT', url('checkout.limits'), {
        body: { value: { maxItems: 3 }, schema: LIMIT_SCHEMA },
      });
      const updated = await call(svc, 'PUT', url('checkout.limits'), {
        body: { value: { label: 'no max' } },
        headers: { 'if-match': '"1"' },
      });
      const missing = expectProblem(updated, 422, 'SETTINGS_VALUE_INVALID');
      assert.deepEqual(
        missing.errors.map((e: { path: string }) => e.path),
        ['/body/value/maxItems'],
      );
      assert.deepEqual((await row('checkout.limits'))?.value, { maxItems: 3 });
      assert.equal((await eventsFor(svc, 'setting.changed', 'checkout.limits')).length, 1);
    });

    test('a new schema on update applies to the value sent with it', async () => {
      await call(svc, 'PUT', url('retry.count'), { body: { value: 'three' } });
      const refused = await call(svc, 'PUT', url('retry.count'), {
        body: { value: 'three', schema: { type: 'integer' } },
        headers: { 'if-match': '"1"' },
      });
      expectProblem(refused, 422, 'SETTINGS_VALUE_INVALID');
      const ok = await call(svc, 'PUT', url('retry.count'), {
        body: { value: 3, schema: { type: 'integer' } },
        headers: { 'if-match': '"1"' },
      });
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.body.schema, { type: 'integer' });
    });

    test('a schema that does not compile is refused with 400 SETTINGS_SCHEMA_INVALID', async () => {
      for (const schema of [{ type: 'no-such-type' }, { minimum: 'ten' }, { notAKeyword: 1 }]) {
        const res = await call(svc, 'PUT', url('bad.schema'), { body: { value: 1, schema } });
        const problem = expectProblem(res, 400, 'SETTINGS_SCHEMA_INVALID');
        assert.equal(problem.errors[0].path, '/body/schema');
      }
      assert.equal(await row('bad.schema'), undefined);
    });

    test('an invalid request is a 400 problem naming the fields', async () => {
      const noValue = await call(svc, 'PUT', url('some.key'), { body: { description: 'x', colour: 'red' } });
      const problem = expectProblem(noValue, 400, 'VALIDATION_FAILED');
      const paths = problem.errors.map((e: { path: string }) => e.path).sort();
      assert.deepEqual(paths, ['/body/colour', '/body/value']);

      const badKey = await call(svc, 'PUT', url('Bad-Key!'), { body: { value: 1 } });
      assert.equal(expectProblem(badKey, 400, 'VALIDATION_FAILED').errors[0].path, '/params/key');

      const badPage = await call(svc, 'GET', '/api/v1/settings?pageSize=1000');
      assert.equal(expectProblem(badPage, 400, 'VALIDATION_FAILED').errors[0].path, '/querystring/pageSize');
    });

    test('an unknown key is a 404 problem with the code SETTINGS_SETTING_NOT_FOUND', async () => {
      expectProblem(await call(svc, 'GET', url('does.not-exist')), 404, 'SETTINGS_SETTING_NOT_FOUND');
      expectProblem(
        await call(svc, 'DELETE', url('does.not-exist'), { headers: { 'if-match': '"1"' } }),
        404,
        'SETTINGS_SETTING_NOT_FOUND',
      );
      expectProblem(
        await call(svc, 'GET', `${url('does.not-exist')}/history`),
        404,
        'SETTINGS_SETTING_NOT_FOUND',
      );
      // If-Match names a version of something that exists; on a new key it cannot hold.
      const conditionalCreate = await call(svc, 'PUT', url('does.not-exist'), {
        body: { value: 1 },
        headers: { 'if-match': '"1"' },
      });
      expectProblem(conditionalCreate, 412, 'PRECONDITION_FAILED');
      assert.equal(await row('does.not-exist'), undefined);
    });

    test('DELETE needs If-Match (428), refuses a stale one (412), then deletes (204)', async () => {
      await call(svc, 'PUT', url('to.delete'), { body: { value: true } });
      expectProblem(await call(svc, 'DELETE', url('to.delete')), 428, 'PRECONDITION_REQUIRED');
      expectProblem(
        await call(svc, 'DELETE', url('to.delete'), { headers: { 'if-match': '"7"' } }),
        412,
        'PRECONDITION_FAILED',
      );
      assert.notEqual(await row('to.delete'), undefined);
      const res = await call(svc, 'DELETE', url('to.delete'), { headers: { 'if-match': '"1"' } });
      assert.equal(res.status, 204);
      assert.equal(res.body, undefined);
      assert.equal(await row('to.delete'), undefined);
      expectProblem(await call(svc, 'GET', url('to.delete')), 404, 'SETTINGS_SETTING_NOT_FOUND');
    });
  });
}
