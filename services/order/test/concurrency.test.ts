// Concurrent transitions of one order are serialized by its row lock: of moves that exclude
// each other, exactly one wins and the others see the status it left (409), and the history
// holds exactly the moves that happened.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { orderService } from '../src/service.ts';
import { ADMIN, call, createOrder, moveTo, sagaPost, SUPPORT, type Svc } from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`concurrent transitions (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    before(async () => {
      svc = await startTestService(orderService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    async function history(id: string): Promise<string[]> {
      const res = await call(svc, 'GET', `/api/v1/orders/${id}/history`, { as: ADMIN });
      // Status moves only (a refund request is recorded as from = to).
      return res.body.items
        .filter((h: { from: string | null; to: string }) => h.from !== h.to)
        .map((h: { to: string }) => h.to);
    }

    test('10 confirms and 10 cancels of one pending order at once: each status is entered once, the cancel wins', async () => {
      const o = await createOrder(svc);
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0
            ? sagaPost(svc, `/api/v1/orders/${o.id}/confirm`)
            : call(svc, 'POST', `/api/v1/orders/${o.id}/cancel`, {
                body: { reason: `race ${i}` },
                as: SUPPORT,
              }),
        ),
      );
      const final = (await call(svc, 'GET', `/api/v1/orders/${o.id}`, { as: ADMIN })).body;
      assert.equal(final.status, 'cancelled', 'a cancel is allowed from pending and from confirmed');
      const steps = await history(o.id);
      // Either the cancel came first, or one confirm did and then one cancel: never twice the same.
      assert.ok(
        ['pending,cancelled', 'pending,confirmed,cancelled'].includes(steps.join()),
        `history: ${steps.join(' → ')}`,
      );
      const confirms = answers.filter((_, i) => i % 2 === 0);
      const cancels = answers.filter((_, i) => i % 2 === 1);
      assert.ok(cancels.every((a) => a.status === 200 && a.body.status === 'cancelled'));
      const confirmedOk = confirms.filter((a) => a.status === 200);
      assert.ok(confirms.every((a) => a.status === 200 || a.body.code === 'ORDER_INVALID_TRANSITION'));
      assert.equal(confirmedOk.length > 0, steps.includes('confirmed'));
      await svc.flush();
      const count = (type: string) =>
        svc.published.filter((e) => e.type === type && e.subject === o.id).length;
      assert.equal(count('order.cancelled'), 1);
      assert.equal(count('order.confirmed'), steps.includes('confirmed') ? 1 : 0);
    });

    test('20 concurrent "shipped" and "cancel" on a fulfilled order: exactly one wins, nothing is recorded twice', async () => {
      const o = await createOrder(svc);
      await sagaPost(svc, `/api/v1/orders/${o.id}/confirm`);
      await svc.runtime.ctx.database.db
        .updateTable('orders')
        .set({ status: 'fulfilled', paid_at: new Date() })
        .where('id', '=', o.id)
        .execute();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0
            ? moveTo(svc, o.id, 'shipped', { trackingNumber: `T${i}` })
            : call(svc, 'POST', `/api/v1/orders/${o.id}/cancel`, { body: {}, as: ADMIN }),
        ),
      );
      const ok = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 409);
      assert.equal(ok.length + refused.length, 20);
      assert.ok(refused.every((a) => a.body.code === 'ORDER_INVALID_TRANSITION'));
      const steps = await history(o.id);
      const moves = steps.slice(2);
      assert.equal(moves.length, 1, `exactly one move after confirmed: ${moves.join(', ')}`);
      const final = (await call(svc, 'GET', `/api/v1/orders/${o.id}`, { as: ADMIN })).body;
      assert.equal(final.status, moves[0]);
      if (final.status === 'cancelled') {
        // The paid order's cancellation asked for its refund, once.
        assert.equal(final.refunds.length, 1);
        assert.equal(final.refunds[0].amount.amount, final.totals.total.amount);
      }
      if (final.status === 'shipped') {
        assert.equal(ok.filter((a) => a.body.status === 'shipped').length, 1, 'shipped once');
      } else {
        // Cancel won: repeats of the cancel answer 200, every ship is refused.
        assert.equal(final.status, 'cancelled');
        assert.ok(answers.filter((_, i) => i % 2 === 0).every((a) => a.status === 409));
      }
      await svc.flush();
      const shippedEvents = svc.published.filter((e) => e.type === 'order.shipped' && e.subject === o.id);
      const cancelledEvents = svc.published.filter((e) => e.type === 'order.cancelled' && e.subject === o.id);
      assert.equal(shippedEvents.length + cancelledEvents.length, 1);
    });
  });
}
