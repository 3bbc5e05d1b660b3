// A route contract serves both sides: the service mounts it (contractRoute) and a caller's
// typed client is built from it. Tested through a real kit app listening on a port.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defineRoutes } from '@mercato/contracts';
import { captureLogger } from '@mercato/testing';
import { Type } from 'typebox';
import { CommonErrors } from '../errors/index.ts';
import { contractRoute } from '../http/contract-route.ts';
import { createApp, type ServiceApp } from '../http/app.ts';
import { createMetrics } from '../metrics/index.ts';
import { createServiceClient } from './service-client.ts';
import { createTypedClient, fillPath, type TypedClient } from './typed-client.ts';

const Note = Type.Object({ id: Type.String(), text: Type.String() });
const notesApi = defineRoutes({
  create: {
    method: 'POST',
    path: '/api/v1/notes',
    summary: 'Create a note',
    body: Type.Object({ text: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    response: { 201: Note },
    errors: [400, 409],
    idempotencyKey: 'required',
  },
  get: {
    method: 'GET',
    path: '/api/v1/notes/:id',
    summary: 'A note',
    params: Type.Object({ id: Type.String() }),
    querystring: Type.Object({ upper: Type.Optional(Type.Boolean()) }),
    response: { 200: Note },
    errors: [404],
  },
});

describe('typed clients from route contracts', () => {
  let app: ServiceApp;
  let client: TypedClient<typeof notesApi>;
  const seen: Array<{ idempotencyKey?: string; url: string }> = [];

  before(async () => {
    const { logger } = captureLogger('notes');
    app = await createApp({ name: 'notes', logger, metrics: createMetrics('notes') });
    app.route({
      ...contractRoute(notesApi.create, ['notes']),
      handler: async (request, reply) => {
        seen.push({ idempotencyKey: request.headers['idempotency-key'] as string, url: request.url });
        if (request.body.text === 'taken') throw CommonErrors.CONFLICT('a note with this text exists');
        return reply.code(201).send({ id: 'n1', text: request.body.text });
      },
    });
    app.route({
      ...contractRoute(notesApi.get, ['notes']),
      handler: async (request) => {
        seen.push({ url: request.url });
        if (request.params.id === 'missing') throw CommonErrors.NOT_FOUND('no such note');
        const text = `note ${request.params.id}`;
        return { id: request.params.id, text: request.query.upper ? text.toUpperCase() : text };
      },
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    client = createTypedClient(notesApi, createServiceClient({ name: 'notes', baseUrl: url }));
  });
  after(async () => {
    await client.http.close();
    await app.close();
  });

  test('a success answers ok with its status and typed body; the idempotency key is sent', async () => {
    const res = await client.create({ body: { text: 'hello' }, idempotencyKey: 'k-1' });
    assert.equal(res.ok, true);
    if (!res.ok) return;
    assert.equal(res.status, 201);
    assert.deepEqual(res.body, { id: 'n1', text: 'hello' });
    assert.equal(seen.at(-1)?.idempotencyKey, 'k-1');
  });

  test('path parameters are encoded and the query is sent', async () => {
    const res = await client.get({ params: { id: 'a b/c' }, query: { upper: true } });
    assert.equal(res.ok && res.body.text, 'NOTE A B/C');
    assert.equal(seen.at(-1)?.url, '/api/v1/notes/a%20b%2Fc?upper=true');
  });

  test("a 4xx answers not ok with the service's problem, whose code the caller can act on", async () => {
    const conflict = await client.create({ body: { text: 'taken' }, idempotencyKey: 'k-2' });
    assert.equal(conflict.ok, false);
    assert.equal(conflict.status, 409);
    assert.equal(!conflict.ok && conflict.body.code, 'CONFLICT');
    const missing = await client.get({ params: { id: 'missing' } });
    assert.equal(!missing.ok && missing.body.code, 'NOT_FOUND');
  });

  test('the mounted route validates by the contract: a body it refuses never reaches the handler', async () => {
    const before = seen.length;
    const res = await client.create({ body: { text: '' }, idempotencyKey: 'k-3' });
    assert.equal(res.status, 400);
    assert.equal(!res.ok && res.body.errors?.[0]?.path, '/body/text');
    assert.equal(seen.length, before);
  });

  test('the mounted route documents its problems in its OpenAPI operation', async () => {
    const spec = app.swagger() as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    assert.deepEqual(Object.keys(spec.paths['/api/v1/notes']?.post?.responses ?? {}).sort(), [
      '201',
      '400',
      '409',
    ]);
  });

  test('a missing path parameter is a programming error, not a request', () => {
    assert.throws(() => fillPath('/a/:id', {}), /path parameter id of \/a\/:id is missing/);
  });
});
