import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Type } from 'typebox';
import { closeTestPglite, needs, startTestService, testAuth, type TestService } from '@mercato/testing';
import { CommonErrors } from '../errors/index.ts';
import { newId } from '../ids/index.ts';
import type { EventBus } from '../messaging/bus.ts';
import { createMemoryBus } from '../messaging/memory-bus.ts';
import { checkVersion, parseIfMatch, versionEtag } from './conditional.ts';
import { defineService } from '../service/definition.ts';

interface DB {
  items: { id: string; name: string; qty: number; version: number };
}

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  errors?: { path: string; message: string }[];
  correlationId?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = 'connection string postgres://admin:s3cr3t@db.internal/prod';

/** While true, the service's subscription fails every event (a poison). */
let poisonBroken = true;

const def = defineService<DB>()({
  manifest: {
    name: 'http-test',
    port: 0,
    schema: 'httpt',
    description: 'kit HTTP test service',
    resources: [],
  },
  migrations: new URL('./fixtures/migrations/', import.meta.url),
  routes(app, ctx) {
    const Item = Type.Object({
      id: Type.String(),
      name: Type.String(),
      qty: Type.Integer(),
      version: Type.Integer(),
    });
    app.post(
      '/items',
      {
        schema: {
          tags: ['items'],
          body: Type.Object(
            { name: Type.String({ minLength: 2 }), qty: Type.Integer({ minimum: 1 }) },
            { additionalProperties: false },
          ),
          response: { 201: Item },
        },
      },
      async (request, reply) => {
        const item = { id: newId(), ...request.body, version: 1 };
        await ctx.database.db.insertInto('items').values(item).execute();
        reply.code(201).header('etag', versionEtag(1));
        return item;
      },
    );
    app.get(
      '/items/:id',
      {
        schema: {
          tags: ['items'],
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
          response: { 200: Item },
        },
      },
      async (request) => {
        const item = await ctx.database.db
          .selectFrom('items')
          .selectAll()
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (!item) throw CommonErrors.NOT_FOUND(`no item ${request.params.id}`);
        return item;
      },
    );
    app.put(
      '/items/:id',
      {
        schema: {
          tags: ['items'],
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
          body: Type.Object({ name: Type.String({ minLength: 2 }) }),
        },
      },
      async (request, reply) => {
        const expected = parseIfMatch(request.headers['if-match']);
        const updated = await ctx.database.transaction(async (trx) => {
          const item = await trx
            .selectFrom('items')
            .selectAll()
            .where('id', '=', request.params.id)
            .forUpdate()
            .executeTakeFirst();
          if (!item) throw CommonErrors.NOT_FOUND();
          checkVersion(expected, item.version);
          return trx
            .updateTable('items')
            .set({ name: request.body.name, version: item.version + 1 })
            .where('id', '=', item.id)
            .returningAll()
            .executeTakeFirstOrThrow();
        });
        reply.header('etag', versionEtag(updated.version));
        return updated;
      },
    );
    app.get('/boom', { schema: { hide: true } }, async () => {
      throw new Error(SECRET);
    });
  },
  subscriptions: () => [
    {
      name: 'poison',
      on: {
        async 'setting.changed'(trx, event) {
          if (poisonBroken) throw new Error('still broken');
          await trx
            .insertInto('items')
            .values({ id: event.subject, name: `from ${event.data.key}`, qty: 1, version: 1 })
            .execute();
        },
      },
    },
  ],
});

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  const opts = kind === 'pg' ? await needs('postgres') : {};

  describe(`service HTTP conventions (${kind})`, opts, () => {
    let svc: TestService<DB>;
    let busDown = false;

    before(async () => {
      const inner = createMemoryBus();
      // A bus whose readiness check the test can break.
      const bus: EventBus = {
        kind: inner.kind,
        publish: (e) => inner.publish(e),
        subscribe: (s) => inner.subscribe(s),
        listen: (s) => inner.listen(s),
        ping: async () => {
          if (busDown) throw new Error('broker unreachable');
        },
        close: () => inner.close(),
      };
      svc = await startTestService(def, kind, { bus });
    });
    after(() => svc.close());

    const inject = (o: InjectOptions) => svc.runtime.app.inject(o);

    async function problem(res: LightMyRequestResponse, status: number, code: string): Promise<ProblemBody> {
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const body = res.json<ProblemBody>();
      assert.equal(body.status, status);
      assert.equal(body.code, code);
      assert.ok(body.title);
      assert.match(body.type, /^https:\/\/mercato\.dev\/problems\//);
      assert.equal(body.correlationId, res.headers['x-correlation-id']);
      return body;
    }

    test('an invalid body is a 400 VALIDATION_FAILED problem with a path per field', async () => {
      const res = await inject({
        method: 'POST',
        url: '/items',
        payload: { name: 'x' },
        headers: { 'x-correlation-id': 'corr-validation-1' },
      });
      const body = await problem(res, 400, 'VALIDATION_FAILED');
      assert.equal(body.correlationId, 'corr-validation-1');
      assert.equal(body.instance, '/items');
      const paths = (body.errors ?? []).map((e) => e.path).sort();
      assert.deepEqual(paths, ['/body/name', '/body/qty']);
      for (const e of body.errors ?? []) assert.ok(e.message.length > 0);
    });

    test('a wrong type and an unknown property each name their field', async () => {
      const res = await inject({
        method: 'POST',
        url: '/items',
        payload: { name: 'ok', qty: 'many', extra: 1 },
      });
      const body = await problem(res, 400, 'VALIDATION_FAILED');
      const paths = (body.errors ?? []).map((e) => e.path).sort();
      assert.deepEqual(paths, ['/body/extra', '/body/qty']);
    });

    test('an invalid path parameter names the parameter', async () => {
      const res = await inject({ method: 'GET', url: '/items/not-a-uuid' });
      const body = await problem(res, 400, 'VALIDATION_FAILED');
      assert.deepEqual(
        body.errors?.map((e) => e.path),
        ['/params/id'],
      );
    });

    test('invalid JSON is a 400 problem', async () => {
      const res = await inject({
        method: 'POST',
        url: '/items',
        payload: '{"name": "ab", "qty": ',
        headers: { 'content-type': 'application/json' },
      });
      await problem(res, 400, 'BAD_REQUEST');
    });

    test('an unsupported content type is a 415 problem', async () => {
      const res = await inject({
        method: 'POST',
        url: '/items',
        payload: 'name=ab',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      await problem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    test('a body over the limit is a 413 problem', async () => {
      const res = await inject({
        method: 'POST',
        url: '/items',
        payload: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10), qty: 1 }),
        headers: { 'content-type': 'application/json' },
      });
      await problem(res, 413, 'PAYLOAD_TOO_LARGE');
    });

    test('an unknown route is a 404 ROUTE_NOT_FOUND problem', async () => {
      const res = await inject({ method: 'GET', url: '/nowhere?x=1' });
      const body = await problem(res, 404, 'ROUTE_NOT_FOUND');
      assert.equal(body.detail, 'GET /nowhere');
    });

    test('a use-case error keeps its code and status', async () => {
      const id = newId();
      const body = await problem(await inject({ method: 'GET', url: `/items/${id}` }), 404, 'NOT_FOUND');
      assert.equal(body.detail, `no item ${id}`);
    });

    test('an unexpected error is a 500 that tells nothing of it, and is logged', async () => {
      const res = await inject({ method: 'GET', url: '/boom' });
      const body = await problem(res, 500, 'INTERNAL');
      assert.ok(!res.body.includes('s3cr3t'), res.body);
      assert.ok(!res.body.includes(SECRET), res.body);
      assert.ok(!/at .*\.ts:\d+/.test(res.body), 'no stack trace');
      assert.equal(body.detail, undefined);
      const logged = svc.logs.lines.find(
        (l) => l.msg === 'request failed' && l.correlationId === body.correlationId,
      );
      assert.ok(logged, 'the failure is logged with its correlation id');
    });

    test('X-Correlation-ID: a given one is echoed, an absent or malformed one is generated', async () => {
      const given = await inject({
        method: 'GET',
        url: '/health/live',
        headers: { 'x-correlation-id': 'abc-123' },
      });
      assert.equal(given.headers['x-correlation-id'], 'abc-123');
      const absent = await inject({ method: 'GET', url: '/health/live' });
      assert.match(String(absent.headers['x-correlation-id']), UUID);
      const other = await inject({ method: 'GET', url: '/health/live' });
      assert.notEqual(other.headers['x-correlation-id'], absent.headers['x-correlation-id']);
      const malformed = await inject({
        method: 'GET',
        url: '/health/live',
        headers: { 'x-correlation-id': 'has spaces and <script>' },
      });
      assert.match(String(malformed.headers['x-correlation-id']), UUID);
    });

    test('If-Match with a stale version is a 412 problem; the current one updates', async () => {
      const created = await inject({ method: 'POST', url: '/items', payload: { name: 'lamp', qty: 1 } });
      assert.equal(created.statusCode, 201);
      assert.equal(created.headers.etag, '"1"');
      const { id } = created.json<{ id: string }>();
      const ok = await inject({
        method: 'PUT',
        url: `/items/${id}`,
        payload: { name: 'lamp 2' },
        headers: { 'if-match': '"1"' },
      });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.headers.etag, '"2"');
      const stale = await inject({
        method: 'PUT',
        url: `/items/${id}`,
        payload: { name: 'lost' },
        headers: { 'if-match': '"1"' },
      });
      await problem(stale, 412, 'PRECONDITION_FAILED');
      const now = await inject({ method: 'GET', url: `/items/${id}` });
      assert.equal(now.json<{ name: string; version: number }>().name, 'lamp 2');
    });

    test('/metrics counts requests by route template, not by concrete URL', async () => {
      const ids = [newId(), newId()];
      for (const id of ids) await inject({ method: 'GET', url: `/items/${id}` });
      const res = await inject({ method: 'GET', url: '/metrics' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/plain/);
      const line = res.body
        .split('\n')
        .find(
          (l) =>
            l.startsWith('http_requests_total{') &&
            l.includes('route="/items/:id"') &&
            l.includes('status="404"'),
        );
      assert.ok(line, res.body);
      assert.ok(Number(line.split(' ').at(-1)) >= 2);
      for (const id of ids) assert.ok(!res.body.includes(id), 'a concrete URL became a label');
      assert.match(res.body, /http_request_duration_seconds_bucket\{/);
      assert.match(res.body, /service="http-test"/);
    });

    test('/openapi.json lists the service routes and hides the kit-internal ones', async () => {
      const res = await inject({ method: 'GET', url: '/openapi.json' });
      assert.equal(res.statusCode, 200);
      const spec = res.json<{
        openapi: string;
        info: { title: string };
        paths: Record<string, Record<string, unknown>>;
      }>();
      assert.equal(spec.openapi, '3.1.0');
      assert.equal(spec.info.title, 'Mercato http-test');
      assert.ok(spec.paths['/items']?.post, 'POST /items');
      assert.ok(spec.paths['/items/{id}']?.get, 'GET /items/{id}');
      assert.ok(spec.paths['/items/{id}']?.put, 'PUT /items/{id}');
      assert.equal(spec.paths['/boom'], undefined);
      assert.equal(spec.paths['/metrics'], undefined);
    });

    test('/health/ready is 200 when every check passes, and still 200 (degraded, naming it) when the bus is down', async () => {
      const ok = await inject({ method: 'GET', url: '/health/ready' });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(ok.json(), {
        status: 'ready',
        checks: { database: { status: 'up' }, bus: { status: 'up' }, cache: { status: 'up' } },
      });
      busDown = true;
      try {
        const down = await inject({ method: 'GET', url: '/health/ready' });
        assert.equal(down.statusCode, 200);
        const body = down.json<{
          status: string;
          checks: Record<string, { status: string; error?: string }>;
        }>();
        assert.equal(body.status, 'degraded');
        assert.equal(body.checks.bus?.status, 'down');
        assert.match(body.checks.bus?.error ?? '', /broker unreachable/);
        assert.equal(body.checks.database?.status, 'up');
      } finally {
        busDown = false;
      }
      assert.equal((await inject({ method: 'GET', url: '/health/live' })).statusCode, 200);
    });

    test('dead letters are listed and replayed through the admin endpoints', async () => {
      poisonBroken = true;
      const itemId = newId();
      const event = {
        id: newId(),
        type: 'setting.changed',
        version: 1,
        source: 'elsewhere',
        time: new Date().toISOString(),
        subject: itemId,
        correlationId: newId(),
        data: { key: 'k', action: 'created', value: 1, previousValue: null, version: 1, changedBy: null },
      };
      // The in-process bus returns once the consumer gave up and parked the event.
      await svc.bus.publish(event);
      // Operations routes need dead-letters:replay: anonymous callers and customers are refused.
      await problem(await inject({ method: 'GET', url: '/admin/dead-letters' }), 401, 'UNAUTHORIZED');
      const auth = await testAuth();
      const customer = await auth.headers();
      await problem(
        await inject({ method: 'GET', url: '/admin/dead-letters', headers: customer }),
        403,
        'FORBIDDEN',
      );
      const headers = await auth.headers({ roles: ['admin'] });
      const list = await inject({ method: 'GET', url: '/admin/dead-letters', headers });
      assert.equal(list.statusCode, 200);
      const page = list.json<{
        items: { id: string; eventId: string; consumer: string; attempts: number; error: string }[];
        totalCount: number;
        page: number;
      }>();
      assert.equal(page.totalCount, 1);
      assert.equal(page.page, 1);
      const [dl] = page.items;
      assert.equal(dl?.eventId, event.id);
      assert.equal(dl?.consumer, 'http-test-poison');
      assert.equal(dl?.attempts, 3);
      assert.match(dl?.error ?? '', /still broken/);

      const failing = await inject({ method: 'POST', url: `/admin/dead-letters/${dl?.id}/replay`, headers });
      await problem(failing, 409, 'CONFLICT');

      poisonBroken = false;
      const replayed = await inject({ method: 'POST', url: `/admin/dead-letters/${dl?.id}/replay`, headers });
      assert.equal(replayed.statusCode, 200);
      assert.ok(replayed.json<{ replayedAt: string | null }>().replayedAt);
      assert.equal((await inject({ method: 'GET', url: `/items/${itemId}` })).statusCode, 200);
      const open = await inject({ method: 'GET', url: '/admin/dead-letters', headers });
      assert.equal(open.json<{ totalCount: number }>().totalCount, 0);
      const all = await inject({ method: 'GET', url: '/admin/dead-letters?includeReplayed=true', headers });
      assert.equal(all.json<{ totalCount: number }>().totalCount, 1);

      await problem(
        await inject({ method: 'POST', url: `/admin/dead-letters/${newId()}/replay`, headers }),
        404,
        'DEAD_LETTER_NOT_FOUND',
      );
    });

    test('/health/ready is 503 naming the database once the database is closed', async () => {
      const other = await startTestService(def, kind);
      try {
        // Stop the relay first: closing a pg pool while the relay's round is acquiring a
        // connection leaves that round waiting until the pool's connect timeout.
        await other.runtime.relay.stop();
        await other.runtime.ctx.database.close();
        const res = await other.runtime.app.inject({ method: 'GET', url: '/health/ready' });
        assert.equal(res.statusCode, 503);
        const body = res.json<{ checks: Record<string, { status: string }> }>();
        assert.equal(body.checks.database?.status, 'down');
        assert.equal(body.checks.bus?.status, 'up');
        assert.equal(
          (await other.runtime.app.inject({ method: 'GET', url: '/health/live' })).statusCode,
          200,
        );
      } finally {
        await other.close();
      }
    });
  });
}
