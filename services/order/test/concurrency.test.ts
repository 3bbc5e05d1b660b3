// Concurrent transitions of one order are serialized by its row lock and guarded by a
// compare-and-set on its status and version: of moves that exclude each other, exactly one
// wins and the others see the status it left (409), and the history holds exactly the moves
// that happened, in the order they happened.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { orderRepository } from '../src/orders/order-repository.ts';
import { applyTransition } from '../src/orders/order-transitions.ts';
import { orderService } from '../src/service.ts';
import { ADMIN, call, createOrder, moveTo, sagaPost, SUPPORT, type Svc } from './support.ts';

after(closeTestPglite);

/**
 * Rounds of the confirm/cancel race: enough on PostgreSQL (a pool of connections, where a
 * transaction may begin before another and wait for its lock) to have caught the history
 * read back out of order; PGlite runs one transaction at a time. ORDER_RACE_ROUNDS raises both.
 */
const ROUNDS = {
  pg: Number(process.env.ORDER_RACE_ROUNDS ?? 40),
  pglite: Number(process.env.ORDER_RACE_ROUNDS ?? 10),
};

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

    /** One round: 10 confirms and 10 cancels of one new pending order, all at once. */
    async function confirmCancelRound(): Promise<void> {
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
      // Either the cancel came first, or one confirm did and then one cancel: never twice the
      // same, never a confirm after the cancel.
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
      // A confirm answered 200 saw the order confirmed (its own move or a repeat), never cancelled.
      assert.ok(confirmedOk.every((a) => a.body.status === 'confirmed' || a.body.status === 'cancelled'));
      await svc.flush();
      const count = (type: string) =>
        svc.published.filter((e) => e.type === type && e.subject === o.id).length;
      assert.equal(count('order.cancelled'), 1);
      assert.equal(count('order.confirmed'), steps.includes('confirmed') ? 1 : 0);
    }

    test(`${ROUNDS[kind]} rounds of 10 confirms and 10 cancels of one pending order at once: each status is entered once, in order, the cancel wins`, async () => {
      // Two rounds at a time, so the pool's connections also interleave across orders.
      for (let r = 0; r < ROUNDS[kind]; r += 2) {
        await Promise.all([confirmCancelRound(), confirmCancelRound()]);
      }
    });

    test('a transition decided on a stale read is refused by the compare-and-set and changes nothing', async () => {
      const o = await createOrder(svc);
      const { database, outbox } = svc.runtime.ctx;
      // Read without the lock, as a racing caller that read just before another's move.
      const stale = await orderRepository.find(database.db, o.id);
      assert.equal(
        (await call(svc, 'POST', `/api/v1/orders/${o.id}/cancel`, { body: {}, as: SUPPORT })).status,
        200,
      );
      await assert.rejects(
        database.transaction((trx) =>
          applyTransition(trx, outbox, stale!, 'confirmed', { actor: 'test', reason: 'stale' }),
        ),
        (err: { code?: string }) => err.code === 'ORDER_INVALID_TRANSITION',
      );
      const final = (await call(svc, 'GET', `/api/v1/orders/${o.id}`, { as: ADMIN })).body;
      assert.equal(final.status, 'cancelled');
      assert.deepEqual(await history(o.id), ['pending', 'cancelled']);
      await svc.flush();
      assert.equal(svc.published.filter((e) => e.type === 'order.confirmed' && e.subject === o.id).length, 0);
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
