import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs } from '@mercato/testing';
import { CUSTOMER, call, expectProblem, startShipping, zoneWithMethod, type Harness } from './support.ts';

after(closeTestPglite);

const quote = (
  country: string,
  lines: Array<{ sku: string; quantity: number; weightGrams: number | null }>,
  subtotal = 5000,
  currency = 'USD',
) => ({
  destination: { country },
  currency,
  subtotal,
  lines,
});

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `shipping zones, methods and quotes (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let h: Harness;
      before(async () => {
        h = await startShipping(kind);
        await zoneWithMethod(h.svc, 'home', ['US']);
      });
      after(async () => {
        await h?.close();
      });

      test('a quote prices the basket by its weight bracket, free past the threshold, with the delivery estimate', async () => {
        const light = await call(h.svc, 'POST', '/api/v1/shipping/quotes', {
          body: quote('US', [{ sku: 'A', quantity: 2, weightGrams: 500 }]),
        });
        assert.equal(light.status, 200, JSON.stringify(light.body));
        assert.equal(light.body.zone, 'home');
        assert.equal(light.body.weightGrams, 1000);
        assert.deepEqual(light.body.options, [
          {
            methodCode: 'standard',
            name: 'Standard',
            kind: 'standard',
            price: { amount: 500, currency: 'USD' },
            free: false,
            estimatedDays: { min: 3, max: 5 },
          },
        ]);
        const heavy = await call(h.svc, 'POST', '/api/v1/shipping/quotes', {
          body: quote('US', [
            { sku: 'A', quantity: 3, weightGrams: 2000 },
            { sku: 'B', quantity: 1, weightGrams: null },
          ]),
        });
        assert.equal(heavy.body.options[0].price.amount, 1500);
        const free = await call(h.svc, 'POST', '/api/v1/shipping/quotes', {
          body: quote('US', [{ sku: 'A', quantity: 1, weightGrams: 500 }], 10_000),
        });
        assert.deepEqual([free.body.options[0].price.amount, free.body.options[0].free], [0, true]);
      });

      test('a destination no zone serves, or another currency, gets no options', async () => {
        const none = await call(h.svc, 'POST', '/api/v1/shipping/quotes', {
          body: quote('JP', [{ sku: 'A', quantity: 1, weightGrams: 1 }]),
        });
        assert.deepEqual(none.body, { zone: null, weightGrams: 1, options: [] });
        const eur = await call(h.svc, 'POST', '/api/v1/shipping/quotes', {
          body: quote('US', [{ sku: 'A', quantity: 1, weightGrams: 1 }], 100, 'EUR'),
        });
        assert.deepEqual(eur.body.options, []);
      });

      test('bad quote input answers 400: negative weight, no lines, a lower-case country, a negative subtotal', async () => {
        for (const body of [
          quote('US', [{ sku: 'A', quantity: 1, weightGrams: -1 }]),
          quote('US', []),
          quote('us', [{ sku: 'A', quantity: 1, weightGrams: 1 }]),
          { ...quote('US', [{ sku: 'A', quantity: 1, weightGrams: 1 }]), subtotal: -5 },
        ]) {
          expectProblem(
            await call(h.svc, 'POST', '/api/v1/shipping/quotes', { body }),
            400,
            'VALIDATION_FAILED',
          );
        }
      });

      test('a country belongs to one active zone: a second claim answers 409 and stores nothing; a duplicate code 409', async () => {
        expectProblem(
          await call(h.svc, 'POST', '/api/v1/shipping/zones', {
            body: { code: 'other', name: 'Other', countries: ['CA', 'US'] },
          }),
          409,
          'SHIPPING_COUNTRY_TAKEN',
        );
        expectProblem(
          await call(h.svc, 'POST', '/api/v1/shipping/zones', {
            body: { code: 'home', name: 'Home', countries: ['MX'] },
          }),
          409,
          'SHIPPING_ZONE_EXISTS',
        );
        const zones = await call(h.svc, 'GET', '/api/v1/shipping/zones');
        assert.deepEqual(
          zones.body.items.map((z: { code: string }) => z.code),
          ['home'],
        );
      });

      test('a zone changes with If-Match only; a stale version answers 412', async () => {
        await zoneWithMethod(h.svc, 'north', ['CA']);
        const got = await call(h.svc, 'GET', '/api/v1/shipping/zones/north');
        assert.equal(got.headers.etag, '"1"');
        const body = { name: 'North', countries: ['CA', 'GL'], active: true };
        const ok = await call(h.svc, 'PUT', '/api/v1/shipping/zones/north', {
          body,
          headers: { 'if-match': '"1"' },
        });
        assert.equal(ok.status, 200, JSON.stringify(ok.body));
        assert.deepEqual(ok.body.countries, ['CA', 'GL']);
        expectProblem(
          await call(h.svc, 'PUT', '/api/v1/shipping/zones/north', { body, headers: { 'if-match': '"1"' } }),
          412,
          'PRECONDITION_FAILED',
        );
        expectProblem(
          await call(h.svc, 'DELETE', '/api/v1/shipping/zones/north'),
          428,
          'PRECONDITION_REQUIRED',
        );
        assert.equal(
          (await call(h.svc, 'DELETE', '/api/v1/shipping/zones/north', { headers: { 'if-match': '"2"' } }))
            .status,
          204,
        );
      });

      test('a rate table out of order or unbounded before its end answers 422 and adds no method', async () => {
        const method = (rates: unknown) => ({
          code: 'bad',
          name: 'Bad',
          kind: 'express',
          rateBasis: 'subtotal',
          rates,
          currency: 'USD',
          transitDays: { min: 1, max: 2 },
        });
        for (const rates of [
          [
            { upTo: 500, amount: 1 },
            { upTo: 100, amount: 2 },
          ],
          [
            { upTo: null, amount: 1 },
            { upTo: 100, amount: 2 },
          ],
        ]) {
          expectProblem(
            await call(h.svc, 'POST', '/api/v1/shipping/zones/home/methods', { body: method(rates) }),
            422,
            'SHIPPING_RATES_INVALID',
          );
        }
        expectProblem(
          await call(h.svc, 'POST', '/api/v1/shipping/zones/home/methods', {
            body: method([{ upTo: null, amount: -5 }]),
          }),
          400,
          'VALIDATION_FAILED',
        );
        const zone = await call(h.svc, 'GET', '/api/v1/shipping/zones/home');
        assert.deepEqual(
          zone.body.methods.map((m: { code: string }) => m.code),
          ['standard'],
        );
      });

      test('zone writes need shipping:write', async () => {
        expectProblem(
          await call(h.svc, 'POST', '/api/v1/shipping/zones', {
            body: { code: 'x', name: 'X', countries: ['FR'] },
            as: CUSTOMER,
          }),
          403,
          'FORBIDDEN',
        );
        expectProblem(
          await call(h.svc, 'POST', '/api/v1/shipping/zones', {
            body: { code: 'x', name: 'X', countries: ['FR'] },
            as: 'anonymous',
          }),
          401,
          'UNAUTHORIZED',
        );
      });
    },
  );
}
