import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Type } from 'typebox';
import {
  closeTestPglite,
  needs,
  startTestService,
  testAuth,
  waitFor,
  type TestService,
} from '@mercato/testing';
import { sql } from 'kysely';
import { defineErrors } from '../errors/index.ts';
import { defineService } from '../service/definition.ts';
import { newId } from '../ids/index.ts';
import { requestFingerprint } from './idempotency-store.ts';

interface DB {
  items: { id: string; name: string; qty: number };
}

const Errors = defineErrors({ ITEM_NAME_TAKEN: { status: 422, title: 'The name is taken' } });

/** What the test controls in the service's handler. */
const control = {
  calls: 0,
  failNext: false,
  /** While set, requests named 'slow' wait on it (outside any transaction). */
  gate: undefined as Promise<void> | undefined,
  entered: 0,
};

const def = defineService<DB>()({
  manifest: { name: 'idem-test', port: 0, schema: 'idem', description: 'kit test service', resources: [] },
  migrations: new URL('../http/fixtures/migrations/', import.meta.url),
  routes(app, ctx) {
    const body = Type.Object({
      name: Type.String({ minLength: 1 }),
      qty: Type.Optional(Type.Integer({ minimum: 1 })),
    });
    const create = async (name: string, qty: number | undefined) => {
      control.calls++;
      if (name === 'slow') {
        control.entered++;
        await control.gate;
      }
      if (control.failNext) {
        control.failNext = false;
        throw new Error('database fell over');
      }
      if (name === 'taken') throw Errors.ITEM_NAME_TAKEN(`an item named ${name} exists`);
      const item = { id: newId(), name, qty: qty ?? 1 };
      await ctx.database.transaction((trx) => trx.insertInto('items').values(item).execute());
      return item;
    };
    app.post('/items', { schema: { body }, config: { idempotency: 'optional' } }, async (request, reply) => {
      const item = await create(request.body.name, request.body.qty);
      reply.code(201).header('location', `/items/${item.id}`);
      return item;
    });
    app.post('/orders', { schema: { body }, config: { idempotency: 'required' } }, async (request, reply) => {
      const item = await create(request.body.name, request.body.qty);
      reply.code(201);
      return item;
    });
    app.post('/handled', { schema: { body }, config: { idempotency: 'handler' } }, async (request) => {
      control.calls++;
      return request.idempotencyKey ?? null;
    });
  },
});

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  const opts = kind === 'pg' ? await needs('postgres') : {};

  describe(`Idempotency-Key over HTTP (${kind})`, opts, () => {
    let svc: TestService<DB>;

    const post = (
      key: string | undefined,
      payload: Record<string, unknown>,
      headers: Record<string, string> = {},
      url = '/items',
    ) =>
      svc.runtime.app.inject({
        method: 'POST',
        url,
        payload,
        headers: { ...headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      });
    const rowsNamed = async (name: string) =>
      (await svc.runtime.ctx.database.db.selectFrom('items').select('id').where('name', '=', name).execute())
        .length;

    const expectCode = (res: { statusCode: number; json: <T>() => T }, status: number, code: string) => {
      assert.equal(res.statusCode, status);
      assert.equal(res.json<{ code: string }>().code, code);
    };

    before(async () => {
      svc = await startTestService(def, kind);
    });
    after(() => svc.close());

    test('same key and same body: the stored answer again, marked replayed, and one row', async () => {
      const key = newId();
      const first = await post(key, { name: 'alpha', qty: 2 });
      assert.equal(first.statusCode, 201);
      assert.equal(first.headers['idempotent-replayed'], undefined);
      const again = await post(key, { name: 'alpha', qty: 2 });
      assert.equal(again.statusCode, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.body, first.body);
      assert.equal(again.headers['content-type'], first.headers['content-type']);
      assert.equal(again.headers.location, first.headers.location);
      assert.equal(await rowsNamed('alpha'), 1);
    });

    test('same key and another body: 422 IDEMPOTENCY_KEY_REUSED, nothing inserted', async () => {
      const key = newId();
      assert.equal((await post(key, { name: 'beta' })).statusCode, 201);
      const other = await post(key, { name: 'beta-changed' });
      assert.equal(other.statusCode, 422);
      assert.match(String(other.headers['content-type']), /^application\/problem\+json/);
      assert.equal(other.json<{ code: string }>().code, 'IDEMPOTENCY_KEY_REUSED');
      assert.equal(await rowsNamed('beta-changed'), 0);
      assert.equal(await rowsNamed('beta'), 1);
    });

    test('a second request while the first is in flight: 409 IDEMPOTENCY_REQUEST_IN_FLIGHT with Retry-After', async () => {
      const key = newId();
      let release!: () => void;
      control.gate = new Promise<void>((resolve) => (release = resolve));
      const entered = control.entered;
      try {
        const first = post(key, { name: 'slow' });
        await waitFor(() => control.entered === entered + 1, 5000, 'the first request in its handler');
        const second = await post(key, { name: 'slow' });
        assert.equal(second.statusCode, 409);
        assert.equal(second.json<{ code: string }>().code, 'IDEMPOTENCY_REQUEST_IN_FLIGHT');
        assert.equal(second.headers['retry-after'], '1');
        assert.equal(control.entered, entered + 1, 'the second request never reached the handler');
        release();
        assert.equal((await first).statusCode, 201);
      } finally {
        release();
        control.gate = undefined;
      }
      const third = await post(key, { name: 'slow' });
      assert.equal(third.statusCode, 201);
      assert.equal(third.headers['idempotent-replayed'], 'true');
      assert.equal(await rowsNamed('slow'), 1);
    });

    test('a 5xx answer is not stored: a retry with the same key runs the handler again', async () => {
      const key = newId();
      control.failNext = true;
      const callsBefore = control.calls;
      const failed = await post(key, { name: 'gamma' });
      assert.equal(failed.statusCode, 500);
      const retry = await post(key, { name: 'gamma' });
      assert.equal(retry.statusCode, 201);
      assert.equal(retry.headers['idempotent-replayed'], undefined);
      assert.equal(control.calls, callsBefore + 2);
      assert.equal(await rowsNamed('gamma'), 1);
    });

    test('a 4xx answer of the use case is stored and replayed without running it again', async () => {
      const key = newId();
      const callsBefore = control.calls;
      const first = await post(key, { name: 'taken' });
      assert.equal(first.statusCode, 422);
      const again = await post(key, { name: 'taken' });
      assert.equal(again.statusCode, 422);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.json<{ code: string }>().code, 'ITEM_NAME_TAKEN');
      assert.match(String(again.headers['content-type']), /^application\/problem\+json/);
      assert.equal(control.calls, callsBefore + 1);
    });

    test("in 'required' mode a request without a key is a 400 and does nothing", async () => {
      const callsBefore = control.calls;
      const res = await post(undefined, { name: 'delta' }, {}, '/orders');
      assert.equal(res.statusCode, 400);
      const body = res.json<{ code: string; errors: { path: string }[] }>();
      assert.equal(body.code, 'IDEMPOTENCY_KEY_INVALID');
      assert.deepEqual(
        body.errors.map((e) => e.path),
        ['/headers/idempotency-key'],
      );
      assert.equal(control.calls, callsBefore);
      assert.equal((await post(newId(), { name: 'delta' }, {}, '/orders')).statusCode, 201);
    });

    test("in 'handler' mode the key is required and checked, and the handler gets scope, key and fingerprint; the kit stores nothing", async () => {
      const callsBefore = control.calls;
      expectCode(await post(undefined, { name: 'theta' }, {}, '/handled'), 400, 'IDEMPOTENCY_KEY_INVALID');
      expectCode(await post('with space', { name: 'theta' }, {}, '/handled'), 400, 'IDEMPOTENCY_KEY_INVALID');
      assert.equal(control.calls, callsBefore);
      const key = newId();
      const first = await post(key, { name: 'theta', qty: 2 }, {}, '/handled');
      assert.equal(first.statusCode, 200);
      const info = first.json<{ scope: string; key: string; fingerprint: string }>();
      assert.equal(info.key, key);
      assert.match(info.scope, /^POST \/handled /);
      assert.equal(
        info.fingerprint,
        requestFingerprint({ params: {}, query: {}, body: { qty: 2, name: 'theta' } }),
      );
      // Nothing claimed or stored: the same key runs the handler again.
      const again = await post(key, { name: 'theta', qty: 2 }, {}, '/handled');
      assert.equal(again.headers['idempotent-replayed'], undefined);
      assert.deepEqual(again.json(), info);
      assert.equal(control.calls, callsBefore + 2);
    });

    test("in 'optional' mode a request without a key simply runs", async () => {
      assert.equal((await post(undefined, { name: 'epsilon' })).statusCode, 201);
      assert.equal((await post(undefined, { name: 'epsilon' })).statusCode, 201);
      assert.equal(await rowsNamed('epsilon'), 2);
    });

    test('a malformed key is a 400', async () => {
      for (const bad of ['x'.repeat(256), 'with space']) {
        const res = await post(bad, { name: 'zeta' });
        assert.equal(res.statusCode, 400, bad);
        assert.equal(res.json<{ code: string }>().code, 'IDEMPOTENCY_KEY_INVALID');
      }
      assert.equal(await rowsNamed('zeta'), 0);
    });

    test('different callers using the same key do not collide', async () => {
      const key = 'shared-key-1';
      const auth = await testAuth();
      const alice = await auth.headers({ subject: 'alice' });
      const bob = await auth.headers({ subject: 'bob' });
      const a = await post(key, { name: 'eta-a' }, alice);
      const b = await post(key, { name: 'eta-b' }, bob);
      assert.equal(a.statusCode, 201);
      assert.equal(b.statusCode, 201, 'not a 422: the key belongs to another caller');
      assert.equal(b.headers['idempotent-replayed'], undefined);
      const anon = await post(key, { name: 'eta-anon' });
      assert.equal(anon.statusCode, 201);
      const aAgain = await post(key, { name: 'eta-a' }, alice);
      assert.equal(aAgain.headers['idempotent-replayed'], 'true');
      assert.equal(aAgain.body, a.body);
      // A fresh token of the same caller (refreshed between two tries) is the same caller.
      const aliceRefreshed = await post(key, { name: 'eta-a' }, await auth.headers({ subject: 'alice' }));
      assert.equal(aliceRefreshed.headers['idempotent-replayed'], 'true');
      assert.equal(await rowsNamed('eta-a'), 1);
      assert.equal(await rowsNamed('eta-b'), 1);
    });

    test('the same key on another route is another record', async () => {
      const key = newId();
      assert.equal((await post(key, { name: 'theta' })).statusCode, 201);
      const other = await post(key, { name: 'theta' }, {}, '/orders');
      assert.equal(other.statusCode, 201);
      assert.equal(other.headers['idempotent-replayed'], undefined);
    });

    test('an expired record no longer binds its key: the key can be used again', async () => {
      const key = newId();
      assert.equal((await post(key, { name: 'iota' })).statusCode, 201);
      const table = sql.id(svc.runtime.ctx.database.schema, 'idempotency_keys');
      const expired =
        await sql`update ${table} set expires_at = now() - interval '1 second' where key = ${key}`.execute(
          svc.runtime.ctx.database.db,
        );
      assert.equal(Number(expired.numAffectedRows), 1);
      const reused = await post(key, { name: 'iota-new' });
      assert.equal(reused.statusCode, 201);
      assert.equal(reused.headers['idempotent-replayed'], undefined);
      assert.equal(await rowsNamed('iota-new'), 1);
      // And the new answer is what the key now replays.
      const replay = await post(key, { name: 'iota-new' });
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.equal(replay.body, reused.body);
    });

    test('records live about 24 hours', async () => {
      const key = newId();
      await post(key, { name: 'kappa' });
      const r = await sql<{
        hours: number;
      }>`select extract(epoch from expires_at - created_at)::float8 / 3600 as hours
        from ${sql.id(svc.runtime.ctx.database.schema, 'idempotency_keys')} where key = ${key}`.execute(
        svc.runtime.ctx.database.db,
      );
      assert.ok(Math.abs((r.rows[0]?.hours ?? 0) - 24) < 0.01);
    });
  });
}

describe('requestFingerprint', () => {
  test('is stable for equal requests and differs when any part differs', () => {
    const a = requestFingerprint({ params: {}, query: {}, body: { name: 'x' } });
    assert.equal(a, requestFingerprint({ params: {}, query: {}, body: { name: 'x' } }));
    assert.notEqual(a, requestFingerprint({ params: {}, query: {}, body: { name: 'y' } }));
    assert.notEqual(a, requestFingerprint({ params: { id: '1' }, query: {}, body: { name: 'x' } }));
    assert.match(a, /^[0-9a-f]{64}$/);
  });

  test('does not depend on the order of fields: the same body reordered is the same request', () => {
    const a = requestFingerprint({ body: { name: 'x', qty: 2, nested: { a: 1, b: 2 } } });
    assert.equal(a, requestFingerprint({ body: { nested: { b: 2, a: 1 }, qty: 2, name: 'x' } }));
  });
});
