import { newId } from '@mercato/platform/ids';
import { closeTestPglite, manualClock, needs, startTestService } from '@mercato/testing';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { discountService } from '../src/service.ts';
import {
  call,
  code,
  eventsFor,
  expectProblem,
  line,
  promotion,
  reserve,
  uniqueCode,
  type Svc,
} from './support.ts';

after(closeTestPglite);

const CUSTOMER = '0193a1b2-7c4d-7e8f-9a0b-0000000000c1';

for (const kind of ['pglite', 'pg'] as const) {
  describe(`discount redemptions (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    const clock = manualClock();
    before(async () => {
      svc = await startTestService(discountService, kind, { now: clock.now });
    });
    after(() => svc?.close());

    test('reserve holds a use of the code and its promotion; a repeat answers the same redemption; release gives it back', async () => {
      const p = await promotion(svc, { trigger: 'code', usageLimit: 1 });
      const c = uniqueCode();
      await code(svc, p.id, c);
      const checkoutId = newId();
      const body = { checkoutId, codes: [c.toLowerCase()], lines: [line(2000, 2)] };
      const first = await reserve(svc, body);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.body.status, 'held');
      assert.equal(first.body.evaluation.discountTotal, 400);
      assert.equal(first.body.evaluation.applied[0].code, c);
      const again = await reserve(svc, body);
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id);
      // The only use is held: another checkout is refused, nothing held for it.
      const other = await reserve(svc, { ...body, checkoutId: newId() });
      expectProblem(other, 409, 'DISCOUNT_LIMIT_REACHED');
      const conflict = await reserve(svc, { ...body, lines: [line(1000, 1)] });
      expectProblem(conflict, 409, 'DISCOUNT_REDEMPTION_CONFLICT');

      const released = await call(svc, 'POST', `/api/v1/discounts/redemptions/${checkoutId}/release`);
      assert.equal(released.status, 200, JSON.stringify(released.body));
      assert.equal(released.body.status, 'released');
      assert.equal(released.body.releaseReason, 'cancelled');
      const twice = await call(svc, 'POST', `/api/v1/discounts/redemptions/${checkoutId}/release`, {
        body: {},
      });
      assert.equal(twice.status, 200);
      assert.equal((await eventsFor(svc, 'discount.released', first.body.id)).length, 1);
      assert.equal((await eventsFor(svc, 'discount.reserved', first.body.id)).length, 1);
      // The use is back: another checkout holds it now.
      const next = await reserve(svc, { ...body, checkoutId: newId() });
      assert.equal(next.status, 201, JSON.stringify(next.body));
      const usage = await call(svc, 'GET', `/api/v1/discounts/promotions/${p.id}/usage`, {
        as: { roles: ['admin'] },
      });
      assert.equal(usage.status, 200);
      assert.equal(usage.body.uses, 1);
      assert.equal(usage.body.held, 1);
      assert.equal(usage.body.released, 1);
    });

    test('commit makes the hold a redemption, idempotently; a committed one cannot be released', async () => {
      const p = await promotion(svc, {
        kind: 'fixed_amount',
        percentOff: null,
        amountOff: 500,
        currency: 'USD',
      });
      const checkoutId = newId();
      const r = await reserve(svc, { checkoutId, customerId: CUSTOMER, lines: [line(3000, 1)] });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const applied = r.body.evaluation.applied.find((a: { promotionId: string }) => a.promotionId === p.id);
      assert.equal(applied.amount, 500);
      const url = `/api/v1/discounts/redemptions/${checkoutId}`;
      const c1 = await call(svc, 'POST', `${url}/commit`, { body: { orderId: 'order-1' } });
      assert.equal(c1.status, 200, JSON.stringify(c1.body));
      assert.equal(c1.body.status, 'committed');
      assert.equal(c1.body.orderId, 'order-1');
      const c2 = await call(svc, 'POST', `${url}/commit`);
      assert.equal(c2.status, 200);
      expectProblem(await call(svc, 'POST', `${url}/release`), 409, 'DISCOUNT_REDEMPTION_COMMITTED');
      const redeemed = await eventsFor(svc, 'discount.redeemed', r.body.id);
      assert.equal(redeemed.length, 1);
      assert.equal(redeemed[0]?.data.orderId, 'order-1');
      const got = await call(svc, 'GET', url, { as: { roles: ['admin'] } });
      assert.equal(got.body.status, 'committed');
      expectProblem(
        await call(svc, 'POST', `/api/v1/discounts/redemptions/${newId()}/commit`),
        404,
        'DISCOUNT_REDEMPTION_NOT_FOUND',
      );
    });

    test('an expired hold is released by the sweep and its use comes back; committing it then is refused', async () => {
      const p = await promotion(svc, { trigger: 'code', usageLimit: 1 });
      const c = uniqueCode();
      await code(svc, p.id, c);
      const checkoutId = newId();
      const r = await reserve(svc, { checkoutId, codes: [c], lines: [line(1000, 1)], ttlSeconds: 60 });
      assert.equal(r.status, 201);
      const { redemptions } = svc.runtime.parts;
      // The service's clock: nothing is due yet; two minutes on, the hold is.
      assert.equal(await redemptions.expireDue(100), 0);
      clock.advance(120_000);
      assert.ok((await redemptions.expireDue(100)) >= 1);
      const got = await call(svc, 'GET', `/api/v1/discounts/redemptions/${checkoutId}`, {
        as: { roles: ['admin'] },
      });
      assert.equal(got.body.status, 'released');
      assert.equal(got.body.releaseReason, 'expired');
      const ev = await eventsFor(svc, 'discount.released', r.body.id);
      assert.equal(ev[0]?.data.reason, 'expired');
      expectProblem(
        await call(svc, 'POST', `/api/v1/discounts/redemptions/${checkoutId}/commit`),
        409,
        'DISCOUNT_REDEMPTION_RELEASED',
      );
      assert.equal((await reserve(svc, { codes: [c], lines: [line(1000, 1)] })).status, 201);
    });

    test('a use worth more than a 32-bit integer is held, committed and reported to the unit', async () => {
      // 50 % off 999 units at 100,000,000: 49,950,000,000, above int4's 2,147,483,647 (ranked
      // first, so the automatic promotions of the tests before apply after it).
      const p = await promotion(svc, { trigger: 'code', percentOff: 50, priority: 1000 });
      const c = uniqueCode('BIG');
      await code(svc, p.id, c);
      const checkoutId = newId();
      const r = await reserve(svc, { checkoutId, codes: [c], lines: [line(100_000_000, 999)] });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const applied = r.body.evaluation.applied.find((a: { promotionId: string }) => a.promotionId === p.id);
      assert.equal(applied.amount, 49_950_000_000);
      const reserved = await eventsFor(svc, 'discount.reserved', r.body.id);
      const held = reserved[0]?.data.promotions.find((u: { promotionId: string }) => u.promotionId === p.id);
      assert.equal(held.amount, 49_950_000_000);
      const committed = await call(svc, 'POST', `/api/v1/discounts/redemptions/${checkoutId}/commit`);
      assert.equal(committed.status, 200, JSON.stringify(committed.body));
      const redeemed = await eventsFor(svc, 'discount.redeemed', r.body.id);
      const used = redeemed[0]?.data.promotions.find((u: { promotionId: string }) => u.promotionId === p.id);
      assert.equal(used.amount, 49_950_000_000);
      const usage = await call(svc, 'GET', `/api/v1/discounts/promotions/${p.id}/usage`, {
        as: { roles: ['admin'] },
      });
      assert.equal(usage.status, 200);
      assert.equal(usage.body.committed, 1);
      assert.deepEqual(usage.body.amounts, [
        { currency: 'USD', discount: 49_950_000_000, shippingDiscount: 0 },
      ]);
    });

    test('a per-customer limit counts holds: the second checkout of the customer is refused until the first is released', async () => {
      const p = await promotion(svc, { trigger: 'code', perCustomerLimit: 1 });
      const c = uniqueCode();
      await code(svc, p.id, c);
      const customerId = newId();
      const first = newId();
      assert.equal(
        (await reserve(svc, { checkoutId: first, customerId, codes: [c], lines: [line(1000, 1)] })).status,
        201,
      );
      expectProblem(
        await reserve(svc, { customerId, codes: [c], lines: [line(1000, 1)] }),
        409,
        'DISCOUNT_CUSTOMER_LIMIT_REACHED',
      );
      // Another customer is not affected.
      assert.equal(
        (await reserve(svc, { customerId: newId(), codes: [c], lines: [line(1000, 1)] })).status,
        201,
      );
      await call(svc, 'POST', `/api/v1/discounts/redemptions/${first}/release`);
      assert.equal((await reserve(svc, { customerId, codes: [c], lines: [line(1000, 1)] })).status, 201);
    });

    test('the redemption routes need discounts:write; bad input is a 400 problem and holds nothing', async () => {
      const res = await call(svc, 'POST', '/api/v1/discounts/redemptions', {
        body: { checkoutId: newId(), currency: 'USD', codes: [], lines: [line(1000, 1)] },
        as: { roles: ['customer'] },
      });
      expectProblem(res, 403, 'FORBIDDEN');
      expectProblem(
        await call(svc, 'POST', '/api/v1/discounts/redemptions', {
          body: { checkoutId: newId(), currency: 'USD', lines: [line(1000, 1)] },
          as: 'anonymous',
        }),
        401,
        'UNAUTHORIZED',
      );
      for (const bad of [
        { lines: [line(1000, 0)] },
        { lines: [line(1000, -1)] },
        { lines: [line(1000, 10_000)] },
        { lines: [line(1000, 1)], currency: 'usd' },
        { lines: [line(1000, 1)], codes: ['BAD CODE!'] },
        { lines: [line(1.5, 1)] },
      ]) {
        expectProblem(await reserve(svc, bad), 400, 'VALIDATION_FAILED');
      }
      const malformed = await svc.runtime.app.inject({
        method: 'POST',
        url: '/api/v1/discounts/evaluate',
        headers: { 'content-type': 'application/json' },
        payload: '{"currency":',
      });
      assert.equal(malformed.statusCode, 400);
      assert.match(String(malformed.headers['content-type']), /problem\+json/);
    });
  });
}
