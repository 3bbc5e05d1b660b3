import type { DiscountLine } from '@mercato/contracts';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PromotionRule } from '../promotions/promotion.ts';
import { evaluateCart, type Candidate, type EvaluationFacts } from './evaluation-rules.ts';

let n = 0;
function promo(over: Partial<PromotionRule> = {}): PromotionRule {
  n++;
  return {
    id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    name: `P${n}`,
    kind: 'percentage',
    trigger: 'automatic',
    status: 'active',
    percentBps: 1000,
    amountOff: null,
    maxDiscount: null,
    buyQuantity: null,
    getQuantity: null,
    currency: null,
    minSubtotal: null,
    target: {},
    firstOrder: false,
    customerIds: [],
    startsAt: null,
    endsAt: null,
    campaignActive: true,
    priority: 0,
    stacking: 'combinable',
    usageLimit: null,
    perCustomerLimit: null,
    uses: 0,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
    ...over,
  };
}

const P1 = '00000000-0000-7000-8000-0000000000a1';
const P2 = '00000000-0000-7000-8000-0000000000a2';
const CAT = '00000000-0000-7000-8000-0000000000c1';
function line(
  sku: string,
  unitPrice: number,
  quantity: number,
  over: Partial<DiscountLine> = {},
): DiscountLine {
  return { sku, productId: P1, categoryIds: [], brandId: null, unitPrice, quantity, ...over };
}
const facts: EvaluationFacts = {
  now: new Date(Date.UTC(2026, 5, 1)),
  customerId: null,
  firstOrder: false,
  customerUses: new Map(),
};
const auto = (p: PromotionRule): Candidate => ({ promotion: p, code: null });
const coded = (
  p: PromotionRule,
  code: string,
  over: { usageLimit?: number; uses?: number } = {},
): Candidate => ({
  promotion: { ...p, trigger: 'code' },
  code: { id: `code-${code}`, code, usageLimit: over.usageLimit ?? null, uses: over.uses ?? 0 },
});

describe('evaluation rules', () => {
  test('a percentage is rounded once on the sum and allocated by largest remainder', () => {
    const cart = { currency: 'USD', lines: [line('A', 333, 1), line('B', 333, 1), line('C', 334, 1)] };
    const { evaluation } = evaluateCart(cart, [auto(promo({ percentBps: 1000 }))], facts);
    assert.equal(evaluation.discountTotal, 100);
    assert.deepEqual(
      evaluation.lines.map((l) => l.discount),
      [33, 33, 34],
    );
    assert.equal(
      evaluation.applied[0]?.allocations.reduce((s, a) => s + a.amount, 0),
      100,
    );
    assert.equal(evaluation.total, 900);
  });

  test('a fixed amount never exceeds what the targeted lines cost', () => {
    const cart = { currency: 'USD', lines: [line('A', 300, 1), line('B', 500, 2, { productId: P2 })] };
    const p = promo({
      kind: 'fixed_amount',
      percentBps: null,
      amountOff: 5000,
      currency: 'USD',
      target: { productIds: [P2] },
    });
    const { evaluation } = evaluateCart(cart, [auto(p)], facts);
    assert.equal(evaluation.discountTotal, 1000);
    assert.deepEqual(
      evaluation.lines.map((l) => l.discount),
      [0, 1000],
    );
  });

  test('stacked discounts apply one after the other and the totals stay exact', () => {
    const cart = { currency: 'USD', lines: [line('A', 999, 3), line('B', 1, 7)] };
    const a = promo({ percentBps: 1500, priority: 10 });
    const b = promo({ kind: 'fixed_amount', percentBps: null, amountOff: 777, priority: 5 });
    const { evaluation } = evaluateCart(cart, [auto(b), auto(a)], facts);
    assert.deepEqual(
      evaluation.applied.map((x) => x.promotionId),
      [a.id, b.id],
    );
    const sumLines = evaluation.lines.reduce((s, l) => s + l.discount, 0);
    const sumApplied = evaluation.applied.reduce((s, x) => s + x.amount, 0);
    assert.equal(evaluation.discountTotal, sumLines);
    assert.equal(evaluation.discountTotal, sumApplied);
    assert.equal(evaluation.discountTotal, Math.round(3004 * 0.15) + 777);
  });

  test('an exclusive promotion ranked first applies alone; an exclusive code after a combinable one is refused', () => {
    const cart = { currency: 'USD', lines: [line('A', 1000, 1)] };
    const ex = promo({ stacking: 'exclusive', priority: 10 });
    const other = promo({ priority: 1 });
    const first = evaluateCart(cart, [auto(ex), coded(other, 'OTHER')], facts).evaluation;
    assert.deepEqual(
      first.applied.map((x) => x.promotionId),
      [ex.id],
    );
    assert.deepEqual(first.refused, [
      {
        code: 'OTHER',
        reason: 'DISCOUNT_NOT_COMBINABLE',
        message: 'The promotion does not combine with one that applies already',
      },
    ]);
    const low = promo({ stacking: 'exclusive', priority: -5 });
    const second = evaluateCart(cart, [auto(other), coded(low, 'LOW')], facts).evaluation;
    assert.deepEqual(
      second.refused.map((r) => r.reason),
      ['DISCOUNT_NOT_COMBINABLE'],
    );
  });

  test('conditions refuse a code with the reason that applies', () => {
    const cart = { currency: 'USD', lines: [line('A', 1000, 1, { categoryHandles: ['shoes', 'apparel'] })] };
    const cases: Array<[Partial<PromotionRule>, string]> = [
      [{ endsAt: new Date(Date.UTC(2026, 0, 1)) }, 'DISCOUNT_EXPIRED'],
      [{ startsAt: new Date(Date.UTC(2027, 0, 1)) }, 'DISCOUNT_NOT_STARTED'],
      [{ status: 'paused' }, 'DISCOUNT_INACTIVE'],
      [{ campaignActive: false }, 'DISCOUNT_INACTIVE'],
      [{ usageLimit: 5, uses: 5 }, 'DISCOUNT_LIMIT_REACHED'],
      [{ minSubtotal: 1001, currency: 'USD' }, 'DISCOUNT_MIN_SUBTOTAL'],
      [{ currency: 'EUR' }, 'DISCOUNT_CURRENCY_MISMATCH'],
      [{ target: { categories: ['hats'] } }, 'DISCOUNT_NOT_APPLICABLE'],
      [{ firstOrder: true }, 'DISCOUNT_SIGN_IN_REQUIRED'],
      [{ customerIds: [P2] }, 'DISCOUNT_SIGN_IN_REQUIRED'],
    ];
    for (const [over, reason] of cases) {
      const out = evaluateCart(cart, [coded(promo(over), 'X')], facts).evaluation;
      assert.deepEqual(out.applied, [], reason);
      assert.equal(out.refused[0]?.reason, reason, JSON.stringify(over));
    }
    const code = evaluateCart(cart, [coded(promo(), 'X', { usageLimit: 1, uses: 1 })], facts).evaluation;
    assert.equal(code.refused[0]?.reason, 'DISCOUNT_LIMIT_REACHED');
    // A parent category's handle matches through the line's ancestor handles.
    const parent = evaluateCart(cart, [coded(promo({ target: { categories: ['apparel'] } }), 'X')], facts);
    assert.equal(parent.evaluation.discountTotal, 100);
  });

  test('customer conditions: allow-list, per-customer limit and first order', () => {
    const cart = { currency: 'USD', lines: [line('A', 1000, 1, { categoryIds: [CAT] })] };
    const me = { ...facts, customerId: P1, firstOrder: true, customerUses: new Map([['limited', 1]]) };
    const listed = promo({ customerIds: [P1] });
    assert.equal(evaluateCart(cart, [coded(listed, 'A')], me).evaluation.applied.length, 1);
    assert.equal(
      evaluateCart(cart, [coded(listed, 'A')], { ...me, customerId: P2 }).evaluation.refused[0]?.reason,
      'DISCOUNT_CUSTOMER_NOT_ELIGIBLE',
    );
    const limited = promo({ id: 'limited', perCustomerLimit: 1 });
    assert.equal(
      evaluateCart(cart, [coded(limited, 'B')], me).evaluation.refused[0]?.reason,
      'DISCOUNT_CUSTOMER_LIMIT_REACHED',
    );
    const first = promo({ firstOrder: true });
    assert.equal(evaluateCart(cart, [coded(first, 'C')], me).evaluation.applied.length, 1);
    assert.equal(
      evaluateCart(cart, [coded(first, 'C')], { ...me, firstOrder: false }).evaluation.refused[0]?.reason,
      'DISCOUNT_FIRST_ORDER_ONLY',
    );
  });

  test('buy 2 get 1: the cheapest unit of every three is free', () => {
    const cart = { currency: 'USD', lines: [line('A', 1000, 2), line('B', 400, 2), line('C', 700, 1)] };
    const p = promo({ kind: 'buy_x_get_y', buyQuantity: 2, getQuantity: 1, percentBps: 10_000 });
    const { evaluation } = evaluateCart(cart, [auto(p)], facts);
    // 5 units: one group of 3 → one free unit, the cheapest (B at 400).
    assert.equal(evaluation.discountTotal, 400);
    assert.deepEqual(
      evaluation.lines.map((l) => l.discount),
      [0, 400, 0],
    );
  });

  test('buy 1 get 1 at 50 % on large quantities: half the units, the cheapest, at half price', () => {
    const cart = { currency: 'USD', lines: [line('A', 1000, 999), line('B', 300, 999)] };
    const p = promo({ kind: 'buy_x_get_y', buyQuantity: 1, getQuantity: 1, percentBps: 5000 });
    const { evaluation } = evaluateCart(cart, [auto(p)], facts);
    // 1,998 units → 999 discounted, all of them B's (the cheapest): 999 × 300 × 50 %.
    assert.deepEqual(
      evaluation.lines.map((l) => l.discount),
      [0, 149_850],
    );
  });

  test('free shipping takes the shipping amount off and leaves the lines alone', () => {
    const cart = { currency: 'USD', lines: [line('A', 6000, 1)], shippingAmount: 495 };
    const p = promo({ kind: 'free_shipping', percentBps: null, minSubtotal: 5000, currency: 'USD' });
    const { evaluation, uses } = evaluateCart(cart, [auto(p)], facts);
    assert.equal(evaluation.freeShipping, true);
    assert.equal(evaluation.shippingDiscount, 495);
    assert.equal(evaluation.discountTotal, 0);
    assert.equal(uses[0]?.shippingAmount, 495);
    const below = evaluateCart({ ...cart, lines: [line('A', 4999, 1)] }, [auto(p)], facts).evaluation;
    assert.equal(below.freeShipping, false);
  });

  test('the same promotion twice (two of its codes) applies once; the second code is refused', () => {
    const cart = { currency: 'USD', lines: [line('A', 1000, 1)] };
    const p = promo();
    const out = evaluateCart(cart, [coded(p, 'ONE'), coded(p, 'TWO')], facts).evaluation;
    assert.equal(out.applied.length, 1);
    assert.deepEqual(
      out.refused.map((r) => [r.code, r.reason]),
      [['TWO', 'DISCOUNT_CODE_REPEATED']],
    );
  });

  test('allocations sum to every total on random carts and promotion sets', () => {
    let seed = 7;
    const rnd = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % k;
    };
    for (let k = 0; k < 300; k++) {
      const lines = Array.from({ length: 1 + rnd(10) }, (_, i) =>
        line(`S${i}`, rnd(100_000), 1 + rnd(20), { productId: rnd(2) ? P1 : P2 }),
      );
      const promos = Array.from({ length: 1 + rnd(4) }, () =>
        rnd(2)
          ? promo({
              percentBps: 1 + rnd(10_000),
              priority: rnd(5),
              target: rnd(2) ? { productIds: [P2] } : {},
            })
          : promo({ kind: 'fixed_amount', percentBps: null, amountOff: 1 + rnd(200_000), priority: rnd(5) }),
      );
      const { evaluation } = evaluateCart({ currency: 'USD', lines }, promos.map(auto), facts);
      for (const a of evaluation.applied) {
        assert.equal(
          a.allocations.reduce((s, x) => s + x.amount, 0),
          a.amount,
        );
      }
      assert.equal(
        evaluation.applied.reduce((s, x) => s + x.amount, 0),
        evaluation.discountTotal,
      );
      for (const l of evaluation.lines) assert.ok(l.total >= 0 && l.total === l.subtotal - l.discount);
    }
  });
});
