import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError, CommonErrors, PROBLEM_CONTENT_TYPE, defineErrors, toProblem } from './index.ts';

describe('CommonErrors', () => {
  const codes = Object.keys(CommonErrors.catalog) as (keyof typeof CommonErrors.catalog)[];

  test('the catalog is not empty and every code is UPPER_SNAKE_CASE', () => {
    assert.ok(codes.length >= 10);
    for (const code of codes) assert.match(code, /^[A-Z][A-Z0-9_]*$/, code);
  });

  test('every code maps to a 4xx or 5xx status and a title', () => {
    for (const code of codes) {
      const spec = CommonErrors.catalog[code];
      assert.ok(
        Number.isInteger(spec.status) && spec.status >= 400 && spec.status <= 599,
        `${code}: ${spec.status}`,
      );
      assert.ok(spec.title.length > 0, `${code} has a title`);
    }
  });

  test('every factory builds an AppError carrying its code, status and title', () => {
    for (const code of codes) {
      const err = CommonErrors[code]();
      assert.ok(err instanceof AppError);
      assert.ok(err instanceof Error);
      assert.equal(err.code, code);
      assert.equal(err.status, CommonErrors.catalog[code].status);
      assert.equal(err.title, CommonErrors.catalog[code].title);
    }
  });

  test('the statuses the API conventions name are the ones the codes use', () => {
    const status = (c: keyof typeof CommonErrors.catalog) => CommonErrors.catalog[c].status;
    assert.equal(status('VALIDATION_FAILED'), 400);
    assert.equal(status('UNAUTHORIZED'), 401);
    assert.equal(status('FORBIDDEN'), 403);
    assert.equal(status('NOT_FOUND'), 404);
    assert.equal(status('ROUTE_NOT_FOUND'), 404);
    assert.equal(status('PRECONDITION_FAILED'), 412);
    assert.equal(status('PAYLOAD_TOO_LARGE'), 413);
    assert.equal(status('IDEMPOTENCY_KEY_REUSED'), 422);
    assert.equal(status('IDEMPOTENCY_REQUEST_IN_FLIGHT'), 409);
    assert.equal(status('RATE_LIMITED'), 429);
    assert.equal(status('INTERNAL'), 500);
    assert.equal(status('DEPENDENCY_UNAVAILABLE'), 503);
  });
});

describe('defineErrors', () => {
  const Errors = defineErrors({
    INVENTORY_INSUFFICIENT_STOCK: { status: 422, title: 'Not enough stock' },
  });

  test('a factory takes a detail, field errors and headers', () => {
    const cause = new Error('root');
    const err = Errors.INVENTORY_INSUFFICIENT_STOCK('only 2 left', {
      errors: [{ path: '/body/quantity', message: 'too many' }],
      headers: { 'retry-after': '5' },
    });
    assert.equal(err.message, 'only 2 left');
    assert.deepEqual(err.errors, [{ path: '/body/quantity', message: 'too many' }]);
    assert.deepEqual(err.headers, { 'retry-after': '5' });
    assert.equal(Errors.catalog.INVENTORY_INSUFFICIENT_STOCK.status, 422);
    const wrapped = new AppError('X', { status: 500, title: 't' }, 'd', { cause });
    assert.equal(wrapped.cause, cause);
  });

  test('without a detail the message is the title', () => {
    assert.equal(Errors.INVENTORY_INSUFFICIENT_STOCK().message, 'Not enough stock');
  });
});

describe('toProblem', () => {
  test('builds the RFC 9457 body with type, title, status, detail, instance, code, errors and correlationId', () => {
    const err = CommonErrors.VALIDATION_FAILED('name is too short', {
      errors: [{ path: '/body/name', message: 'must NOT have fewer than 2 characters' }],
    });
    assert.deepEqual(toProblem(err, '/api/v1/items', 'corr-1'), {
      type: 'https://mercato.dev/problems/validation-failed',
      title: 'The request is not valid',
      status: 400,
      detail: 'name is too short',
      instance: '/api/v1/items',
      code: 'VALIDATION_FAILED',
      errors: [{ path: '/body/name', message: 'must NOT have fewer than 2 characters' }],
      correlationId: 'corr-1',
    });
  });

  test('leaves out what is absent: no detail when it repeats the title, no empty errors, no instance', () => {
    const p = toProblem(CommonErrors.NOT_FOUND(undefined, { errors: [] }));
    assert.deepEqual(p, {
      type: 'https://mercato.dev/problems/not-found',
      title: 'Resource not found',
      status: 404,
      code: 'NOT_FOUND',
    });
  });

  test('the problem serializes to JSON and the media type is application/problem+json', () => {
    const p = toProblem(CommonErrors.CONFLICT('taken'), '/x', 'c');
    assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
    assert.equal(PROBLEM_CONTENT_TYPE, 'application/problem+json');
  });
});
