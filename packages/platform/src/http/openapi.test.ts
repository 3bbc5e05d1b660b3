import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Type } from 'typebox';
import { PageQuery } from '@mercato/contracts';
import { createLogger } from '../logging/index.ts';
import { createMetrics } from '../metrics/index.ts';
import { createApp, type ServiceApp } from './app.ts';
import { operationIdOf, optionalDefaults, securityOf } from './openapi.ts';
import { problemResponses } from './schemas.ts';

interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required: boolean; example?: unknown }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown>; example?: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { example?: unknown }> }>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
}

describe('operationIdOf', () => {
  test('reads method and path without the version prefix, a parameter as By<Name>', () => {
    assert.equal(operationIdOf('GET', '/api/v1/products'), 'getProducts');
    assert.equal(operationIdOf('POST', '/api/v1/products/:id/archive'), 'postProductsByIdArchive');
    assert.equal(operationIdOf('GET', '/api/v1/products/{id}'), 'getProductsById');
    assert.equal(operationIdOf('POST', '/admin/dead-letters/:id/replay'), 'postAdminDeadLettersByIdReplay');
    assert.equal(operationIdOf('GET', '/.well-known/jwks.json'), 'getWellKnownJwksJson');
    assert.equal(operationIdOf('GET', '/api/v1/oauth/clients/:clientId'), 'getOauthClientsByClientId');
  });
});

describe('securityOf', () => {
  test('public routes need nothing; others a bearer token carrying the permissions', () => {
    assert.deepEqual(securityOf(undefined), []);
    assert.deepEqual(securityOf('public'), []);
    assert.deepEqual(securityOf('user'), [{ bearer: [] }]);
    assert.deepEqual(securityOf({ permission: 'catalog:write' }), [{ bearer: ['catalog:write'] }]);
    assert.deepEqual(securityOf({ anyPermission: ['a', 'b'] }), [{ bearer: ['a'] }, { bearer: ['b'] }]);
  });
});

describe('optionalDefaults', () => {
  test('a property with a default is not required, in nested objects too; the input is not changed', () => {
    const schema = Type.Object({
      ...PageQuery,
      q: Type.String(),
      nested: Type.Object({ a: Type.Integer({ default: 1 }), b: Type.Integer() }),
      list: Type.Array(Type.Object({ c: Type.Boolean({ default: false }) })),
    });
    const out = optionalDefaults(schema) as {
      required: string[];
      properties: {
        nested: { required: string[] };
        list: { items: { required?: string[] } };
      };
    };
    assert.deepEqual(out.required, ['q', 'nested', 'list']);
    assert.deepEqual(out.properties.nested.required, ['b']);
    assert.equal(out.properties.list.items.required, undefined);
    assert.deepEqual(
      schema.required,
      ['page', 'pageSize', 'q', 'nested', 'list'],
      'the route keeps its schema',
    );
  });
});

describe("the kit's OpenAPI document", () => {
  let app: ServiceApp;
  let doc: Doc;

  before(async () => {
    app = await createApp({
      name: 'openapi-test',
      logger: createLogger({ service: 'openapi-test', level: 'silent' }),
      metrics: createMetrics('openapi-test'),
    });
    app.get(
      '/api/v1/things',
      { schema: { summary: 'List things', querystring: Type.Object({ ...PageQuery, q: Type.String() }) } },
      async (request) => request.query,
    );
    app.get(
      '/api/v1/things/:id',
      {
        config: { auth: 'user' },
        schema: {
          summary: 'One thing',
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
          response: { 200: Type.Object({ id: Type.String(), n: Type.Integer() }), ...problemResponses(404) },
        },
      },
      async (request) => ({ id: request.params.id, n: 1 }),
    );
    app.post(
      '/api/v1/things',
      {
        config: { auth: { permission: 'things:write' } },
        schema: {
          summary: 'Create a thing',
          operationId: 'createThing',
          body: Type.Object({ name: Type.String(), kind: Type.String({ default: 'plain' }) }),
          response: { 201: Type.Object({ name: Type.String() }) },
        },
      },
      async (request, reply) => reply.code(201).send({ name: request.body.name }),
    );
    app.post(
      '/api/v1/things/upload',
      {
        config: {
          auth: 'user',
          documentedBody: {
            content: { 'text/csv': { schema: { type: 'string', examples: ['name\nfirst\n'] } } },
          },
        },
        schema: { summary: 'Upload things', response: { 204: Type.Null() } },
      },
      async (_request, reply) => reply.code(204).send(null),
    );
    app.get(
      '/api/v1/things/search',
      { schema: { summary: 'Search, signed in or not', security: [{}, { bearer: [] }] } },
      async () => ({}),
    );
    await app.ready();
    doc = app.swagger() as unknown as Doc;
  });
  after(() => app.close());

  test('every operation declares its security from its route auth config, unless its schema does', () => {
    assert.deepEqual(doc.paths['/api/v1/things']?.get?.security, []);
    assert.deepEqual(doc.paths['/api/v1/things/{id}']?.get?.security, [{ bearer: [] }]);
    assert.deepEqual(doc.paths['/api/v1/things']?.post?.security, [{ bearer: ['things:write'] }]);
    assert.deepEqual(doc.paths['/api/v1/things/search']?.get?.security, [{}, { bearer: [] }]);
    assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['bearer', 'clientBasic']);
  });

  test('problems are application/problem+json, and the kit adds 400, 401 and 403 where it answers them', () => {
    const one = doc.paths['/api/v1/things/{id}']?.get;
    assert.deepEqual(Object.keys(one?.responses ?? {}).sort(), ['200', '400', '401', '404']);
    for (const status of ['400', '401', '404'])
      assert.deepEqual(Object.keys(one?.responses[status]?.content ?? {}), ['application/problem+json']);
    assert.equal(one?.responses['404']?.description, 'Not Found');
    const create = doc.paths['/api/v1/things']?.post;
    assert.deepEqual(Object.keys(create?.responses ?? {}).sort(), ['201', '400', '401', '403']);
    const example = create?.responses['403']?.content?.['application/problem+json']?.example;
    assert.deepEqual((example as { code: string; status: number }).code, 'FORBIDDEN');
  });

  test('a query parameter or body property with a default is optional, and the handler still gets the default', async () => {
    const params = doc.paths['/api/v1/things']?.get?.parameters ?? [];
    assert.deepEqual(
      params.map((p) => [p.name, p.required]),
      [
        ['page', false],
        ['pageSize', false],
        ['q', true],
      ],
    );
    const body = doc.paths['/api/v1/things']?.post?.requestBody?.content['application/json']?.schema;
    assert.deepEqual(body?.required, ['name']);
    const res = await app.inject({ method: 'GET', url: '/api/v1/things?q=x' });
    assert.deepEqual(res.json(), { page: 1, pageSize: 20, q: 'x' });
  });

  test('every operation has an operationId, its own or derived from method and path', () => {
    assert.equal(doc.paths['/api/v1/things']?.get?.operationId, 'getThings');
    assert.equal(doc.paths['/api/v1/things']?.post?.operationId, 'createThing');
    assert.equal(doc.paths['/api/v1/things/{id}']?.get?.operationId, 'getThingsById');
  });

  test('bodies, successful answers and path parameters get examples; a documented body is rendered', () => {
    const create = doc.paths['/api/v1/things']?.post;
    assert.deepEqual(create?.requestBody?.content['application/json']?.example, {
      name: 'string',
      kind: 'plain',
    });
    assert.deepEqual(create?.responses['201']?.content?.['application/json']?.example, { name: 'string' });
    const id = doc.paths['/api/v1/things/{id}']?.get?.parameters?.find((p) => p.name === 'id');
    assert.match(String(id?.example), /^[0-9a-f-]{36}$/);
    const upload = doc.paths['/api/v1/things/upload']?.post;
    assert.deepEqual(Object.keys(upload?.requestBody?.content ?? {}), ['text/csv']);
    assert.equal(upload?.requestBody?.content['text/csv']?.example, 'name\nfirst\n');
  });
});
