import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { customerService } from '../src/service.ts';
import { ADMIN, SUPPORT, address, call, expectProblem, shopper, type Svc } from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`customer address book (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    before(async () => {
      svc = await startTestService(customerService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    const book = async (me: ReturnType<typeof shopper>) =>
      (await call(svc, me, 'GET', '/api/v1/customers/me/addresses')).body.items as Array<
        Record<string, unknown>
      >;

    test('the first address becomes both defaults; a later default takes the flag from the earlier one', async () => {
      const me = shopper();
      const first = await call(svc, me, 'POST', '/api/v1/customers/me/addresses', {
        body: address({ postalCode: ' 10117 ' }),
      });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.body.postalCode, '10117');
      assert.equal(first.body.defaultShipping, true);
      assert.equal(first.body.defaultBilling, true);
      assert.equal(first.headers.location, `/api/v1/customers/me/addresses/${first.body.id}`);

      const second = await call(svc, me, 'POST', '/api/v1/customers/me/addresses', {
        body: address({
          country: 'GB',
          postalCode: 'sw1a 1aa',
          city: 'London',
          defaultShipping: true,
          phone: '020 7946 0958',
        }),
      });
      assert.equal(second.status, 201, JSON.stringify(second.body));
      assert.equal(second.body.postalCode, 'SW1A 1AA');
      assert.equal(second.body.phone, '+442079460958');
      const items = await book(me);
      assert.deepEqual(
        items.map((a) => [a.id, a.defaultShipping, a.defaultBilling]),
        [
          [first.body.id, false, true],
          [second.body.id, true, false],
        ],
      );
    });

    test("an address that breaks its country's rules answers 422 naming the field, and nothing is stored", async () => {
      const me = shopper();
      const bad = [
        [address({ postalCode: '1011' }), '/postalCode'],
        [address({ country: 'XX' }), '/country'],
        [address({ country: 'US', postalCode: '94105' }), '/region'],
        [address({ phone: '123' }), '/phone'],
      ] as const;
      for (const [body, path] of bad) {
        const res = await call(svc, me, 'POST', '/api/v1/customers/me/addresses', { body });
        const problem = expectProblem(res, 422, 'CUSTOMER_ADDRESS_INVALID');
        assert.equal(problem.errors[0].path, path);
      }
      expectProblem(
        await call(svc, me, 'POST', '/api/v1/customers/me/addresses', { body: { ...address(), line1: '' } }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await call(svc, me, 'POST', '/api/v1/customers/me/addresses', { body: { ...address(), extra: 1 } }),
        400,
        'VALIDATION_FAILED',
      );
      assert.deepEqual(await book(me), []);
    });

    test('the 21st address answers 409 and the book keeps 20, also when added concurrently', async () => {
      const me = shopper();
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          call(svc, me, 'POST', '/api/v1/customers/me/addresses', { body: address({ label: `#${i}` }) }),
        ),
      );
      assert.equal(results.filter((r) => r.status === 201).length, 20);
      for (const r of results.filter((x) => x.status !== 201))
        expectProblem(r, 409, 'CUSTOMER_ADDRESS_LIMIT');
      const items = await book(me);
      assert.equal(items.length, 20);
      assert.equal(items.filter((a) => a.defaultShipping).length, 1);
    });

    test('replace and remove reach only the caller’s own addresses', async () => {
      const me = shopper();
      const other = shopper();
      const mine = (await call(svc, me, 'POST', '/api/v1/customers/me/addresses', { body: address() })).body;
      const url = `/api/v1/customers/me/addresses/${mine.id}`;
      expectProblem(
        await call(svc, other, 'PUT', url, { body: address({ city: 'Hamburg', postalCode: '20095' }) }),
        404,
        'CUSTOMER_ADDRESS_NOT_FOUND',
      );
      expectProblem(await call(svc, other, 'DELETE', url), 404, 'CUSTOMER_ADDRESS_NOT_FOUND');
      const replaced = await call(svc, me, 'PUT', url, {
        body: address({ city: 'Hamburg', postalCode: '20095' }),
      });
      assert.equal(replaced.status, 200);
      assert.equal(replaced.body.city, 'Hamburg');
      assert.equal((await call(svc, me, 'DELETE', url)).status, 204);
      assert.deepEqual(await book(me), []);
    });

    test("other services read one saved address with customers:read; the customer's own token may not", async () => {
      const me = shopper();
      const mine = (await call(svc, me, 'POST', '/api/v1/customers/me/addresses', { body: address() })).body;
      const url = `/api/v1/customers/${me.subject}/addresses/${mine.id}`;
      const checkout = { subject: 'checkout', kind: 'service' as const, permissions: ['customers:read'] };
      const got = await call(svc, checkout, 'GET', url);
      assert.equal(got.status, 200, JSON.stringify(got.body));
      assert.deepEqual(got.body, mine);
      assert.equal(
        (await call(svc, SUPPORT, 'GET', `/api/v1/customers/${me.subject}/addresses`)).body.items.length,
        1,
      );
      expectProblem(await call(svc, me, 'GET', url), 403, 'FORBIDDEN');
      expectProblem(
        await call(svc, ADMIN, 'GET', `/api/v1/customers/${shopper().subject}/addresses/${mine.id}`),
        404,
        'CUSTOMER_ADDRESS_NOT_FOUND',
      );
      expectProblem(await call(svc, checkout, 'GET', '/api/v1/customers/me/addresses'), 403, 'FORBIDDEN');
    });
  });
}
