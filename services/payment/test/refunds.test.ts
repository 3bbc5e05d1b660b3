import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, testAuth } from '@mercato/testing';
import { newId } from '@mercato/platform/ids';
import {
  call,
  captured,
  eventsFor,
  expectProblem,
  read,
  SAGA,
  startPayment,
  type PaymentHarness,
} from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`refunds (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let h: PaymentHarness;
    before(async () => {
      h = await startPayment(kind);
    });
    after(async () => {
      await h?.close();
    });

    test('several partial refunds up to the capture; the last makes it refunded; one more is refused and changes nothing', async () => {
      const p = await captured(h, 5000);
      const first = await h.post(`/api/v1/payments/${p.id}/refunds`, {
        amount: { amount: 1500, currency: 'USD' },
        reason: 'damaged',
      });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.body.refund.amount, 1500);
      assert.equal(first.body.refund.status, 'succeeded');
      assert.match(first.body.refund.providerReference, /^re_/);
      assert.equal(first.body.payment.status, 'partially_refunded');
      const rest = await h.post(`/api/v1/payments/${p.id}/refunds`, {});
      assert.equal(rest.body.refund.amount, 3500, 'no amount: all that is left');
      assert.equal(rest.body.payment.status, 'refunded');
      assert.equal(rest.body.payment.refundedAmount, 5000);
      const more = expectProblem(
        await h.post(`/api/v1/payments/${p.id}/refunds`, { amount: { amount: 1, currency: 'USD' } }),
        409,
        'PAYMENT_INVALID_STATE',
      );
      assert.match(more.detail, /refunded/);
      const events = await eventsFor(h.svc, 'payment.refunded', p.id);
      assert.deepEqual(
        events.map((e) => [e.data.amount, e.data.refundedTotal, e.data.fullyRefunded]),
        [
          [1500, 1500, false],
          [3500, 5000, true],
        ],
      );
    });

    test('20 concurrent partial refunds whose sum exceeds the capture never refund more than it, and the ledger balances', async () => {
      const p = await captured(h, 10_000);
      // 20 × 700 = 14,000 asked of 10,000 captured: at most 14 can succeed.
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          h.post(`/api/v1/payments/${p.id}/refunds`, { amount: { amount: 700, currency: 'USD' } }),
        ),
      );
      const ok = answers.filter((a) => a.status === 201);
      const refused = answers.filter((a) => a.status !== 201);
      for (const r of refused) expectProblem(r, 400, 'PAYMENT_AMOUNT_EXCEEDS_REMAINING');
      assert.equal(ok.length, 14, `${ok.length} succeeded`);
      const after = (await read(h.svc, `/api/v1/payments/${p.id}`)).body;
      assert.equal(after.refundedAmount, 9800);
      assert.ok(after.refundedAmount <= after.capturedAmount);
      assert.equal(after.refunds.length, 14);
      assert.equal(after.status, 'partially_refunded');
      // The ledger: succeeded refund calls sum to what the payment says was refunded, and the
      // provider agrees (its intent's amount_refunded).
      const ledger = (await read(h.svc, `/api/v1/payments/${p.id}/transactions`)).body.items as Array<{
        kind: string;
        status: string;
        amount: number;
      }>;
      const refundedInLedger = ledger
        .filter((t) => t.kind === 'refund' && t.status === 'succeeded')
        .reduce((s, t) => s + t.amount, 0);
      assert.equal(refundedInLedger, 9800);
      const pi = (await (
        await fetch(`${h.pspUrl}/v1/payment_intents/${p.providerReference}`, {
          headers: { authorization: 'Bearer sk_test_payment_tests' },
        })
      ).json()) as { amount_refunded: number };
      assert.equal(pi.amount_refunded, 9800);
      assert.equal((await eventsFor(h.svc, 'payment.refunded', p.id)).length, 14);
      // What is left can still be refunded, exactly.
      const last = await h.post(`/api/v1/payments/${p.id}/refunds`, {
        amount: { amount: 200, currency: 'USD' },
      });
      assert.equal(last.body.payment.status, 'refunded');
    });

    test('bad refunds change nothing: zero, over the remainder, another currency, not captured, unknown payment, malformed JSON', async () => {
      const p = await captured(h, 3000);
      const before = (await read(h.svc, `/api/v1/payments/${p.id}`)).body;
      expectProblem(
        await h.post(`/api/v1/payments/${p.id}/refunds`, { amount: { amount: 0, currency: 'USD' } }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await h.post(`/api/v1/payments/${p.id}/refunds`, { amount: { amount: -5, currency: 'USD' } }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await h.post(`/api/v1/payments/${p.id}/refunds`, { amount: { amount: 3001, currency: 'USD' } }),
        400,
        'PAYMENT_AMOUNT_EXCEEDS_REMAINING',
      );
      const eur = expectProblem(
        await h.post(`/api/v1/payments/${p.id}/refunds`, { amount: { amount: 100, currency: 'EUR' } }),
        400,
        'PAYMENT_CURRENCY_MISMATCH',
      );
      assert.equal(eur.errors[0].path, '/body/amount/currency');
      expectProblem(await h.post(`/api/v1/payments/${newId()}/refunds`, {}), 404, 'PAYMENT_NOT_FOUND');
      const sagaAuth = await (await testAuth()).headers(SAGA);
      const raw = await h.svc.runtime.app.inject({
        method: 'POST',
        url: `/api/v1/payments/${p.id}/refunds`,
        headers: { 'content-type': 'application/json', 'idempotency-key': newId(), ...sagaAuth },
        payload: '{"amount": {',
      });
      assert.equal(raw.statusCode, 400);
      assert.match(String(raw.headers['content-type']), /problem\+json/);
      const after = (await read(h.svc, `/api/v1/payments/${p.id}`)).body;
      assert.deepEqual(after, before);
      // A payment only authorized has nothing to refund.
      const auth = (await h.authorize()).body;
      expectProblem(await h.post(`/api/v1/payments/${auth.id}/refunds`, {}), 409, 'PAYMENT_INVALID_STATE');
      // And a customer cannot refund.
      expectProblem(
        await call(h.svc, 'POST', `/api/v1/payments/${p.id}/refunds`, {
          as: { subject: 'c', roles: ['customer'] },
          body: {},
          headers: { 'idempotency-key': newId() },
        }),
        403,
        'FORBIDDEN',
      );
    });
  });
}
