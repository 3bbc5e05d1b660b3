import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Type } from 'typebox';
import { ConfigError, loadConfig } from './index.ts';

const Schema = Type.Object({
  DATABASE_URL: Type.String({ minLength: 1 }),
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080 }),
  RATE_LIMIT: Type.Number({ default: 1.5 }),
  DEBUG: Type.Boolean({ default: false }),
  LOG_LEVEL: Type.String({ default: 'info' }),
  REDIS_URL: Type.Optional(Type.String()),
});

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected loadConfig to throw');
}

describe('loadConfig', () => {
  test('when a required variable is missing, the ConfigError names it', () => {
    const err = configError(() => loadConfig(Schema, {}));
    assert.equal(err.name, 'ConfigError');
    assert.match(err.message, /DATABASE_URL/);
    assert.match(err.message, /required/);
  });

  test('an empty required variable counts as missing', () => {
    const err = configError(() => loadConfig(Schema, { DATABASE_URL: '' }));
    assert.match(err.message, /DATABASE_URL: required/);
  });

  test('when a number is malformed, the message names the variable and the value given', () => {
    const err = configError(() => loadConfig(Schema, { DATABASE_URL: 'postgres://x', PORT: 'eighty' }));
    assert.match(err.message, /PORT/);
    assert.match(err.message, /"eighty"/);
    assert.doesNotMatch(err.message, /DATABASE_URL/);
  });

  test('a number outside its bounds is rejected with the variable and value', () => {
    const err = configError(() => loadConfig(Schema, { DATABASE_URL: 'postgres://x', PORT: '70000' }));
    assert.match(err.message, /PORT/);
    assert.match(err.message, /70000/);
  });

  test('a fractional value for an integer is rejected', () => {
    const err = configError(() => loadConfig(Schema, { DATABASE_URL: 'postgres://x', PORT: '80.5' }));
    assert.match(err.message, /PORT/);
  });

  test('defaults apply to unset variables and optional ones stay absent', () => {
    const cfg = loadConfig(Schema, { DATABASE_URL: 'postgres://x' });
    assert.deepEqual(cfg, {
      DATABASE_URL: 'postgres://x',
      PORT: 8080,
      RATE_LIMIT: 1.5,
      DEBUG: false,
      LOG_LEVEL: 'info',
    });
    assert.equal('REDIS_URL' in cfg, false);
  });

  test('set variables win over defaults, with integers, numbers and booleans converted', () => {
    const cfg = loadConfig(Schema, {
      DATABASE_URL: 'postgres://x',
      PORT: '9090',
      RATE_LIMIT: '2.25',
      DEBUG: 'true',
      LOG_LEVEL: 'debug',
      REDIS_URL: 'redis://r',
    });
    assert.equal(cfg.PORT, 9090);
    assert.equal(cfg.RATE_LIMIT, 2.25);
    assert.equal(cfg.DEBUG, true);
    assert.equal(cfg.LOG_LEVEL, 'debug');
    assert.equal(cfg.REDIS_URL, 'redis://r');
  });

  test('"false" and "0" read as false, "1" as true', () => {
    const base = { DATABASE_URL: 'postgres://x' };
    assert.equal(loadConfig(Schema, { ...base, DEBUG: 'false' }).DEBUG, false);
    assert.equal(loadConfig(Schema, { ...base, DEBUG: '0' }).DEBUG, false);
    assert.equal(loadConfig(Schema, { ...base, DEBUG: '1' }).DEBUG, true);
  });

  test('a boolean that is not one is rejected, naming the variable', () => {
    const err = configError(() => loadConfig(Schema, { DATABASE_URL: 'postgres://x', DEBUG: 'maybe' }));
    assert.match(err.message, /DEBUG/);
    assert.match(err.message, /"maybe"/);
  });

  test('variables outside the schema are ignored', () => {
    const cfg = loadConfig(Schema, { DATABASE_URL: 'postgres://x', UNRELATED: 'y' });
    assert.equal('UNRELATED' in cfg, false);
  });

  test('every failing variable is named at once', () => {
    const err = configError(() => loadConfig(Schema, { PORT: 'x' }));
    assert.match(err.message, /DATABASE_URL/);
    assert.match(err.message, /PORT/);
  });
});
