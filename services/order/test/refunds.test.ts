import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs } from '@mercato/testing';
import type { PaymentStandIn } from './payment-stand-in.ts';
import {
  ADMIN,
  BODY_TOTAL,
  call,
  createOrder,
  customer,
  eventsFor,
  expectProblem,
  markPaid,
  sagaPost,
  startOrder,
  SUPPORT,
  type Svc,
} from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`refunds through payment (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    let payment: PaymentStandIn;
    let close: () => Promise<void>;
    before(async () => {
      ({ svc, payment, close } = await startOrder(kind));
    });
    after(async () => {
      await close?.();
    });

    async function paidOrder() {
      const o = await createOrder(svc);
      await sagaPost(svc, `/api/v1/orders/${o.id}/confirm`, {
        paymentId: `0190a000-0000-7000-8000-${o.id.slice(-12)}`,
      });
      await markPaid(svc, o.id);
      return o;
    }
    const refund = (id: string, body: unknown, as: object = SUPPORT) =>
      call(svc, 'POST', `/api/v1/orders/${id}/refunds`, { body, as });

    test('support refunds a line, then an amount, then the rest: payment carries each out, the order ends refunded', async () => {
      const o = await paidOrder();
      const line = await refund(o.id, { lines: [{ lineNo: 2, quantity: 1 }], reason: 'broken mug' });
      assert.equal(line.status, 201, JSON.stringify(line.body));
      assert.equal(line.body.refunds[0].amount.amount, 972, "the mug's line total with its tax");
      assert.equal(line.body.refunds[0].status, 'succeeded');
      assert.ok(line.body.refunds[0].paymentRefundId);
      assert.equal(line.body.refundStatus, 'partial');
      assert.equal(line.body.status, 'paid');
      const amount = await refund(o.id, { amount: { amount: 1000, currency: 'USD' } });
      assert.equal(amount.body.totals.refunded.amount, 1972);
      const rest = await refund(o.id, {});
      assert.equal(rest.body.refunds[2].amount.amount, BODY_TOTAL - 1972);
      assert.equal(rest.body.status, 'refunded');
      assert.equal(rest.body.refundStatus, 'full');
      const events = await eventsFor(svc, 'order.refunded', o.id);
      assert.deepEqual(
        events.map((e) => [e.data.amount.amount, e.data.full]),
        [
          [972, false],
          [1000, false],
          [BODY_TOTAL - 1972, true],
        ],
      );
      assert.deepEqual(events[0]?.data.lines, [{ sku: 'MUG-1', quantity: 1 }]);
      assert.equal(payment.refunds.filter((r) => r.paymentId.endsWith(o.id.slice(-12))).length, 3);
    });

    test('bad refunds change nothing: more than left, the wrong currency, lines and amount together, an unpaid order, a customer', async () => {
      const o = await paidOrder();
      expectProblem(
        await refund(o.id, { amount: { amount: BODY_TOTAL + 1, currency: 'USD' } }),
        422,
        'ORDER_REFUND_EXCEEDS_PAID',
      );
      expectProblem(
        await refund(o.id, { amount: { amount: 100, currency: 'EUR' } }),
        422,
        'ORDER_CURRENCY_MISMATCH',
      );
      expectProblem(await refund(o.id, { amount: { amount: 0, currency: 'USD' } }), 400, 'VALIDATION_FAILED');
      expectProblem(
        await refund(o.id, { amount: { amount: 1, currency: 'USD' }, lines: [{ lineNo: 1, quantity: 1 }] }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(await refund(o.id, { lines: [{ lineNo: 7, quantity: 1 }] }), 422, 'ORDER_LINE_NOT_FOUND');
      expectProblem(await refund(o.id, {}, customer()), 403, 'FORBIDDEN');
      const unpaid = await createOrder(svc);
      expectProblem(await refund(unpaid.id, {}), 409, 'ORDER_NOT_PAID');
      const after = await call(svc, 'GET', `/api/v1/orders/${o.id}`, { as: ADMIN });
      assert.equal(after.body.refunds.length, 0);
      assert.equal(after.body.totals.refunded.amount, 0);
    });

    test('20 concurrent partial refunds worth more than the order: the refunded total never exceeds it', async () => {
      const o = await paidOrder();
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => refund(o.id, { amount: { amount: 500, currency: 'USD' } })),
      );
      const ok = answers.filter((a) => a.status === 201).length;
      assert.equal(ok, Math.floor(BODY_TOTAL / 500));
      assert.ok(answers.every((a) => a.status === 201 || a.body.code === 'ORDER_REFUND_EXCEEDS_PAID'));
      const after = (await call(svc, 'GET', `/api/v1/orders/${o.id}`, { as: ADMIN })).body;
      assert.equal(after.totals.refunded.amount, ok * 500);
      assert.ok(after.totals.refunded.amount <= BODY_TOTAL);
      const atPayment = payment.refunds
        .filter((r) => r.paymentId.endsWith(o.id.slice(-12)))
        .reduce((s, r) => s + r.amount, 0);
      assert.equal(atPayment, ok * 500, 'what payment refunded is what the order says');
    });

    test('payment down: the refund stays requested with its amount reserved, and the resender carries it out later', async () => {
      const o = await paidOrder();
      payment.down = true;
      let res;
      try {
        res = await refund(o.id, { amount: { amount: 700, currency: 'USD' } });
      } finally {
        payment.down = false;
      }
      assert.equal(res.status, 201);
      assert.equal(res.body.refunds[0].status, 'requested');
      assert.equal(res.body.totals.refunded.amount, 700);
      const sent = await svc.runtime.parts.refunds.resend(new Date(Date.now() + 60_000), 10);
      assert.ok(sent >= 1);
      const after = (await call(svc, 'GET', `/api/v1/orders/${o.id}`, { as: ADMIN })).body;
      assert.equal(after.refunds[0].status, 'succeeded');
      assert.equal((await eventsFor(svc, 'order.refunded', o.id)).length, 1);
    });

    test('payment refuses a refund: it is marked failed and its amount is free again', async () => {
      const o = await paidOrder();
      payment.captured.set(`0190a000-0000-7000-8000-${o.id.slice(-12)}`, 100);
      const res = await refund(o.id, { amount: { amount: 700, currency: 'USD' } });
      assert.equal(res.status, 201);
      assert.equal(res.body.refunds[0].status, 'failed');
      assert.equal(res.body.totals.refunded.amount, 0);
      assert.equal(res.body.refundStatus, 'none');
    });
  });
}
