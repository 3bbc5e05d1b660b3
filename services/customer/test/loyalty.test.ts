import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService } from '@mercato/testing';
import { newId } from '@mercato/platform/ids';
import { createLoyaltyService } from '../src/loyalty/loyalty-service.ts';
import { customerService } from '../src/service.ts';
import { ADMIN, SUPPORT, call, deliver, eventsFor, expectProblem, shopper, type Svc } from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`loyalty points (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    before(async () => {
      svc = await startTestService(customerService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    const loyalty = () =>
      createLoyaltyService({ ...svc.runtime.ctx, config: { CUSTOMER_POINTS_PER_UNIT: 1 } });
    const tx = <T>(work: Parameters<typeof svc.runtime.ctx.database.transaction<T>>[0]) =>
      svc.runtime.ctx.database.transaction(work);
    const standing = async (me: ReturnType<typeof shopper>) =>
      (await call(svc, me, 'GET', '/api/v1/customers/me/loyalty')).body;

    test('an adjustment moves the balance and the tier, is in the ledger and announced; one below zero answers 409 and changes nothing', async () => {
      const me = shopper();
      await call(svc, me, 'GET', '/api/v1/customers/me');
      const url = `/api/v1/customers/${me.subject}/loyalty/adjustments`;
      const res = await call(svc, ADMIN, 'POST', url, { body: { delta: 1200, note: 'welcome gift' } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.balanceAfter, 1200);
      assert.deepEqual(await standing(me), {
        points: 1200,
        tier: 'silver',
        nextTier: { name: 'gold', pointsNeeded: 3800 },
      });

      expectProblem(
        await call(svc, ADMIN, 'POST', url, { body: { delta: -1201, note: 'too much' } }),
        409,
        'CUSTOMER_POINTS_INSUFFICIENT',
      );
      expectProblem(
        await call(svc, ADMIN, 'POST', url, { body: { delta: 0, note: 'nothing' } }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await call(svc, SUPPORT, 'POST', url, { body: { delta: 5, note: 'support' } }),
        403,
        'FORBIDDEN',
      );
      expectProblem(await call(svc, me, 'POST', url, { body: { delta: 5, note: 'self' } }), 403, 'FORBIDDEN');
      assert.equal((await standing(me)).points, 1200);

      const ledger = await call(svc, me, 'GET', '/api/v1/customers/me/loyalty/movements');
      assert.equal(ledger.body.totalCount, 1);
      assert.equal(ledger.body.items[0].note, 'welcome gift');
      const events = await eventsFor(svc, 'loyalty.points_changed', me.subject);
      assert.deepEqual(
        events.map((e) => [e.data.delta, e.data.balance, e.data.tier]),
        [[1200, 1200, 'silver']],
      );
    });

    test('a completed order earns points once; reverts never take back more than it earned', async () => {
      const me = shopper();
      const orderId = newId();
      const order = { customerId: me.subject, orderId, amount: 12_999, currency: 'EUR' };
      await tx((trx) => loyalty().earn(trx, order));
      await tx((trx) => loyalty().earn(trx, order));
      assert.equal(
        (await standing(me)).points,
        129,
        'a profile is made for an order of a customer without one',
      );

      await tx((trx) => loyalty().revert(trx, { customerId: me.subject, orderId, share: 0.5 }));
      assert.equal((await standing(me)).points, 64);
      await tx((trx) => loyalty().revert(trx, { customerId: me.subject, orderId }));
      await tx((trx) => loyalty().revert(trx, { customerId: me.subject, orderId }));
      assert.equal((await standing(me)).points, 0);
      const reasons = (
        await call(svc, SUPPORT, 'GET', `/api/v1/customers/${me.subject}/loyalty/movements`)
      ).body.items.map((m: { reason: string; delta: number }) => [m.reason, m.delta]);
      assert.deepEqual(
        reasons.sort(),
        [
          ['earned', 129],
          ['reverted', -64],
          ['reverted', -65],
        ].sort(),
      );
    });

    test('the rate follows the loyalty.points_per_unit setting from setting.changed, an older version never overwriting a newer', async () => {
      const me = shopper();
      const changed = (value: unknown, version: number) => ({
        key: 'loyalty.points_per_unit',
        action: version === 1 ? 'created' : 'updated',
        value,
        previousValue: null,
        version,
        changedBy: null,
      });
      await deliver(svc, 'setting.changed', 'loyalty.points_per_unit', changed(3, 2), 'settings');
      await deliver(svc, 'setting.changed', 'loyalty.points_per_unit', changed(10, 1), 'settings');
      await tx((trx) =>
        loyalty().earn(trx, { customerId: me.subject, orderId: newId(), amount: 1000, currency: 'EUR' }),
      );
      assert.equal((await standing(me)).points, 30);
      await deliver(
        svc,
        'setting.changed',
        'loyalty.points_per_unit',
        { ...changed(null, 3), action: 'deleted' },
        'settings',
      );
      await tx((trx) =>
        loyalty().earn(trx, { customerId: me.subject, orderId: newId(), amount: 1000, currency: 'EUR' }),
      );
      assert.equal((await standing(me)).points, 40, 'back to CUSTOMER_POINTS_PER_UNIT (1)');
    });
    test('orders move points by their events: confirmed records the total, completed earns, a refund takes back its share, a guest earns nothing', async () => {
      const me = shopper();
      await call(svc, me, 'GET', '/api/v1/customers/me');
      const ref = (orderId: string, customerId: string | null = me.subject) => ({
        orderId,
        orderNumber: 'MC-0000001',
        customerId,
      });
      const money = (amount: number) => ({ amount, currency: 'USD' });
      const confirmed = (orderId: string, amount: number, customerId: string | null = me.subject) => ({
        ...ref(orderId, customerId),
        checkoutId: `co-${orderId}`,
        email: me.email,
        total: money(amount),
        lines: [{ sku: 'A', quantity: 1 }],
      });
      const refunded = (orderId: string, amount: number, full = false) => ({
        ...ref(orderId),
        refundId: newId(),
        amount: money(amount),
        refundedTotal: money(amount),
        full,
        lines: [],
        reason: 'customer request',
      });
      const a = newId();
      await deliver(svc, 'order.confirmed', a, confirmed(a, 20_000), 'order');
      assert.equal((await standing(me)).points, 0, 'nothing before completion');
      await deliver(svc, 'order.completed', a, ref(a), 'order');
      assert.equal((await standing(me)).points, 200);
      await deliver(svc, 'order.refunded', a, refunded(a, 5_000), 'order');
      assert.equal((await standing(me)).points, 150);

      // Refunded before completion: completion earns on what is left.
      const b = newId();
      await deliver(svc, 'order.confirmed', b, confirmed(b, 10_000), 'order');
      await deliver(svc, 'order.refunded', b, refunded(b, 4_000), 'order');
      await deliver(svc, 'order.completed', b, ref(b), 'order');
      assert.equal((await standing(me)).points, 210);

      const guest = newId();
      await deliver(svc, 'order.confirmed', guest, confirmed(guest, 50_000, null), 'order');
      await deliver(svc, 'order.completed', guest, ref(guest, null), 'order');
      assert.equal((await standing(me)).points, 210);
      const rows = await svc.runtime.ctx.database.db
        .selectFrom('order_totals')
        .select('order_id')
        .where('order_id', '=', guest)
        .execute();
      assert.equal(rows.length, 0);
    });
  });
}
