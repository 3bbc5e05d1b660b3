// Order and payment together, both real, on one event bus, with the PSP simulator behind
// payment (its webhooks over HTTP): a paid order's refunds go from order through payment's
// refund route to the PSP and back as events. A service's own tests may not load another
// service's code, so this is the launcher's (it hosts them all).
import { createMemoryBus } from '@mercato/platform/messaging';
import { newId } from '@mercato/platform/ids';
import { orderService } from '@mercato/order';
import { paymentService } from '@mercato/payment';
import { createPspSimulator, type PspSimulator } from '@mercato/simulators';
import {
  callAs,
  closeTestPglite,
  expectProblem,
  needs,
  startTestService,
  testServiceToken,
  waitFor,
  type Body,
  type MintOptions,
  type Reply,
  type TestService,
} from '@mercato/testing';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

after(closeTestPglite);

const SECRET_KEY = 'sk_test_order_payment';
const PUBLISHABLE_KEY = 'pk_test_order_payment';
const WEBHOOK_SECRET = 'whsec_order_payment_0123456789';

/** The checkout saga: creates orders, authorizes and captures payments. */
const SAGA: MintOptions = {
  subject: 'checkout-service',
  kind: 'service',
  roles: [],
  permissions: ['orders:write', 'orders:read', 'payments:write', 'payments:read'],
};
/** Order's own client-credentials token for its calls to payment outside a request. */
const ORDER_SERVICE: MintOptions = {
  subject: 'order-service',
  kind: 'service',
  roles: [],
  permissions: ['payments:refund', 'payments:read'],
};
const SUPPORT: MintOptions = { subject: '0190a000-0000-7000-8000-0000000005a1', roles: ['support'] };
const ADMIN: MintOptions = { subject: '0190a000-0000-7000-8000-00000000ad01', roles: ['admin'] };

/** Two mugs at 9.00 with 0.72 tax each, 5.00 shipping: 24.44; one mug's share 9.72. */
const TOTAL = 2444;
const ONE_MUG = 972;

/** What the checkout saga sends for a cart of two mugs, guest checkout. */
const orderBody = (): Body => ({
  checkoutId: `chk-${newId()}`,
  email: 'mugs@example.com',
  currency: 'USD',
  lines: [
    {
      sku: 'MUG-1',
      title: 'Mug',
      quantity: 2,
      unitPrice: { amount: 900, currency: 'USD' },
      tax: { amount: 144, currency: 'USD' },
    },
  ],
  shippingAddress: {
    name: 'Grace Guest',
    line1: '2 Side St',
    city: 'Shelbyville',
    postalCode: '54321',
    country: 'US',
  },
  shippingMethod: { code: 'standard', name: 'Standard', cost: { amount: 500, currency: 'USD' } },
});

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `order refunds through the real payment service and PSP (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let psp: PspSimulator;
      let pspUrl: string;
      let payment: TestService<unknown>;
      let order: TestService<unknown>;
      const bus = createMemoryBus();

      before(async () => {
        psp = createPspSimulator({
          secretKey: SECRET_KEY,
          publishableKey: PUBLISHABLE_KEY,
          seed: 7,
          duplicateRate: 0.5,
          maxDelayMs: 20,
          retryBaseMs: 20,
          asyncDelayMs: 30,
        });
        pspUrl = await psp.listen(0);
        payment = (await startTestService(paymentService, kind, {
          bus,
          env: {
            ...process.env,
            PSP_API_URL: pspUrl,
            PSP_SECRET_KEY: SECRET_KEY,
            PSP_WEBHOOK_SECRET: WEBHOOK_SECRET,
          },
        })) as TestService<unknown>;
        const paymentUrl = await payment.runtime.listen(0);
        psp.addWebhookEndpoint(`${paymentUrl}/api/v1/payments/webhooks/simulator`, WEBHOOK_SECRET);
        order = (await startTestService(orderService, kind, {
          bus,
          env: { ...process.env, PAYMENT_URL: paymentUrl },
          serviceToken: testServiceToken(ORDER_SERVICE),
        })) as TestService<unknown>;
      });
      after(async () => {
        await order?.close();
        await payment?.close();
        await psp?.close();
        await bus.close();
      });

      const asSaga = (svc: TestService<unknown>, path: string, body: unknown): Promise<Reply> =>
        callAs(svc, 'POST', path, { body, as: SAGA, headers: { 'idempotency-key': newId() } });
      const readOrder = async (id: string): Promise<Body> =>
        (await callAs(order, 'GET', `/api/v1/orders/${id}`, { as: ADMIN })).body;
      const readPayment = async (id: string): Promise<Body> =>
        (await callAs(payment, 'GET', `/api/v1/payments/${id}`, { as: ADMIN })).body;

      /** Both services' outboxes published and their consumers done, until `done` holds (or 10 s pass). */
      async function settle(done: () => Promise<boolean>, what: string): Promise<void> {
        await waitFor(
          async () => {
            await payment.flush();
            await order.flush();
            return done();
          },
          10_000,
          what,
          20,
        );
      }

      /** An order the saga created, its payment authorized at the PSP and captured (`captured` of it), the order paid. */
      async function paidOrder(captured = TOTAL): Promise<{ orderId: string; paymentId: string }> {
        const created = await asSaga(order, '/api/v1/orders', orderBody());
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const orderId = created.body.id as string;
        const tok = await fetch(`${pspUrl}/v1/tokens`, {
          method: 'POST',
          headers: { authorization: `Bearer ${PUBLISHABLE_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' },
          }),
        });
        const { id: token } = (await tok.json()) as { id: string };
        const authorized = await asSaga(payment, '/api/v1/payments', {
          orderId,
          checkoutId: created.body.checkoutId,
          amount: { amount: TOTAL, currency: 'USD' },
          paymentMethod: { token },
        });
        assert.equal(authorized.status, 201, JSON.stringify(authorized.body));
        const paymentId = authorized.body.id as string;
        const confirmed = await asSaga(order, `/api/v1/orders/${orderId}/confirm`, { paymentId });
        assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
        const capture = await asSaga(payment, `/api/v1/payments/${paymentId}/capture`, {
          amount: { amount: captured, currency: 'USD' },
        });
        assert.equal(capture.status, 200, JSON.stringify(capture.body));
        // payment.captured reaches order over the bus and makes it paid.
        await settle(async () => (await readOrder(orderId)).status === 'paid', 'the order became paid');
        return { orderId, paymentId };
      }

      test('a line, then the rest: each refund is carried out by payment at the PSP, payment and order agree, the order ends refunded', async () => {
        const { orderId, paymentId } = await paidOrder();
        const refund = (body: unknown) =>
          callAs(order, 'POST', `/api/v1/orders/${orderId}/refunds`, { body, as: SUPPORT });

        const line = await refund({ lines: [{ lineNo: 1, quantity: 1 }], reason: 'broken mug' });
        assert.equal(line.status, 201, JSON.stringify(line.body));
        assert.equal(line.body.refunds[0].status, 'succeeded');
        assert.equal(line.body.refunds[0].amount.amount, ONE_MUG);
        let p = await readPayment(paymentId);
        assert.equal(p.status, 'partially_refunded');
        assert.equal(p.refundedAmount, ONE_MUG);
        assert.deepEqual(
          p.refunds.map((r: Body) => r.id),
          [line.body.refunds[0].paymentRefundId],
          "order's refund names payment's",
        );

        const rest = await refund({ reason: 'customer changed their mind' });
        assert.equal(rest.status, 201, JSON.stringify(rest.body));
        assert.equal(rest.body.status, 'refunded');
        assert.equal(rest.body.refunds[1].amount.amount, TOTAL - ONE_MUG);

        // The PSP's refund.created webhooks (delivered twice at times) and payment.refunded
        // events come back to order: nothing is counted twice.
        await settle(async () => {
          const ledger = (
            await callAs(payment, 'GET', `/api/v1/payments/${paymentId}/transactions`, { as: ADMIN })
          ).body;
          return (
            ledger.items.filter((t: Body) => t.kind === 'webhook' && t.detail.type === 'refund.created')
              .length >= 2
          );
        }, 'both refund webhooks reached payment');
        p = await readPayment(paymentId);
        assert.equal(p.status, 'refunded');
        assert.equal(p.refundedAmount, TOTAL);
        assert.equal(p.refunds.length, 2);
        const o = await readOrder(orderId);
        assert.equal(o.totals.refunded.amount, TOTAL);
        assert.equal(o.refunds.length, 2, 'payment.refunded of refunds order asked for adds none');
        assert.ok(o.refunds.every((r: Body) => r.status === 'succeeded'));

        // The PSP holds the same: the intent refunded in full, in two refunds.
        const intent = (await (
          await fetch(`${pspUrl}/v1/payment_intents/${p.providerReference}`, {
            headers: { authorization: `Bearer ${SECRET_KEY}` },
          })
        ).json()) as { amount_received: number; amount_refunded: number };
        assert.deepEqual([intent.amount_received, intent.amount_refunded], [TOTAL, TOTAL]);
        // The ledger balances: its successful refund calls add up to what payment says was refunded.
        const ledger = (
          await callAs(payment, 'GET', `/api/v1/payments/${paymentId}/transactions`, { as: ADMIN })
        ).body;
        const refunded = ledger.items
          .filter((t: Body) => t.kind === 'refund' && t.status === 'succeeded')
          .reduce((s: number, t: Body) => s + Number(t.amount), 0);
        assert.equal(refunded, TOTAL);
      });

      test('a paid order cancelled by support: its cancellation refunds the whole payment at the PSP', async () => {
        const { orderId, paymentId } = await paidOrder();
        const cancelled = await callAs(order, 'POST', `/api/v1/orders/${orderId}/cancel`, {
          body: { reason: 'out of stock' },
          as: SUPPORT,
        });
        assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
        await settle(
          async () => (await readOrder(orderId)).refunds[0]?.status === 'succeeded',
          'the cancellation refund succeeded',
        );
        const p = await readPayment(paymentId);
        assert.equal(p.status, 'refunded');
        assert.equal(p.refundedAmount, TOTAL);
        const o = await readOrder(orderId);
        assert.equal(o.status, 'refunded', 'a cancelled order whose whole payment went back is refunded');
        assert.equal(o.refunds.length, 1);
      });

      test('payment refuses a refund past what it captured: the order records the refusal and gets its amount back', async () => {
        // Captured less than the order's total (a partial capture): order believes all of it was paid.
        const { orderId, paymentId } = await paidOrder(TOTAL - 1000);
        const res = await callAs(order, 'POST', `/api/v1/orders/${orderId}/refunds`, {
          body: {},
          as: SUPPORT,
        });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.equal(res.body.refunds[0].status, 'failed');
        assert.equal(res.body.totals.refunded.amount, 0, 'the reserved amount is free again');
        assert.equal(res.body.status, 'paid');
        const p = await readPayment(paymentId);
        assert.equal(p.refundedAmount, 0);
        assert.equal(p.refunds.length, 0);
        // What payment can refund, order can still ask for.
        const ok = await callAs(order, 'POST', `/api/v1/orders/${orderId}/refunds`, {
          body: { amount: { amount: TOTAL - 1000, currency: 'USD' } },
          as: SUPPORT,
        });
        assert.equal(ok.body.refunds[1].status, 'succeeded', JSON.stringify(ok.body));
        assert.equal((await readPayment(paymentId)).status, 'refunded');
        expectProblem(
          await callAs(order, 'POST', `/api/v1/orders/${orderId}/refunds`, {
            body: { amount: { amount: 1001, currency: 'USD' } },
            as: SUPPORT,
          }),
          422,
          'ORDER_REFUND_EXCEEDS_PAID',
        );
      });
    },
  );
}
