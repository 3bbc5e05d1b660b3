import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import { closeTestPglite, needs } from '@mercato/testing';
import { call, expectProblem, startPayment, type PaymentHarness } from './support.ts';

after(closeTestPglite);

const ALICE = { subject: 'cust-alice', roles: ['customer'] };
const BOB = { subject: 'cust-bob', roles: ['customer'] };

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `saved payment methods, fraud check and card data (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let h: PaymentHarness;
      before(async () => {
        h = await startPayment(kind);
      });
      after(async () => {
        await h?.close();
      });

      const save = async (as: typeof ALICE, token: string) =>
        call(h.svc, 'POST', '/api/v1/payment-methods', {
          as,
          body: { token },
          headers: { 'idempotency-key': newId() },
        });

      test('a customer saves cards, lists only their own, pays with one, and deletes it (404 for someone else)', async () => {
        const visa = await save(ALICE, await h.token('4242424242424242'));
        assert.equal(visa.status, 201, JSON.stringify(visa.body));
        assert.deepEqual(
          {
            brand: visa.body.brand,
            last4: visa.body.last4,
            expMonth: visa.body.expMonth,
            country: visa.body.country,
          },
          { brand: 'visa', last4: '4242', expMonth: 12, country: 'US' },
        );
        const mc = await save(ALICE, await h.token('5555555555554444'));
        await save(BOB, await h.token('4242424242424242'));
        const mine = await call(h.svc, 'GET', '/api/v1/payment-methods', { as: ALICE });
        assert.deepEqual(
          mine.body.items.map((m: { last4: string }) => m.last4),
          ['4242', '4444'],
        );
        // Paying twice with the saved card (a single-use token could not).
        for (let i = 0; i < 2; i++) {
          const p = await h.authorize({
            customerId: ALICE.subject,
            paymentMethod: { savedMethodId: mc.body.id },
          });
          assert.equal(p.body.status, 'authorized', JSON.stringify(p.body));
          assert.equal(p.body.savedMethodId, mc.body.id);
          assert.equal(p.body.card.last4, '4444');
        }
        expectProblem(
          await h.authorize({ customerId: BOB.subject, paymentMethod: { savedMethodId: mc.body.id } }),
          404,
          'PAYMENT_METHOD_NOT_FOUND',
        );
        expectProblem(
          await call(h.svc, 'DELETE', `/api/v1/payment-methods/${mc.body.id}`, { as: BOB }),
          404,
          'PAYMENT_METHOD_NOT_FOUND',
        );
        assert.equal(
          (await call(h.svc, 'DELETE', `/api/v1/payment-methods/${mc.body.id}`, { as: ALICE })).status,
          204,
        );
        assert.deepEqual(
          (await call(h.svc, 'GET', '/api/v1/payment-methods', { as: ALICE })).body.items.map(
            (m: { last4: string }) => m.last4,
          ),
          ['4242'],
        );
        expectProblem(
          await h.authorize({ customerId: ALICE.subject, paymentMethod: { savedMethodId: mc.body.id } }),
          404,
          'PAYMENT_METHOD_NOT_FOUND',
        );
        expectProblem(await save(ALICE, 'tok_doesnotexist1234'), 400, 'PAYMENT_TOKEN_INVALID');
      });

      test('paying with save: true keeps the card for the customer; without a customerId it is refused', async () => {
        const p = await h.authorize({
          customerId: 'cust-carol',
          paymentMethod: { token: await h.token('378282246310005'), save: true },
        });
        assert.equal(p.body.status, 'authorized', JSON.stringify(p.body));
        const list = await call(h.svc, 'GET', '/api/v1/payment-methods', {
          as: { subject: 'cust-carol', roles: ['customer'] },
        });
        assert.equal(list.body.items[0].id, p.body.savedMethodId);
        assert.equal(list.body.items[0].brand, 'amex');
        expectProblem(
          await h.authorize({ paymentMethod: { token: await h.token(), save: true } }),
          400,
          'PAYMENT_CUSTOMER_REQUIRED',
        );
      });

      test('the fraud check: a country mismatch on a large amount goes to review, card velocity with it is denied before the provider', async () => {
        const review = await h.authorize({
          amount: { amount: 150_000, currency: 'USD' },
          billingCountry: 'US',
          paymentMethod: { token: await h.token('4000000760000002') },
        });
        assert.equal(review.body.status, 'authorized');
        assert.deepEqual(review.body.risk, {
          score: 60,
          decision: 'review',
          reasons: ['large_amount', 'billing_country_mismatch'],
        });
        // Five payments with one card within the hour, then a sixth from another country's IP.
        const pm = await save(
          { subject: 'cust-fast', roles: ['customer'] },
          await h.token('4000002760000016'),
        );
        for (let i = 0; i < 5; i++) {
          const ok = await h.authorize({
            customerId: 'cust-fast',
            amount: { amount: 1000, currency: 'USD' },
            paymentMethod: { savedMethodId: pm.body.id },
          });
          assert.equal(ok.body.risk.decision, 'allow');
        }
        const denied = await h.authorize({
          customerId: 'cust-fast',
          ipCountry: 'US',
          billingCountry: 'US',
          amount: { amount: 1000, currency: 'USD' },
          paymentMethod: { savedMethodId: pm.body.id },
        });
        assert.equal(denied.body.status, 'failed');
        assert.equal(denied.body.failure.code, 'fraud_denied');
        assert.equal(denied.body.risk.decision, 'deny');
        assert.deepEqual(denied.body.risk.reasons, [
          'card_velocity',
          'billing_country_mismatch',
          'ip_country_mismatch',
        ]);
        assert.equal(denied.body.providerReference, null, 'the provider was never asked');
      });

      test('no card number or CVC reaches the database or the logs', async () => {
        const numbers = [
          '4242424242424242',
          '5555555555554444',
          '378282246310005',
          '4000000760000002',
          '4000002760000016',
          '4000000000003220',
          '4000000000000002',
        ];
        await h.authorize({ paymentMethod: { token: await h.token('4000000000003220') } });
        await h.authorize({ paymentMethod: { token: await h.token('4000000000000002') } });
        await h.svc.flush();
        const db = h.svc.runtime.ctx.database;
        // Every table of the service's schema, every row, as JSON text.
        const tables = await sql<{
          table_name: string;
        }>`select table_name from information_schema.tables where table_schema = ${db.schema}`.execute(db.db);
        let dump = '';
        for (const t of tables.rows) {
          const rows =
            await sql`select row_to_json(x)::text as j from ${sql.table(`${db.schema}.${t.table_name}`)} x`.execute(
              db.db,
            );
          dump += rows.rows.map((r) => (r as { j: string }).j).join('\n');
        }
        assert.ok(dump.includes('4242'), 'the dump has the payments (last4)');
        const logs = h.svc.logs.text();
        assert.ok(logs.length > 0);
        for (const n of numbers) {
          assert.ok(!dump.includes(n), `card number ${n} in the database`);
          assert.ok(!logs.includes(n), `card number ${n} in the logs`);
        }
        // The tests' CVC is "123": it appears nowhere as a cvc field.
        assert.ok(!/cvc/i.test(dump), 'a cvc field in the database');
        assert.ok(!/"cvc"/i.test(logs), 'a cvc field in the logs');
      });
    },
  );
}
