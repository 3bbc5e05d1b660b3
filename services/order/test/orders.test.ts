import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService, testAuth } from '@mercato/testing';
import { orderService } from '../src/service.ts';
import {
  ADMIN,
  BODY_TOTAL,
  call,
  createOrder,
  customer,
  eventsFor,
  expectProblem,
  moveTo,
  orderBody,
  SAGA,
  sagaPost,
  type Svc,
} from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`orders from checkout (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    before(async () => {
      svc = await startTestService(orderService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    test('the saga creates a pending order: line snapshots, totals that add up, a readable number, order.created', async () => {
      const buyer = customer();
      const body = orderBody({
        customerId: buyer.subject,
        expectedTotal: { amount: BODY_TOTAL, currency: 'USD' },
      });
      const res = await call(svc, 'POST', '/api/v1/orders', { body, as: SAGA });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const o = res.body;
      assert.equal(o.status, 'pending');
      assert.match(o.number, /^MC-\d{7}$/);
      assert.equal(o.checkoutId, body.checkoutId);
      assert.equal(o.customerId, buyer.subject);
      assert.equal(o.guest, false);
      assert.equal(res.headers.location, `/api/v1/orders/${o.id}`);
      assert.deepEqual(
        o.lines.map(
          (l: {
            sku: string;
            quantity: number;
            discountTotal: { amount: number };
            total: { amount: number };
          }) => [l.sku, l.quantity, l.discountTotal.amount, l.total.amount],
        ),
        [
          ['OCT-M', 2, 300, 2916],
          ['MUG-1', 1, 0, 972],
        ],
      );
      assert.equal(o.lines[0].discounts[0].code, 'TEN');
      assert.deepEqual(
        Object.fromEntries(Object.entries(o.totals).map(([k, v]) => [k, (v as { amount: number }).amount])),
        { subtotal: 3900, discount: 300, shipping: 500, tax: 288, total: BODY_TOTAL, refunded: 0 },
      );
      assert.deepEqual(o.shippingMethod, { code: 'standard', name: 'Standard (3-5 days)' });
      assert.equal(o.shippingAddress.city, 'Springfield');

      const [created] = await eventsFor(svc, 'order.created', o.id);
      assert.equal(created?.data.orderNumber, o.number);
      assert.deepEqual(created?.data.total, { amount: BODY_TOTAL, currency: 'USD' });
      const history = await call(svc, 'GET', `/api/v1/orders/${o.id}/history`, { as: buyer });
      assert.deepEqual(
        history.body.items.map((h: { from: string | null; to: string; actor: string }) => [
          h.from,
          h.to,
          h.actor,
        ]),
        [[null, 'pending', SAGA.subject]],
      );
    });

    test('a repeat for the same checkout answers the same order (200); other content for it is a 409', async () => {
      const body = orderBody();
      const first = await call(svc, 'POST', '/api/v1/orders', { body, as: SAGA });
      const again = await call(svc, 'POST', '/api/v1/orders', { body, as: SAGA });
      assert.equal(first.status, 201);
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.body.number, first.body.number);
      expectProblem(
        await call(svc, 'POST', '/api/v1/orders', {
          body: { ...body, email: 'other@example.com' },
          as: SAGA,
        }),
        409,
        'ORDER_CHECKOUT_CONFLICT',
      );
      assert.equal((await eventsFor(svc, 'order.created', first.body.id)).length, 1);
    });

    test('the same checkout created concurrently yields one order', async () => {
      const body = orderBody();
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => call(svc, 'POST', '/api/v1/orders', { body, as: SAGA })),
      );
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 200, 200, 200, 200, 200, 201]);
      assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
      const rows = await svc.runtime.ctx.database.db
        .selectFrom('orders')
        .select('id')
        .where('checkout_id', '=', body.checkoutId)
        .execute();
      assert.equal(rows.length, 1);
    });

    test('only a service creates orders: a customer or even an admin token is refused', async () => {
      expectProblem(
        await call(svc, 'POST', '/api/v1/orders', { body: orderBody(), as: customer() }),
        403,
        'FORBIDDEN',
      );
      expectProblem(
        await call(svc, 'POST', '/api/v1/orders', { body: orderBody(), as: ADMIN }),
        403,
        'ORDER_SERVICE_ONLY',
      );
      expectProblem(
        await call(svc, 'POST', '/api/v1/orders', { body: orderBody(), as: 'anonymous' }),
        401,
        'UNAUTHORIZED',
      );
    });

    /** How many orders the service holds. */
    const count = async () =>
      Number(
        (
          await svc.runtime.ctx.database.db
            .selectFrom('orders')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    test('bad amounts are refused and nothing is created: wrong currency, a negative price, too big a discount, a wrong expected total', async () => {
      const before = await count();
      const base = orderBody();
      const line = base.lines[1];
      expectProblem(
        await call(svc, 'POST', '/api/v1/orders', {
          body: { ...base, lines: [{ ...line, unitPrice: { amount: 900, currency: 'EUR' } }] },
          as: SAGA,
        }),
        422,
        'ORDER_CURRENCY_MISMATCH',
      );
      expectProblem(
        await call(svc, 'POST', '/api/v1/orders', {
          body: { ...orderBody(), lines: [{ ...line, unitPrice: { amount: -1, currency: 'USD' } }] },
          as: SAGA,
        }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await call(svc, 'POST', '/api/v1/orders', {
          body: { ...orderBody(), lines: [{ ...line, discounts: [{ amount: 901 }] }] },
          as: SAGA,
        }),
        422,
        'ORDER_DISCOUNT_EXCEEDS_LINE',
      );
      expectProblem(
        await call(svc, 'POST', '/api/v1/orders', {
          body: orderBody({ expectedTotal: { amount: BODY_TOTAL + 1, currency: 'USD' } }),
          as: SAGA,
        }),
        422,
        'ORDER_TOTAL_MISMATCH',
      );
      expectProblem(
        await call(svc, 'POST', '/api/v1/orders', { body: orderBody({ lines: [] }), as: SAGA }),
        400,
        'VALIDATION_FAILED',
      );
      const raw = await svc.runtime.app.inject({
        method: 'POST',
        url: '/api/v1/orders',
        headers: { ...(await (await testAuth()).headers(SAGA)), 'content-type': 'application/json' },
        payload: '{"checkoutId": "x",',
      });
      assert.equal(raw.statusCode, 400);
      assert.match(String(raw.headers['content-type']), /problem\+json/);
      assert.equal(await count(), before);
    });

    test('the saga attaches the payment and confirms: order.confirmed once, a repeat answers the same order', async () => {
      const o = await createOrder(svc);
      const paid = await sagaPost(svc, `/api/v1/orders/${o.id}/payment`, { paymentId: 'pay-1' });
      assert.equal(paid.status, 200);
      assert.equal(paid.body.paymentId, 'pay-1');
      expectProblem(
        await sagaPost(svc, `/api/v1/orders/${o.id}/payment`, { paymentId: 'pay-2' }),
        409,
        'ORDER_PAYMENT_CONFLICT',
      );
      const confirmed = await sagaPost(svc, `/api/v1/orders/${o.id}/confirm`);
      assert.equal(confirmed.status, 200);
      assert.equal(confirmed.body.status, 'confirmed');
      const again = await sagaPost(svc, `/api/v1/orders/${o.id}/confirm`);
      assert.equal(again.body.status, 'confirmed');
      assert.equal(again.body.version, confirmed.body.version);
      const events = await eventsFor(svc, 'order.confirmed', o.id);
      assert.equal(events.length, 1);
      assert.equal(events[0]?.data.email, 'buyer@example.com');
    });

    test('the saga’s compensation cancels a pending order without a body; cancelling again changes nothing', async () => {
      const o = await createOrder(svc);
      const res = await call(svc, 'POST', `/api/v1/orders/${o.id}/cancel`, { as: SAGA });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.status, 'cancelled');
      const again = await call(svc, 'POST', `/api/v1/orders/${o.id}/cancel`, { as: SAGA });
      assert.equal(again.body.version, res.body.version);
      const [cancelled] = await eventsFor(svc, 'order.cancelled', o.id);
      assert.equal(cancelled?.data.reason, 'checkout rolled back');
      assert.deepEqual(cancelled?.data.refundDue, { amount: 0, currency: 'USD' });
      expectProblem(await sagaPost(svc, `/api/v1/orders/${o.id}/confirm`), 409, 'ORDER_INVALID_TRANSITION');
    });

    test('staff walk an order through fulfilment; an illegal step is a 409 that changes nothing', async () => {
      const o = await createOrder(svc);
      await sagaPost(svc, `/api/v1/orders/${o.id}/confirm`, { paymentId: 'pay-x' });
      expectProblem(await moveTo(svc, o.id, 'shipped'), 409, 'ORDER_INVALID_TRANSITION');
      const before = (await call(svc, 'GET', `/api/v1/orders/${o.id}`, { as: ADMIN })).body;
      assert.equal(before.status, 'confirmed');
      // Paid arrives from payment (events) or, here, by hand through the state the saga left.
      await svc.runtime.ctx.database.transaction(async (trx) => {
        const { orderRepository } = await import('../src/orders/order-repository.ts');
        const { applyTransition } = await import('../src/orders/order-transitions.ts');
        const row = await orderRepository.find(trx, o.id, { forUpdate: true });
        await applyTransition(trx, svc.runtime.ctx.outbox, row!, 'paid', {
          actor: 'payment',
          reason: 'captured',
        });
      });
      const part = await moveTo(svc, o.id, 'partially_fulfilled', { lines: [{ lineNo: 1, quantity: 1 }] });
      assert.equal(part.status, 200, JSON.stringify(part.body));
      assert.equal(part.body.status, 'partially_fulfilled');
      assert.equal(part.body.lines[0].fulfilledQuantity, 1);
      const rest = await moveTo(svc, o.id, 'partially_fulfilled', {
        lines: [
          { lineNo: 1, quantity: 1 },
          { lineNo: 2, quantity: 1 },
        ],
      });
      assert.equal(rest.body.status, 'fulfilled', 'packing the last units fulfils the order');
      const shipped = await moveTo(svc, o.id, 'shipped', { trackingNumber: 'TRK1' });
      assert.equal(shipped.body.status, 'shipped');
      expectProblem(
        await call(svc, 'POST', `/api/v1/orders/${o.id}/cancel`, { as: ADMIN }),
        409,
        'ORDER_INVALID_TRANSITION',
      );
      const delivered = await moveTo(svc, o.id, 'delivered');
      assert.ok(delivered.body.deliveredAt);
      const done = await moveTo(svc, o.id, 'completed');
      assert.equal(done.body.status, 'completed');
      const history = await call(svc, 'GET', `/api/v1/orders/${o.id}/history`, { as: ADMIN });
      assert.deepEqual(
        history.body.items.map((h: { to: string }) => h.to),
        [
          'pending',
          'confirmed',
          'paid',
          'partially_fulfilled',
          'fulfilled',
          'shipped',
          'cancelled',
          'delivered',
          'completed',
        ].filter((s) => s !== 'cancelled'),
      );
      assert.equal((await eventsFor(svc, 'order.shipped', o.id))[0]?.data.trackingNumber, 'TRK1');
      assert.equal((await eventsFor(svc, 'order.delivered', o.id)).length, 1);
      assert.equal((await eventsFor(svc, 'order.completed', o.id)).length, 1);
    });

    test('If-Match on a transition: a stale version is a 412 and nothing moves', async () => {
      const o = await createOrder(svc);
      await sagaPost(svc, `/api/v1/orders/${o.id}/confirm`);
      const res = await call(svc, 'POST', `/api/v1/orders/${o.id}/transitions`, {
        body: { to: 'completed' },
        headers: { 'if-match': '"1"' },
        as: ADMIN,
      });
      expectProblem(res, 412, 'PRECONDITION_FAILED');
    });

    test('malformed JSON and foreign or malformed order ids are 4xx problems that change nothing', async () => {
      const o = await createOrder(svc);
      const before = await count();
      const auth = await (await testAuth()).headers(SAGA);
      for (const url of [
        '/api/v1/orders',
        `/api/v1/orders/${o.id}/confirm`,
        `/api/v1/orders/${o.id}/cancel`,
      ]) {
        const raw = await svc.runtime.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json', ...auth },
          payload: '{"checkoutId": ',
        });
        assert.equal(raw.statusCode, 400, url);
        assert.match(String(raw.headers['content-type']), /problem\+json/);
      }
      // An id this service never issued: 404; not an id at all: 400 or 404, never a 500.
      expectProblem(
        await sagaPost(svc, '/api/v1/orders/0190a000-0000-7000-8000-000000000000/confirm'),
        404,
        'ORDER_NOT_FOUND',
      );
      const bad = await sagaPost(svc, '/api/v1/orders/not-an-id/confirm');
      assert.ok([400, 404].includes(bad.status), `${bad.status}`);
      assert.match(String(bad.headers['content-type']), /problem\+json/);
      assert.equal(await count(), before);
      const after = await call(svc, 'GET', `/api/v1/orders/${o.id}`, { as: ADMIN });
      assert.equal(after.body.status, 'pending');
      assert.equal(after.body.version, o.version);
    });
  });
}
