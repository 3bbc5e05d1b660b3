// The kit refuses bad input before a route sees it, as problem+json with a coded error
// (issue #14, items 1, 4 and 5): NUL characters anywhere (a VALIDATION_FAILED naming where), bodies of the wrong JSON types,
// over-long path parameters and URLs the router or Node's parser cannot read; and a caller
// is authenticated before its body is validated.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { Type } from 'typebox';
import { testAuth } from '@mercato/testing';
import { registerAuth } from '../auth/auth-plugin.ts';
import { createLogger } from '../logging/index.ts';
import { createMetrics } from '../metrics/index.ts';
import { createApp, type ServiceApp } from './app.ts';

interface Problem {
  status: number;
  code: string;
  errors?: { path: string; message: string }[];
}

function problem(res: LightMyRequestResponse | { headers: Record<string, unknown>; body: string }): Problem {
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/, res.body);
  return JSON.parse(res.body) as Problem;
}

describe('bad input at the kit edge', () => {
  let app: ServiceApp;
  /** What the routes were called with (a refused request never reaches them). */
  const seen: unknown[] = [];

  before(async () => {
    app = await createApp({
      name: 'bad-input-test',
      logger: createLogger({ service: 'bad-input-test', level: 'silent' }),
      metrics: createMetrics('bad-input-test'),
    });
    registerAuth(app, (await testAuth()).verifier);
    app.get(
      '/things/:handle',
      {
        schema: {
          params: Type.Object({ handle: Type.String() }),
          querystring: Type.Object({
            brand: Type.Optional(Type.String()),
            page: Type.Integer({ minimum: 1, maximum: 1000, default: 1 }),
          }),
        },
      },
      async (request) => {
        seen.push(request.params);
        return { handle: request.params.handle, page: request.query.page };
      },
    );
    app.post(
      '/things',
      {
        config: { auth: 'user' },
        schema: {
          body: Type.Object(
            {
              title: Type.String(),
              quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
              price: Type.Object({ amount: Type.Integer(), currency: Type.String() }),
              tags: Type.Optional(Type.Array(Type.String())),
              attributes: Type.Optional(Type.Record(Type.String(), Type.String())),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        seen.push(request.body);
        return reply.code(201).send(request.body);
      },
    );
    await app.ready();
  });
  after(async () => app.close());

  const good = { title: 'Tee', quantity: 1, price: { amount: 1999, currency: 'USD' } };
  const post = async (body: unknown, authorized = true) =>
    app.inject({
      method: 'POST',
      url: '/things',
      headers: {
        'content-type': 'application/json',
        ...(authorized ? await (await testAuth()).headers({ roles: ['admin'] }) : {}),
      },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });

  describe('a NUL character (item 1)', () => {
    test('in a path parameter or a query string is a 400 naming the parameter, the route never called', async () => {
      const before = seen.length;
      for (const [url, path] of [
        ['/things/a%00b', '/params/handle'],
        ['/things/ab?brand=%00', '/querystring/brand'],
        ['/things/ab?page=1&brand=x%00y', '/querystring/brand'],
        ['/things/ab?br%00and=x', '/querystring/br\u0000and'],
        ['/thi%00ngs/ab', '/url'],
      ]) {
        const res = await app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 400, url);
        const p = problem(res);
        assert.equal(p.code, 'VALIDATION_FAILED');
        assert.deepEqual(
          p.errors?.map((e) => e.path),
          [path],
        );
      }
      assert.equal(seen.length, before);
    });

    test('in a body value, deep in an array, or in a property name is a 400 naming where it is, the route never called', async () => {
      const before = seen.length;
      const cases: Array<[unknown, string]> = [
        [{ ...good, title: 'Te\u0000e' }, '/body/title'],
        [{ ...good, tags: ['ok', 'b\u0000d'] }, '/body/tags/1'],
        [{ ...good, attributes: { 'ma\u0000terial': 'cotton' } }, '/body/attributes/ma\u0000terial'],
      ];
      for (const [body, path] of cases) {
        const res = await post(body);
        assert.equal(res.statusCode, 400, res.body);
        const p = problem(res);
        assert.equal(p.code, 'VALIDATION_FAILED');
        assert.deepEqual(
          p.errors?.map((e) => e.path),
          [path],
        );
      }
      assert.equal(seen.length, before);
    });

    test('a body without one passes', async () => {
      assert.equal((await post(good)).statusCode, 201);
    });
  });

  describe('bodies are validated without type coercion; query strings still coerce (item 4)', () => {
    for (const [name, body, path] of [
      [
        'a price amount as a string',
        { ...good, price: { amount: '1999', currency: 'USD' } },
        '/body/price/amount',
      ],
      ['a title as a number', { ...good, title: 42 }, '/body/title'],
      ['a quantity as a string', { ...good, quantity: '1' }, '/body/quantity'],
      ['a single tag where a list is expected', { ...good, tags: 'red' }, '/body/tags'],
      ['a quantity as a boolean', { ...good, quantity: true }, '/body/quantity'],
    ] as const) {
      test(`${name} is a 400 VALIDATION_FAILED naming the field`, async () => {
        const before = seen.length;
        const res = await post(body);
        assert.equal(res.statusCode, 400, res.body);
        const p = problem(res);
        assert.equal(p.code, 'VALIDATION_FAILED');
        assert.ok(
          p.errors?.some((e) => e.path === path),
          JSON.stringify(p.errors),
        );
        assert.equal(seen.length, before);
      });
    }

    test('?page=2 is still read as the integer 2', async () => {
      const res = await app.inject({ method: 'GET', url: '/things/ab?page=2' });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { handle: 'ab', page: 2 });
    });
  });

  describe('what the router and the HTTP parser refuse (item 5)', () => {
    test('a path parameter over 100 characters is a 414 URI_TOO_LONG problem', async () => {
      const res = await app.inject({ method: 'GET', url: `/things/${'x'.repeat(300)}` });
      assert.equal(res.statusCode, 414);
      assert.equal(problem(res).code, 'URI_TOO_LONG');
    });

    test('a malformed %-escape in the path is a 400 BAD_REQUEST problem', async () => {
      const res = await app.inject({ method: 'GET', url: '/things/%zz' });
      assert.equal(res.statusCode, 400);
      assert.equal(problem(res).code, 'BAD_REQUEST');
    });

    test('headers over the size limit (a long URL among them) are a 431 problem from the socket', async () => {
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = new URL(base);
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1');
        let out = '';
        socket.on('data', (d) => (out += d.toString()));
        socket.on('close', () => resolve(out));
        socket.on('error', reject);
        socket.write(`GET /things/ab?brand=${'x'.repeat(40_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      });
      const [head = '', body = ''] = raw.split('\r\n\r\n');
      assert.match(head, /^HTTP\/1\.1 431 /);
      assert.match(head, /content-type: application\/problem\+json/i);
      assert.equal((JSON.parse(body) as Problem).code, 'HEADERS_TOO_LARGE');
    });
  });

  describe('authentication comes before validation (item 5)', () => {
    test('an anonymous write with an invalid body is a 401, and with a valid one too', async () => {
      for (const body of [{ title: 42 }, '{"title":', good]) {
        const res = await post(body, false);
        assert.equal(res.statusCode, 401, res.body);
        assert.equal(problem(res).code, 'UNAUTHORIZED');
        assert.match(String(res.headers['www-authenticate']), /^Bearer/);
      }
    });

    test('a signed-in write with the same invalid body is the 400', async () => {
      const res = await post({ title: 42 });
      assert.equal(res.statusCode, 400);
      assert.equal(problem(res).code, 'VALIDATION_FAILED');
    });
  });
});
