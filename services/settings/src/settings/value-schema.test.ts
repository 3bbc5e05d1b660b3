import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '@mercato/platform/errors';
import { assertValueMatches, compileValueSchema } from './value-schema.ts';

function codeOf(fn: () => void): { code: string; paths: string[] } | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    return { code: err.code, paths: (err.errors ?? []).map((e) => e.path) };
  }
}

describe('setting value schemas', () => {
  test('{} and true accept any JSON; false accepts nothing', () => {
    for (const v of [null, 1, 'x', [1], { a: 1 }]) {
      assert.equal(
        codeOf(() => assertValueMatches('k', {}, v)),
        undefined,
      );
      assert.equal(
        codeOf(() => assertValueMatches('k', true, v)),
        undefined,
      );
      assert.equal(codeOf(() => assertValueMatches('k', false, v))?.code, 'SETTINGS_VALUE_INVALID');
    }
  });

  test('formats are checked (ajv-formats), e.g. email and uri', () => {
    const schema = {
      type: 'object',
      properties: { to: { type: 'string', format: 'email' }, url: { format: 'uri' } },
    };
    assert.equal(
      codeOf(() => assertValueMatches('k', schema, { to: 'a@b.example', url: 'https://x.example/' })),
      undefined,
    );
    assert.deepEqual(
      codeOf(() => assertValueMatches('k', schema, { to: 'nope', url: 'not a uri' })),
      {
        code: 'SETTINGS_VALUE_INVALID',
        paths: ['/body/value/to', '/body/value/url'],
      },
    );
  });

  test('a draft-07 $schema is accepted, and two settings may reuse one $id', () => {
    const a = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://mercato.dev/s/limit',
      type: 'integer',
    };
    const b = { $id: 'https://mercato.dev/s/limit', type: 'string' };
    assert.equal(compileValueSchema(a)(3), true);
    assert.equal(compileValueSchema(b)('x'), true);
    assert.equal(compileValueSchema(b)(3), false);
  });

  test('unknown keywords, unknown formats, bad keyword values and non-schemas do not compile (400)', () => {
    for (const schema of [
      { maxLenght: 3 },
      { format: 'colour' },
      { type: 'text' },
      { minimum: '1' },
      42,
      [],
    ]) {
      assert.deepEqual(
        codeOf(() => compileValueSchema(schema)),
        {
          code: 'SETTINGS_SCHEMA_INVALID',
          paths: ['/body/schema'],
        },
        JSON.stringify(schema),
      );
    }
  });
});
