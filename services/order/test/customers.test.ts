import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs } from '@mercato/testing';
import {
  ADMIN,
  call,
  createOrder,
  customer,
  expectProblem,
  markPaid,
  moveTo,
  sagaPost,
  startOrder,
  SUPPORT,
  type Svc,
} from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`customers, guests and staff (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    let close: () => Promise<void>;
    before(async () => {
      ({ svc, close } = await startOrder(kind));
    });
    after(async () => {
      await close?.();
    });

    test('a customer lists their own orders, newest first and paged, and nobody else’s', async () => {
      const me = customer();
      const other = customer();
      const mine = [];
      for (let i = 0; i < 3; i++) mine.push(await createOrder(svc, { customerId: me.subject }));
      await createOrder(svc, { customerId: other.subject });
      const page1 = await call(svc, 'GET', '/api/v1/orders?pageSize=2', { as: me });
      assert.equal(page1.status, 200);
      assert.equal(page1.body.totalCount, 3);
      assert.equal(page1.body.totalPages, 2);
      assert.deepEqual(
        page1.body.items.map((o: { id: string }) => o.id),
        [mine[2].id, mine[1].id],
      );
      const page2 = await call(svc, 'GET', '/api/v1/orders?pageSize=2&page=2', { as: me });
      assert.deepEqual(
        page2.body.items.map((o: { id: string }) => o.id),
        [mine[0].id],
      );
      assert.equal(page1.body.items[0].itemCount, 3);
      // Staff filters are ignored for a customer: they still see only their own.
      const sneaky = await call(svc, 'GET', `/api/v1/orders?customerId=${other.subject}`, { as: me });
      assert.equal(sneaky.body.totalCount, 3);
      expectProblem(await call(svc, 'GET', '/api/v1/orders', { as: 'anonymous' }), 401, 'UNAUTHORIZED');
    });

    test("another customer's order is a 404, the owner's a 200; staff read any", async () => {
      const me = customer();
      const o = await createOrder(svc, { customerId: me.subject });
      assert.equal((await call(svc, 'GET', `/api/v1/orders/${o.id}`, { as: me })).status, 200);
      expectProblem(
        await call(svc, 'GET', `/api/v1/orders/${o.id}`, { as: customer() }),
        404,
        'ORDER_NOT_FOUND',
      );
      expectProblem(
        await call(svc, 'GET', `/api/v1/orders/${o.id}/history`, { as: customer() }),
        404,
        'ORDER_NOT_FOUND',
      );
      expectProblem(
        await call(svc, 'POST', `/api/v1/orders/${o.id}/cancel`, { body: {}, as: customer() }),
        404,
        'ORDER_NOT_FOUND',
      );
      assert.equal((await call(svc, 'GET', `/api/v1/orders/${o.id}`, { as: SUPPORT })).status, 200);
      expectProblem(
        await call(svc, 'GET', '/api/v1/orders/not-a-uuid', { as: me }),
        400,
        'VALIDATION_FAILED',
      );
      const stillPending = await call(svc, 'GET', `/api/v1/orders/${o.id}`, { as: me });
      assert.equal(stillPending.body.status, 'pending');
    });

    test('a guest reads their order with its number and email; a wrong one of the two is a 404', async () => {
      const o = await createOrder(svc, { email: 'Guest@Example.com' });
      assert.equal(o.guest, true);
      const ok = await call(svc, 'POST', '/api/v1/orders/lookup', {
        body: { number: o.number, email: 'guest@example.com' },
        as: 'anonymous',
      });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.id, o.id);
      expectProblem(
        await call(svc, 'POST', '/api/v1/orders/lookup', {
          body: { number: o.number, email: 'someone@example.com' },
          as: 'anonymous',
        }),
        404,
        'ORDER_NOT_FOUND',
      );
      expectProblem(
        await call(svc, 'POST', '/api/v1/orders/lookup', {
          body: { number: 'MC-9999999', email: 'guest@example.com' },
          as: 'anonymous',
        }),
        404,
        'ORDER_NOT_FOUND',
      );
    });

    test('a customer cancels while pending, confirmed or paid, not once fulfilment started; support can until it ships', async () => {
      const me = customer();
      const a = await createOrder(svc, { customerId: me.subject });
      await sagaPost(svc, `/api/v1/orders/${a.id}/confirm`, { paymentId: 'p-a' });
      await markPaid(svc, a.id);
      const cancelled = await call(svc, 'POST', `/api/v1/orders/${a.id}/cancel`, {
        body: { reason: 'changed my mind' },
        as: me,
      });
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      assert.equal(cancelled.body.status, 'cancelled');
      // It was paid: the whole amount is asked back (recorded, reserved in the order).
      assert.equal(cancelled.body.refunds.length, 1);
      assert.equal(cancelled.body.refunds[0].amount.amount, a.totals.total.amount);
      assert.equal(cancelled.body.totals.refunded.amount, a.totals.total.amount);

      const b = await createOrder(svc, { customerId: me.subject });
      await sagaPost(svc, `/api/v1/orders/${b.id}/confirm`);
      await markPaid(svc, b.id);
      await moveTo(svc, b.id, 'fulfilled');
      expectProblem(
        await call(svc, 'POST', `/api/v1/orders/${b.id}/cancel`, { body: {}, as: me }),
        409,
        'ORDER_INVALID_TRANSITION',
      );
      const bySupport = await call(svc, 'POST', `/api/v1/orders/${b.id}/cancel`, {
        body: { reason: 'out of stock' },
        as: SUPPORT,
      });
      assert.equal(bySupport.body.status, 'cancelled');
    });

    test('staff search by number, email, status, date range and total', async () => {
      const tag = `s${Date.now()}`;
      const cheap = await createOrder(svc, { email: `${tag}-a@example.com` });
      const dear = await createOrder(svc, {
        email: `${tag}-b@example.com`,
        shippingMethod: { code: 'express', name: 'Express', cost: { amount: 100_000, currency: 'USD' } },
      });
      await sagaPost(svc, `/api/v1/orders/${dear.id}/confirm`);
      const q = async (query: string) => {
        const res = await call(svc, 'GET', `/api/v1/orders?${query}`, { as: SUPPORT });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body.items.map((o: { id: string }) => o.id);
      };
      assert.deepEqual(await q(`number=${cheap.number}`), [cheap.id]);
      assert.deepEqual(await q(`email=${tag}`), [dear.id, cheap.id]);
      assert.deepEqual(await q(`email=${tag}&status=confirmed`), [dear.id]);
      assert.deepEqual(await q(`email=${tag}&minTotal=100000`), [dear.id]);
      assert.deepEqual(await q(`email=${tag}&maxTotal=99999`), [cheap.id]);
      const from = encodeURIComponent(new Date(Date.now() - 60_000).toISOString());
      const to = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
      assert.deepEqual(await q(`email=${tag}&from=${from}&to=${to}`), [dear.id, cheap.id]);
      assert.deepEqual(await q(`email=${tag}&to=${from}`), []);
      expectProblem(
        await call(svc, 'GET', '/api/v1/orders?minTotal=-1', { as: SUPPORT }),
        400,
        'VALIDATION_FAILED',
      );
    });

    test('internal notes: staff write and read them, a customer cannot even see they exist', async () => {
      const me = customer();
      const o = await createOrder(svc, { customerId: me.subject });
      const added = await call(svc, 'POST', `/api/v1/orders/${o.id}/notes`, {
        body: { body: 'Customer called about the delivery date' },
        as: SUPPORT,
      });
      assert.equal(added.status, 201);
      assert.equal(added.body.author, SUPPORT.subject);
      const listed = await call(svc, 'GET', `/api/v1/orders/${o.id}/notes`, { as: ADMIN });
      assert.deepEqual(
        listed.body.items.map((n: { body: string }) => n.body),
        ['Customer called about the delivery date'],
      );
      expectProblem(await call(svc, 'GET', `/api/v1/orders/${o.id}/notes`, { as: me }), 403, 'FORBIDDEN');
      const view = await call(svc, 'GET', `/api/v1/orders/${o.id}`, { as: me });
      assert.equal(JSON.stringify(view.body).includes('delivery date'), false);
      expectProblem(
        await call(svc, 'POST', `/api/v1/orders/${o.id}/notes`, { body: { body: '' }, as: SUPPORT }),
        400,
        'VALIDATION_FAILED',
      );
    });
  });
}
