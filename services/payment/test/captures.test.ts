// Several captures of one authorization (the PSP simulator's multicapture, for real over HTTP).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newId } from '@mercato/platform/ids';
import { closeTestPglite, needs, testAuth } from '@mercato/testing';
import {
  authorized,
  eventsFor,
  expectProblem,
  read,
  SAGA,
  startPayment,
  type PaymentHarness,
} from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`several captures of one payment (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let h: PaymentHarness;
    before(async () => {
      h = await startPayment(kind);
    });
    after(async () => {
      await h?.close();
    });

    const usd = (amount: number) => ({ amount, currency: 'USD' });
    const intentOf = async (reference: string) =>
      (await (
        await fetch(`${h.pspUrl}/v1/payment_intents/${reference}`, {
          headers: { authorization: 'Bearer sk_test_payment_tests' },
        })
      ).json()) as { status: string; amount_received: number; amount_capturable: number };

    test('captures with final: false up to the authorization, a refund between them, the last one without an amount takes the rest', async () => {
      const p = await authorized(h, { amount: usd(5000) });
      const first = await h.post(`/api/v1/payments/${p.id}/capture`, { amount: usd(1000), final: false });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.status, 'partially_captured');
      assert.equal(first.body.capturedAmount, 1000);
      let pi = await intentOf(p.providerReference);
      assert.deepEqual(
        [pi.status, pi.amount_received, pi.amount_capturable],
        ['requires_capture', 1000, 4000],
      );

      // More than is still capturable: refused, nothing changed (here or at the PSP).
      expectProblem(
        await h.post(`/api/v1/payments/${p.id}/capture`, { amount: usd(4001), final: false }),
        400,
        'PAYMENT_AMOUNT_EXCEEDS_REMAINING',
      );
      // What was captured can be refunded meanwhile; the payment stays capturable.
      const refund = await h.post(`/api/v1/payments/${p.id}/refunds`, { amount: usd(400) });
      assert.equal(refund.status, 201, JSON.stringify(refund.body));
      assert.equal(refund.body.payment.status, 'partially_captured');
      // A partly captured payment is not voided (a final capture ends it).
      expectProblem(await h.post(`/api/v1/payments/${p.id}/void`, {}), 409, 'PAYMENT_INVALID_STATE');

      const second = await h.post(`/api/v1/payments/${p.id}/capture`, { amount: usd(1500), final: false });
      assert.equal(second.body.capturedAmount, 2500);
      const last = await h.post(`/api/v1/payments/${p.id}/capture`, {});
      assert.equal(last.status, 200, JSON.stringify(last.body));
      assert.equal(last.body.capturedAmount, 5000);
      assert.equal(last.body.status, 'partially_refunded', 'all captured, 400 of it refunded');
      assert.equal(last.body.refundedAmount, 400);
      pi = await intentOf(p.providerReference);
      assert.deepEqual([pi.status, pi.amount_received, pi.amount_capturable], ['succeeded', 5000, 0]);
      expectProblem(await h.post(`/api/v1/payments/${p.id}/capture`, {}), 409, 'PAYMENT_INVALID_STATE');

      // The ledger has each capture with its own amount; each capture announced the total so far.
      const ledger = (await read(h.svc, `/api/v1/payments/${p.id}/transactions`)).body.items as Array<{
        kind: string;
        status: string;
        amount: number;
      }>;
      assert.deepEqual(
        ledger.filter((t) => t.kind === 'capture').map((t) => [t.status, t.amount]),
        [
          ['succeeded', 1000],
          ['succeeded', 1500],
          ['succeeded', 2500],
        ],
      );
      const events = await eventsFor(h.svc, 'payment.captured', p.id);
      assert.deepEqual(
        events.map((e) => e.data.amount),
        [1000, 2500, 5000],
      );
    });

    test('bad captures change nothing: zero, negative, another currency, a non-boolean final, malformed JSON, an unknown payment', async () => {
      const p = await authorized(h, { amount: usd(2000) });
      const before = (await read(h.svc, `/api/v1/payments/${p.id}`)).body;
      const capture = (body: unknown) => h.post(`/api/v1/payments/${p.id}/capture`, body);
      expectProblem(await capture({ amount: usd(0) }), 400, 'VALIDATION_FAILED');
      expectProblem(await capture({ amount: usd(-1) }), 400, 'VALIDATION_FAILED');
      expectProblem(await capture({ amount: usd(1), final: 'no' }), 400, 'VALIDATION_FAILED');
      expectProblem(
        await capture({ amount: { amount: 100, currency: 'EUR' } }),
        400,
        'PAYMENT_CURRENCY_MISMATCH',
      );
      expectProblem(await h.post(`/api/v1/payments/${newId()}/capture`, {}), 404, 'PAYMENT_NOT_FOUND');
      const raw = await h.svc.runtime.app.inject({
        method: 'POST',
        url: `/api/v1/payments/${p.id}/capture`,
        headers: {
          'content-type': 'application/json',
          'idempotency-key': newId(),
          ...(await (await testAuth()).headers(SAGA)),
        },
        payload: '{"amount": ',
      });
      assert.equal(raw.statusCode, 400);
      assert.match(String(raw.headers['content-type']), /problem\+json/);
      assert.deepEqual((await read(h.svc, `/api/v1/payments/${p.id}`)).body, before);
      const pi = await intentOf(p.providerReference);
      assert.deepEqual([pi.amount_received, pi.amount_capturable], [0, 2000]);
    });

    test('a capture of part of the authorization without final: false is the last: the rest is released', async () => {
      const p = await authorized(h, { amount: usd(3000) });
      const res = await h.post(`/api/v1/payments/${p.id}/capture`, { amount: usd(1000) });
      assert.equal(res.body.status, 'captured');
      const pi = await intentOf(p.providerReference);
      assert.deepEqual([pi.status, pi.amount_received, pi.amount_capturable], ['succeeded', 1000, 0]);
      expectProblem(
        await h.post(`/api/v1/payments/${p.id}/capture`, { amount: usd(1000) }),
        409,
        'PAYMENT_INVALID_STATE',
      );
    });
  });
}
