// Refunds the PSP never answered: the simulator drops the connection (before doing the work,
// or after it), payment keeps the refund pending, and the reconciler (a periodic worker on
// the service's clock, run here by flush) asks again after a while or fails it at the deadline.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, waitFor } from '@mercato/testing';
import { captured, eventsFor, expectProblem, read, startPayment, type PaymentHarness } from './support.ts';

after(closeTestPglite);

const RETRY_AFTER_MS = 60_000;
const DEADLINE_MS = 3_600_000;

for (const kind of ['pglite', 'pg'] as const) {
  describe(`refunds the PSP never answered (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let h: PaymentHarness;
    before(async () => {
      h = await startPayment(
        kind,
        {},
        {
          PAYMENT_REFUND_RETRY_AFTER_MS: String(RETRY_AFTER_MS),
          PAYMENT_REFUND_DEADLINE_MS: String(DEADLINE_MS),
        },
      );
    });
    after(async () => {
      await h?.close();
    });

    const usd = (amount: number) => ({ amount, currency: 'USD' });
    /** The simulator cuts the next `count` refund calls off: before doing them, or after. */
    async function dropRefunds(count: number, lose: 'request' | 'answer'): Promise<void> {
      const res = await fetch(`${h.pspUrl}/v1/test_helpers/dropped_connections`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_payment_tests', 'content-type': 'application/json' },
        body: JSON.stringify({ path: '/v1/refunds', count, lose }),
      });
      assert.equal(res.status, 200);
    }
    const refundedAtPsp = async (reference: string) =>
      (
        (await (
          await fetch(`${h.pspUrl}/v1/payment_intents/${reference}`, {
            headers: { authorization: 'Bearer sk_test_payment_tests' },
          })
        ).json()) as { amount_refunded: number }
      ).amount_refunded;
    const payment = async (id: string) => (await read(h.svc, `/api/v1/payments/${id}`)).body;
    /** The payment's refunds as stored (the API lists only answered ones). */
    const refundStatuses = async (id: string) =>
      (
        await h.svc.runtime.ctx.database.db
          .selectFrom('refunds')
          .select('status')
          .where('payment_id', '=', id)
          .orderBy('created_at')
          .execute()
      ).map((r) => r.status);
    const refundLedger = async (id: string) =>
      (
        (await read(h.svc, `/api/v1/payments/${id}/transactions`)).body.items as Array<
          Record<string, unknown>
        >
      )
        .filter((t) => t.kind === 'refund')
        .map((t) => [t.status, t.amount]);

    test('a refund call lost on the way: pending until the reconciler asks again after the wait, then done once', async () => {
      const p = await captured(h, 5000);
      await dropRefunds(1, 'request');
      expectProblem(
        await h.post(`/api/v1/payments/${p.id}/refunds`, { amount: usd(2000) }),
        503,
        'DEPENDENCY_UNAVAILABLE',
      );
      assert.deepEqual(await refundStatuses(p.id), ['pending']);
      // Within the wait the reconciler leaves it alone (its first call might still be under way).
      await h.svc.flush();
      assert.deepEqual(await refundStatuses(p.id), ['pending']);
      assert.equal(await refundedAtPsp(p.providerReference), 0);

      h.clock.advance(RETRY_AFTER_MS + 1000);
      await h.svc.flush();
      const after = await payment(p.id);
      assert.deepEqual(await refundStatuses(p.id), ['succeeded']);
      assert.equal(after.refundedAmount, 2000);
      assert.equal(after.status, 'partially_refunded');
      assert.equal(await refundedAtPsp(p.providerReference), 2000);
      assert.equal((await eventsFor(h.svc, 'payment.refunded', p.id)).length, 1);
      assert.deepEqual(await refundLedger(p.id), [
        ['pending', 2000],
        ['succeeded', 2000],
      ]);
      h.clock.advance(-(RETRY_AFTER_MS + 1000));
    });

    test('a refund done but its answer lost: settled by its webhook, and asking again refunds nothing twice', async () => {
      const p = await captured(h, 5000);
      await dropRefunds(1, 'answer');
      expectProblem(
        await h.post(`/api/v1/payments/${p.id}/refunds`, { amount: usd(1500) }),
        503,
        'DEPENDENCY_UNAVAILABLE',
      );
      await waitFor(
        async () => (await payment(p.id)).refunds[0]?.status === 'succeeded',
        10_000,
        'the refund.created webhook',
      );
      h.clock.advance(RETRY_AFTER_MS + 1000);
      await h.svc.flush();
      h.clock.advance(-(RETRY_AFTER_MS + 1000));
      assert.equal(await refundedAtPsp(p.providerReference), 1500);
      assert.equal((await payment(p.id)).refundedAmount, 1500);
      assert.equal((await eventsFor(h.svc, 'payment.refunded', p.id)).length, 1);
    });

    test('a refund the PSP never answers: asked again after the wait, failed at the deadline with its amount free again', async () => {
      const p = await captured(h, 5000);
      await dropRefunds(100, 'request');
      expectProblem(
        await h.post(`/api/v1/payments/${p.id}/refunds`, { amount: usd(5000) }),
        503,
        'DEPENDENCY_UNAVAILABLE',
      );
      // All of it is set aside: nothing more can be refunded meanwhile.
      expectProblem(
        await h.post(`/api/v1/payments/${p.id}/refunds`, { amount: usd(1) }),
        400,
        'PAYMENT_AMOUNT_EXCEEDS_REMAINING',
      );
      h.clock.advance(RETRY_AFTER_MS + 1000);
      await h.svc.flush();
      assert.deepEqual(await refundStatuses(p.id), ['pending'], 'asked again, still no answer');
      h.clock.advance(DEADLINE_MS);
      await h.svc.flush();
      const after = await payment(p.id);
      assert.deepEqual(await refundStatuses(p.id), ['failed']);
      assert.equal(after.refundedAmount, 0);
      assert.equal(after.status, 'captured');
      const ledger = (await read(h.svc, `/api/v1/payments/${p.id}/transactions`)).body.items as Array<{
        kind: string;
        status: string;
        detail: { reason?: string };
      }>;
      const refunds = ledger.filter((t) => t.kind === 'refund');
      assert.deepEqual(
        refunds.map((t) => t.status),
        ['pending', 'pending', 'pending', 'failed'],
      );
      assert.equal(refunds.at(-1)?.detail.reason, 'no_answer');
      assert.equal(await refundedAtPsp(p.providerReference), 0);
      // The PSP answers again: the freed amount can be refunded.
      await dropRefunds(0, 'request');
      const again = await h.post(`/api/v1/payments/${p.id}/refunds`, { amount: usd(5000) });
      assert.equal(again.status, 201, JSON.stringify(again.body));
      assert.equal(again.body.payment.status, 'refunded');
    });
  });
}
