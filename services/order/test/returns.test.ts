import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, type ManualClock } from '@mercato/testing';
import {
  ADMIN,
  call,
  customer,
  deliveredOrder,
  eventsFor,
  expectProblem,
  startOrder,
  type SettingsStandIn,
  type Svc,
} from './support.ts';

after(closeTestPglite);

const DAY = 86_400_000;

for (const kind of ['pglite', 'pg'] as const) {
  describe(`returns (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    let settings: SettingsStandIn;
    let clock: ManualClock;
    let close: () => Promise<void>;
    before(async () => {
      ({ svc, settings, clock, close } = await startOrder(kind));
    });
    after(async () => {
      await close?.();
    });

    const ask = (id: string, lines: unknown, as: object) =>
      call(svc, 'POST', `/api/v1/orders/${id}/returns`, { body: { lines, reason: 'too small' }, as });

    test('the owner asks delivered lines back within the window: return_requested, the event, then staff receive them', async () => {
      settings.values.set('orders.return_window_days', 14);
      const me = customer();
      const o = await deliveredOrder(svc, { customerId: me.subject });
      clock.advance(13 * DAY);
      const res = await ask(o.id, [{ lineNo: 1, quantity: 1 }], me);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.status, 'return_requested');
      assert.equal(res.body.lines[0].returnedQuantity, 1);
      const ret = res.body.returns[0];
      assert.deepEqual(ret.lines, [{ lineNo: 1, sku: 'OCT-M', quantity: 1 }]);
      const [event] = await eventsFor(svc, 'order.return_requested', o.id);
      assert.equal(event?.data.returnId, ret.id);
      assert.deepEqual(event?.data.lines, [{ sku: 'OCT-M', quantity: 1 }]);

      expectProblem(
        await call(svc, 'POST', `/api/v1/orders/${o.id}/returns/${ret.id}/receive`, { as: me }),
        403,
        'FORBIDDEN',
      );
      const received = await call(svc, 'POST', `/api/v1/orders/${o.id}/returns/${ret.id}/receive`, {
        as: ADMIN,
      });
      assert.equal(received.status, 200);
      assert.equal(received.body.status, 'returned');
      assert.equal(received.body.returns[0].status, 'received');
    });

    test('after the window a return is refused (422) and nothing changes; the window comes from settings', async () => {
      settings.values.set('orders.return_window_days', 14);
      const me = customer();
      const o = await deliveredOrder(svc, { customerId: me.subject });
      clock.advance(15 * DAY);
      expectProblem(await ask(o.id, [{ lineNo: 1, quantity: 1 }], me), 422, 'ORDER_RETURN_WINDOW_CLOSED');
      settings.values.set('orders.return_window_days', 30);
      assert.equal((await ask(o.id, [{ lineNo: 1, quantity: 1 }], me)).status, 201);
    });

    test('bad returns: more units than bought, an unknown line, an order not yet delivered, someone else’s order', async () => {
      settings.values.delete('orders.return_window_days');
      const me = customer();
      const o = await deliveredOrder(svc, { customerId: me.subject });
      expectProblem(await ask(o.id, [{ lineNo: 2, quantity: 2 }], me), 422, 'ORDER_RETURN_NOT_ALLOWED');
      expectProblem(await ask(o.id, [{ lineNo: 9, quantity: 1 }], me), 422, 'ORDER_LINE_NOT_FOUND');
      expectProblem(await ask(o.id, [{ lineNo: 1, quantity: 1 }], customer()), 404, 'ORDER_NOT_FOUND');
      expectProblem(await ask(o.id, [{ lineNo: 1, quantity: 0 }], me), 400, 'VALIDATION_FAILED');
      const after = await call(svc, 'GET', `/api/v1/orders/${o.id}`, { as: me });
      assert.equal(after.body.status, 'delivered');
      assert.equal(after.body.returns.length, 0);
      assert.ok(after.body.lines.every((l: { returnedQuantity: number }) => l.returnedQuantity === 0));
    });

    test('a declined return puts the order back to delivered and frees the units', async () => {
      const me = customer();
      const o = await deliveredOrder(svc, { customerId: me.subject });
      const res = await ask(o.id, [{ lineNo: 1, quantity: 2 }], me);
      const declined = await call(
        svc,
        'POST',
        `/api/v1/orders/${o.id}/returns/${res.body.returns[0].id}/decline`,
        {
          body: { reason: 'worn' },
          as: ADMIN,
        },
      );
      assert.equal(declined.status, 200, JSON.stringify(declined.body));
      assert.equal(declined.body.status, 'delivered');
      assert.equal(declined.body.lines[0].returnedQuantity, 0);
      assert.equal((await eventsFor(svc, 'order.delivered', o.id)).length, 1, 'no second delivery event');
    });

    test('settings being down: a return answers 503 and changes nothing', async () => {
      const me = customer();
      const o = await deliveredOrder(svc, { customerId: me.subject });
      settings.down = true;
      try {
        expectProblem(await ask(o.id, [{ lineNo: 1, quantity: 1 }], me), 503, 'DEPENDENCY_UNAVAILABLE');
      } finally {
        settings.down = false;
      }
      assert.equal((await call(svc, 'GET', `/api/v1/orders/${o.id}`, { as: me })).body.status, 'delivered');
    });
  });
}
