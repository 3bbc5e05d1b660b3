import { newId } from '@mercato/platform/ids';
import { closeTestPglite, manualClock, needs, startTestService } from '@mercato/testing';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { discountService } from '../src/service.ts';
import {
  call,
  code,
  evaluate,
  expectProblem,
  line,
  OTHER_PRODUCT,
  promotion,
  uniqueCode,
  type Body,
  type Svc,
} from './support.ts';

after(closeTestPglite);

const BRAND = '0193a1b2-7c4d-7e8f-9a0b-0000000000b1';
const sumOf = (xs: Array<{ amount: number }>) => xs.reduce((s, x) => s + x.amount, 0);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`discount evaluation through HTTP (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    const clock = manualClock();
    // Automatic promotions of each test stay apart: each uses its own currency.
    let n = 0;
    const currency = () =>
      `X${String.fromCharCode(65 + Math.floor(n / 26))}${String.fromCharCode(65 + (n++ % 26))}`;
    before(async () => {
      svc = await startTestService(discountService, kind, { now: clock.now });
    });
    after(() => svc?.close());

    test('a code is matched case-insensitively and its discount is allocated per line, summing exactly', async () => {
      const cur = currency();
      const p = await promotion(svc, { trigger: 'code', percentOff: 12.5, currency: cur });
      const c = uniqueCode();
      await code(svc, p.id, c);
      const res = await evaluate(svc, {
        currency: cur,
        codes: [`  ${c.toLowerCase()} `],
        lines: [line(333, 1, { lineId: 'a' }), line(333, 1, { lineId: 'b' }), line(335, 3, { lineId: 'c' })],
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const ev = res.body;
      assert.equal(ev.subtotal, 1671);
      assert.equal(ev.discountTotal, 209); // 208.875 rounded half up once
      assert.equal(ev.applied.length, 1);
      assert.equal(ev.applied[0].code, c);
      assert.equal(sumOf(ev.applied[0].allocations), 209);
      assert.equal(
        ev.lines.reduce((s: number, l: Body) => s + l.discount, 0),
        209,
      );
      assert.deepEqual(
        ev.lines.map((l: Body) => l.lineId),
        ['a', 'b', 'c'],
      );
      assert.equal(ev.total, 1671 - 209);
      assert.deepEqual(ev.refused, []);
    });

    test('unknown, expired, not yet started, below-minimum and paused codes are refused with their reasons', async () => {
      const cur = currency();
      const day = 86_400_000;
      const mk = async (over: Record<string, unknown>, limit?: number) => {
        const p = await promotion(svc, { trigger: 'code', currency: cur, ...over });
        const c = uniqueCode();
        await code(svc, p.id, c, limit);
        return c;
      };
      const expired = await mk({
        startsAt: new Date(clock.now() - 2 * day).toISOString(),
        endsAt: new Date(clock.now() - day).toISOString(),
      });
      const future = await mk({ startsAt: new Date(clock.now() + day).toISOString() });
      const minimum = await mk({ minSubtotal: 10_000 });
      const paused = await mk({ status: 'paused' });
      const res = await evaluate(svc, {
        currency: cur,
        codes: ['NOPE-NOPE', expired, future, minimum, paused],
        lines: [line(1000, 1)],
      });
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.refused.map((r: Body) => [r.code, r.reason]),
        [
          ['NOPE-NOPE', 'DISCOUNT_CODE_NOT_FOUND'],
          [expired, 'DISCOUNT_EXPIRED'],
          [future, 'DISCOUNT_NOT_STARTED'],
          [minimum, 'DISCOUNT_MIN_SUBTOTAL'],
          [paused, 'DISCOUNT_INACTIVE'],
        ],
      );
      assert.equal(res.body.discountTotal, 0);
      // Two days on (the service's clock), the future code applies.
      clock.advance(2 * day);
      const later = await evaluate(svc, { currency: cur, codes: [future], lines: [line(1000, 1)] });
      assert.deepEqual(later.body.refused, []);
      assert.equal(later.body.discountTotal, 100);
    });

    test('automatic promotions apply by priority; an exclusive one ranked first stands alone', async () => {
      const cur = currency();
      const low = await promotion(svc, { currency: cur, percentOff: 5, priority: 1 });
      const high = await promotion(svc, { currency: cur, percentOff: 10, priority: 5 });
      const both = await evaluate(svc, { currency: cur, lines: [line(10_000, 1)] });
      assert.deepEqual(
        both.body.applied.map((a: Body) => a.promotionId),
        [high.id, low.id],
      );
      assert.equal(both.body.discountTotal, 1000 + 450); // 5 % of what is left after 10 %
      const ex = await promotion(svc, { currency: cur, percentOff: 20, priority: 9, stacking: 'exclusive' });
      const alone = await evaluate(svc, { currency: cur, lines: [line(10_000, 1)] });
      assert.deepEqual(
        alone.body.applied.map((a: Body) => a.promotionId),
        [ex.id],
      );
      assert.equal(alone.body.discountTotal, 2000);
    });

    test('targets match products, categories by handle (ancestors included) and brands; buy 2 get 1 frees the cheapest', async () => {
      const cur = currency();
      await promotion(svc, {
        currency: cur,
        percentOff: 50,
        target: { categories: ['outerwear'], brands: [BRAND] },
      });
      const bxgy = await promotion(svc, {
        currency: cur,
        kind: 'buy_x_get_y',
        percentOff: null,
        buyQuantity: 2,
        getQuantity: 1,
        target: { productIds: [OTHER_PRODUCT] },
      });
      const res = await evaluate(svc, {
        currency: cur,
        lines: [
          line(4000, 1, { sku: 'COAT', categoryHandles: ['outerwear-coats', 'outerwear'], brandId: BRAND }),
          line(4000, 1, { sku: 'COAT2', categoryHandles: ['outerwear'], brandId: null }),
          line(900, 2, { sku: 'SOCK-A', productId: OTHER_PRODUCT }),
          line(500, 1, { sku: 'SOCK-B', productId: OTHER_PRODUCT }),
        ],
      });
      assert.equal(res.status, 200);
      const discounts = res.body.lines.map((l: Body) => l.discount);
      assert.deepEqual(discounts, [2000, 0, 0, 500]);
      const free = res.body.applied.find((a: Body) => a.promotionId === bxgy.id);
      assert.deepEqual(
        free.allocations.map((a: Body) => [a.sku, a.amount]),
        [['SOCK-B', 500]],
      );
    });

    test('free shipping over a threshold answers freeShipping and the shipping discount', async () => {
      const cur = currency();
      await promotion(svc, { kind: 'free_shipping', percentOff: null, currency: cur, minSubtotal: 5000 });
      const over = await evaluate(svc, { currency: cur, lines: [line(2500, 2)], shippingAmount: 695 });
      assert.equal(over.body.freeShipping, true);
      assert.equal(over.body.shippingDiscount, 695);
      assert.equal(over.body.discountTotal, 0);
      const under = await evaluate(svc, { currency: cur, lines: [line(2499, 2)], shippingAmount: 695 });
      assert.equal(under.body.freeShipping, false);
      assert.equal(under.body.shippingDiscount, 0);
    });

    test('customer conditions: allow-list, first order, and a customer may evaluate only for themselves', async () => {
      const cur = currency();
      const me = newId();
      const listed = await promotion(svc, { trigger: 'code', currency: cur, customerIds: [me] });
      const c = uniqueCode();
      await code(svc, listed.id, c);
      const guest = await evaluate(svc, { currency: cur, codes: [c], lines: [line(1000, 1)] });
      assert.equal(guest.body.refused[0].reason, 'DISCOUNT_SIGN_IN_REQUIRED');
      const other = await evaluate(svc, {
        currency: cur,
        customerId: newId(),
        codes: [c],
        lines: [line(1000, 1)],
      });
      assert.equal(other.body.refused[0].reason, 'DISCOUNT_CUSTOMER_NOT_ELIGIBLE');
      const mine = await evaluate(
        svc,
        { currency: cur, customerId: me, codes: [c], lines: [line(1000, 1)] },
        {
          subject: me,
          roles: ['customer'],
        },
      );
      assert.equal(mine.status, 200);
      assert.equal(mine.body.discountTotal, 100);
      const spoof = await evaluate(
        svc,
        { currency: cur, customerId: newId(), codes: [c], lines: [line(1000, 1)] },
        {
          subject: me,
          roles: ['customer'],
        },
      );
      expectProblem(spoof, 403, 'DISCOUNT_CUSTOMER_MISMATCH');

      const first = await promotion(svc, { trigger: 'code', currency: cur, firstOrder: true });
      const f = uniqueCode();
      await code(svc, first.id, f);
      const newcomer = await evaluate(svc, {
        currency: cur,
        customerId: newId(),
        codes: [f],
        lines: [line(1000, 1)],
      });
      assert.deepEqual(newcomer.body.refused, []);
      const told = await evaluate(svc, {
        currency: cur,
        customerId: newId(),
        firstOrder: false,
        codes: [f],
        lines: [line(1000, 1)],
      });
      assert.equal(told.body.refused[0].reason, 'DISCOUNT_FIRST_ORDER_ONLY');
      // A customer with a committed redemption has ordered before.
      const buyer = newId();
      const checkoutId = newId();
      const r = await call(svc, 'POST', '/api/v1/discounts/redemptions', {
        body: { checkoutId, currency: cur, customerId: buyer, codes: [], lines: [line(1000, 1)] },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      await call(svc, 'POST', `/api/v1/discounts/redemptions/${checkoutId}/commit`);
      const returning = await evaluate(svc, {
        currency: cur,
        customerId: buyer,
        codes: [f],
        lines: [line(1000, 1)],
      });
      assert.equal(returning.body.refused[0].reason, 'DISCOUNT_FIRST_ORDER_ONLY');
    });

    test('a wrong currency refuses the code; bad input is a 400 problem', async () => {
      const p = await promotion(svc, {
        trigger: 'code',
        kind: 'fixed_amount',
        percentOff: null,
        amountOff: 500,
        currency: 'EUR',
      });
      const c = uniqueCode();
      await code(svc, p.id, c);
      const res = await evaluate(svc, { currency: 'USD', codes: [c], lines: [line(1000, 1)] });
      assert.equal(res.body.refused[0].reason, 'DISCOUNT_CURRENCY_MISMATCH');
      for (const bad of [
        { lines: [] },
        { lines: [line(1000, 0)] },
        { lines: [line(-1, 1)] },
        { lines: [line(1000, 1, { productId: 'not-a-uuid' })] },
        { lines: [line(1000, 1)], currency: 'DOLLARS' },
        { lines: [line(1000, 1)], codes: Array.from({ length: 11 }, (_, i) => `C${i}`) },
        { lines: [line(1000, 1)], extra: true },
      ]) {
        expectProblem(await evaluate(svc, bad), 400, 'VALIDATION_FAILED');
      }
    });
  });
}
