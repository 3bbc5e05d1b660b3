import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from 'typebox';
import { createLogger } from '../logging/index.ts';
import { createMetrics } from '../metrics/index.ts';
import { createApp } from './app.ts';
import { Nullable } from './schemas.ts';

test('a Nullable field keeps null, keeps its values (0 and "" too) and still validates', async () => {
  const app = await createApp({
    name: 'schemas-test',
    logger: createLogger({ service: 'schemas-test', level: 'silent' }),
    metrics: createMetrics('schemas-test'),
  });
  const Body = Type.Object({
    n: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    s: Type.Optional(Nullable(Type.String({ maxLength: 3 }))),
    anyOf: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  });
  app.post('/echo', { schema: { body: Body } }, async (request) => request.body);
  const echo = async (payload: unknown) =>
    app.inject({ method: 'POST', url: '/echo', payload: payload as object });

  assert.deepEqual((await echo({ n: null, s: null })).json(), { n: null, s: null });
  assert.deepEqual((await echo({ n: 0, s: '' })).json(), { n: 0, s: '' });
  // Bodies are validated without coercion (issue #14, item 4): a numeric string is refused.
  assert.equal((await echo({ n: '7' })).statusCode, 400);
  assert.equal((await echo({ n: -1 })).statusCode, 400);
  assert.equal((await echo({ s: 'long' })).statusCode, 400);
  // The reason it exists: with coercion, an anyOf coerced null through its first branch (to
  // 0). Bodies no longer coerce, so the anyOf keeps null too; query strings still coerce.
  assert.deepEqual((await echo({ anyOf: null })).json(), { anyOf: null });
  await app.close();
});
