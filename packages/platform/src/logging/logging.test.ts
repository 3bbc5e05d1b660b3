import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { captureLogger } from '@mercato/testing';
import { runWithContext } from '../context/index.ts';
import { maskText, maskValue } from './index.ts';

const EMAIL = 'jane.doe@example.com';
const BEARER_TOKEN = 'abcDEF123456.opaque-token_value';
const JWT =
  'eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyLTEiLCJyb2xlcyI6WyJhZG1pbiJdfQ.c2lnbmF0dXJlLXBhcnQtb2YtdGhlLWp3dA';
const CARD = '4242 4242 4242 4242';
const PASSWORD = 'hunter2-correct-horse';
const TOKEN = 'tok_live_5f8a9c2e71';

describe('logger masking', () => {
  test('secret fields and personal data in messages never reach the log in clear', () => {
    const { logger, logs } = captureLogger('test');
    logger.info(
      {
        password: PASSWORD,
        token: TOKEN,
        authorization: `Bearer ${BEARER_TOKEN}`,
        cardNumber: CARD,
        nested: { Password: PASSWORD, headers: { Authorization: `Bearer ${BEARER_TOKEN}` } },
        list: [{ token: TOKEN }],
      },
      `signup for ${EMAIL} with Authorization: Bearer ${BEARER_TOKEN}, id token ${JWT}, paid with ${CARD}`,
    );
    const text = logs.text();
    assert.equal(logs.lines.length, 1);
    for (const secret of [EMAIL, BEARER_TOKEN, JWT, CARD, '4242424242424242', PASSWORD, TOKEN]) {
      assert.ok(!text.includes(secret), `the log holds ${secret}: ${text}`);
    }
    const line = logs.lines[0] as Record<string, unknown>;
    assert.equal(line.password, '[REDACTED]');
    assert.equal(line.token, '[REDACTED]');
    assert.equal(line.authorization, '[REDACTED]');
    assert.equal(line.cardNumber, '[REDACTED]');
    assert.deepEqual(line.nested, { Password: '[REDACTED]', headers: { Authorization: '[REDACTED]' } });
    // Masked, yet still useful for a reader.
    assert.match(String(line.msg), /j\*\*\*@example\.com/);
    assert.match(String(line.msg), /Bearer \[REDACTED\]/);
    assert.match(String(line.msg), /\[CARD-\*\*\*\*4242\]/);
  });

  test('strings in ordinary fields, format arguments and errors are masked too', () => {
    const { logger, logs } = captureLogger('test');
    logger.info({ note: `mail to ${EMAIL}` }, 'first');
    logger.info('user %s paid with %s', EMAIL, CARD);
    logger.error({ err: new Error(`cannot verify ${JWT} for ${EMAIL}`) }, 'verification failed');
    const text = logs.text();
    for (const secret of [EMAIL, JWT, CARD])
      assert.ok(!text.includes(secret), `the log holds ${secret}: ${text}`);
    assert.equal(logs.lines.length, 3);
    const err = logs.lines[2]?.err as { message?: string; type?: string };
    assert.equal(err.type, 'Error');
    assert.match(String(err.message), /\[REDACTED-JWT\]/);
  });

  test("every property of a logged error is masked, as 'err' or as 'error'", () => {
    const { logger, logs } = captureLogger('test');
    // Like a pg unique violation: the duplicate value sits in an own property.
    const dbError = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
      detail: `Key (email)=(${EMAIL}) already exists.`,
      request: { headers: { authorization: `Bearer ${BEARER_TOKEN}` } },
    });
    logger.error({ err: dbError }, 'insert failed');
    logger.error({ error: dbError }, 'insert failed again');
    logger.error({ err: `plain string with ${EMAIL}` }, 'not an Error');
    const text = logs.text();
    for (const secret of [EMAIL, BEARER_TOKEN])
      assert.ok(!text.includes(secret), `the log holds ${secret}: ${text}`);
    const err = logs.lines[0]?.err as Record<string, unknown>;
    assert.equal(err.type, 'Error');
    assert.equal(err.code, '23505');
    assert.equal(err.message, 'duplicate key value violates unique constraint');
    assert.match(String(err.stack), /^Error: duplicate key/);
    assert.match(String(err.detail), /j\*\*\*@example\.com/);
    assert.equal((logs.lines[1]?.error as Record<string, unknown>).code, '23505');
    assert.equal(logs.lines[2]?.err, 'plain string with j***@example.com');
  });

  test('objects nested too deep to be masked are not logged', () => {
    const { logger, logs } = captureLogger('test');
    logger.info({ a: { b: { c: { d: { e: { f: { g: { password: PASSWORD, note: EMAIL } } } } } } } }, 'deep');
    const text = logs.text();
    assert.ok(!text.includes(PASSWORD), text);
    assert.ok(!text.includes(EMAIL), text);
    assert.match(text, /\[Truncated\]/);
  });

  test('fields bound on a child logger are masked like the line itself', () => {
    const { logger, logs } = captureLogger('test');
    logger.child({ email: EMAIL, token: TOKEN }).info('child line');
    logger.child({ component: 'relay' }).child({ owner: EMAIL }).info('grandchild line');
    assert.equal(logs.lines.length, 2);
    assert.equal(logs.lines[0]?.token, '[REDACTED]');
    assert.equal(logs.lines[1]?.component, 'relay');
    const text = logs.text();
    assert.ok(!text.includes(EMAIL), text);
    assert.ok(!text.includes(TOKEN), text);
  });

  test('every line carries the service name, an ISO time and a level label', () => {
    const { logger, logs } = captureLogger('catalog');
    logger.warn('hello');
    const line = logs.lines[0] as Record<string, unknown>;
    assert.equal(line.service, 'catalog');
    assert.equal(line.level, 'warn');
    assert.equal(line.msg, 'hello');
    assert.ok(!Number.isNaN(Date.parse(String(line.time))));
  });
});

describe('logger context', () => {
  test('inside runWithContext, lines carry correlationId and the traceId of the traceparent', async () => {
    const { logger, logs } = captureLogger('test');
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await runWithContext(
      { correlationId: 'corr-42', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      async () => {
        logger.info('sync');
        await new Promise((resolve) => setImmediate(resolve));
        logger.info('after an await');
      },
    );
    logger.info('outside');
    assert.equal(logs.lines.length, 3);
    for (const line of logs.lines.slice(0, 2)) {
      assert.equal(line.correlationId, 'corr-42');
      assert.equal(line.traceId, traceId);
    }
    assert.equal(logs.lines[2]?.correlationId, undefined);
    assert.equal(logs.lines[2]?.traceId, undefined);
  });

  test('without a valid traceparent only the correlationId is stamped', () => {
    const { logger, logs } = captureLogger('test');
    runWithContext({ correlationId: 'corr-7', traceparent: 'garbage' }, () => logger.info('x'));
    assert.equal(logs.lines[0]?.correlationId, 'corr-7');
    assert.equal('traceId' in (logs.lines[0] ?? {}), false);
  });
});

describe('maskText and maskValue', () => {
  test('mask each kind of secret in free text', () => {
    assert.equal(maskText(`to ${EMAIL}`), 'to j***@example.com');
    assert.equal(maskText(`Authorization: Bearer ${BEARER_TOKEN}`), 'Authorization: Bearer [REDACTED]');
    assert.equal(maskText(`token=${JWT}`), 'token=[REDACTED-JWT]');
    assert.equal(maskText(`card ${CARD}`), 'card [CARD-****4242]');
    assert.equal(maskText('card 4242-4242-4242-4242'), 'card [CARD-****4242]');
  });

  test('mask card numbers of every length and grouping that pass the Luhn check', () => {
    assert.equal(maskText('amex 3782 822463 10005'), 'amex [CARD-****0005]');
    assert.equal(maskText('pan=5555555555554444;'), 'pan=[CARD-****4444];');
  });

  test('leave ordinary text, short numbers, timestamps and ids alone', () => {
    const texts = [
      'order 12345 shipped',
      'total 1999 USD',
      'at 1732476502111 ms', // epoch milliseconds: 13 digits, not a card (Luhn fails)
      '0190a6b2-7c1e-7000-8000-000000000000', // a UUID whose last groups are all digits
      'ok',
    ];
    for (const s of texts) {
      assert.equal(maskText(s), s);
    }
  });

  test('maskValue replaces secret keys whatever their case and keeps other values', () => {
    assert.deepEqual(maskValue({ ApiKey: 'k', CVV: '123', amount: 5, ok: true, none: null }), {
      ApiKey: '[REDACTED]',
      CVV: '[REDACTED]',
      amount: 5,
      ok: true,
      none: null,
    });
  });
});
