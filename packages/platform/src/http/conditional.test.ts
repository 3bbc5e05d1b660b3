import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Type } from 'typebox';
import { captureLogger } from '@mercato/testing';
import { AppError } from '../errors/index.ts';
import { createMetrics } from '../metrics/index.ts';
import { createApp, type ServiceApp } from './app.ts';
import { checkVersion, parseIfMatch, versionEtag } from './conditional.ts';

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a throw');
}

describe('parseIfMatch', () => {
  test('reads a strong, weak or bare version', () => {
    assert.equal(parseIfMatch('"3"'), 3);
    assert.equal(parseIfMatch('W/"12"'), 12);
    assert.equal(parseIfMatch('7'), 7);
    assert.equal(parseIfMatch(' "4" '), 4);
    assert.equal(parseIfMatch(['"5"', '"6"']), 5);
  });

  test('* matches any version; an absent or empty header means no condition', () => {
    assert.equal(parseIfMatch('*'), '*');
    assert.equal(parseIfMatch(undefined), undefined);
    assert.equal(parseIfMatch(''), undefined);
  });

  test('a malformed value is a 400 VALIDATION_FAILED pointing at the header', () => {
    for (const bad of ['"abc"', 'W/', '"-1"', '"1.5"']) {
      const err = thrown(() => parseIfMatch(bad));
      assert.equal(err.status, 400, bad);
      assert.equal(err.code, 'VALIDATION_FAILED');
      assert.deepEqual(
        err.errors?.map((e) => e.path),
        ['/headers/if-match'],
      );
    }
  });

  test('versionEtag gives back what parseIfMatch reads', () => {
    assert.equal(versionEtag(9), '"9"');
    assert.equal(parseIfMatch(versionEtag(9)), 9);
  });
});

describe('checkVersion', () => {
  test('a stale version is a 412 PRECONDITION_FAILED naming both versions', () => {
    const err = thrown(() => checkVersion(2, 3));
    assert.equal(err.status, 412);
    assert.equal(err.code, 'PRECONDITION_FAILED');
    assert.match(err.message, /2/);
    assert.match(err.message, /3/);
  });

  test('the current version, *, or no condition pass', () => {
    assert.doesNotThrow(() => checkVersion(3, 3));
    assert.doesNotThrow(() => checkVersion('*', 3));
    assert.doesNotThrow(() => checkVersion(undefined, 3));
  });
});

describe('If-Match over HTTP', () => {
  let app: ServiceApp;
  const doc = { version: 1, name: 'first' };

  before(async () => {
    const { logger } = captureLogger('conditional-test');
    app = await createApp({ name: 'conditional-test', logger, metrics: createMetrics('conditional-test') });
    app.put('/docs/1', { schema: { body: Type.Object({ name: Type.String() }) } }, async (request, reply) => {
      checkVersion(parseIfMatch(request.headers['if-match']), doc.version);
      doc.version += 1;
      doc.name = request.body.name;
      reply.header('etag', versionEtag(doc.version));
      return doc;
    });
    await app.ready();
  });
  after(() => app.close());

  test('the current version updates; a stale one answers 412 problem+json and changes nothing', async () => {
    const ok = await app.inject({
      method: 'PUT',
      url: '/docs/1',
      headers: { 'if-match': '"1"' },
      payload: { name: 'second' },
    });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers.etag, '"2"');

    const stale = await app.inject({
      method: 'PUT',
      url: '/docs/1',
      headers: { 'if-match': '"1"', 'x-correlation-id': 'corr-412' },
      payload: { name: 'lost update' },
    });
    assert.equal(stale.statusCode, 412);
    assert.match(String(stale.headers['content-type']), /^application\/problem\+json/);
    const body = stale.json<Record<string, unknown>>();
    assert.equal(body.status, 412);
    assert.equal(body.code, 'PRECONDITION_FAILED');
    assert.equal(body.instance, '/docs/1');
    assert.equal(body.correlationId, 'corr-412');
    assert.deepEqual(doc, { version: 2, name: 'second' });
  });

  test('a malformed If-Match answers 400 with the header path', async () => {
    const res = await app.inject({
      method: 'PUT',
      url: '/docs/1',
      headers: { 'if-match': 'nope' },
      payload: { name: 'x' },
    });
    assert.equal(res.statusCode, 400);
    const body = res.json<{ code: string; errors: { path: string }[] }>();
    assert.equal(body.code, 'VALIDATION_FAILED');
    assert.deepEqual(
      body.errors.map((e) => e.path),
      ['/headers/if-match'],
    );
  });
});
