import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allocate, computeTotals, divRoundHalfUp } from './totals.ts';

describe('allocate', () => {
  test('parts always sum to the amount, leftover units going to the largest remainders', () => {
    assert.deepEqual(allocate(100, [1, 1, 1]), [34, 33, 33]);
    assert.deepEqual(allocate(10, [3, 3, 4]), [3, 3, 4]);
    assert.deepEqual(allocate(7, [0, 5, 5]), [0, 4, 3]);
    assert.deepEqual(allocate(0, [5, 5]), [0, 0]);
  });

  test('random amounts and weights: parts are non-negative and sum exactly', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let run = 0; run < 2000; run++) {
      const weights = Array.from({ length: 1 + rnd(100) }, () => rnd(1_000_000_000));
      const amount = rnd(2_000_000_000);
      const parts = allocate(amount, weights);
      assert.equal(
        parts.reduce((s, p) => s + p, 0),
        amount,
      );
      assert.ok(parts.every((p) => p >= 0));
    }
  });
});

describe('computeTotals', () => {
  test('exclusive tax: rounded half up on the cart, split so the lines sum exactly', () => {
    // 3 × 333 at 19 %: base 999, tax 189.81 → 190
    const t = computeTotals({
      currency: 'EUR',
      lines: [
        { subtotal: 333, discount: 0 },
        { subtotal: 333, discount: 0 },
        { subtotal: 333, discount: 0 },
      ],
      shipping: 0,
      taxRate: 1900,
      taxIncluded: false,
      taxCountry: 'DE',
    });
    assert.equal(t.totals.tax, 190);
    assert.deepEqual(
      t.lines.map((l) => l.tax),
      [64, 63, 63],
    );
    assert.equal(t.totals.total, 999 + 190);
    assert.equal(
      t.lines.reduce((s, l) => s + l.total, 0),
      t.totals.total,
    );
  });

  test('inclusive tax: the tax inside the price is reported, the total is the price', () => {
    // 1190 gross at 19 %: tax 190
    const t = computeTotals({
      currency: 'EUR',
      lines: [{ subtotal: 1190, discount: 0 }],
      shipping: 0,
      taxRate: 1900,
      taxIncluded: true,
      taxCountry: 'DE',
    });
    assert.equal(t.totals.tax, 190);
    assert.equal(t.totals.total, 1190);
  });

  test('the discount lowers the taxed base, line by line', () => {
    const t = computeTotals({
      currency: 'USD',
      lines: [
        { subtotal: 1000, discount: 100 },
        { subtotal: 500, discount: 50 },
      ],
      shipping: 0,
      taxRate: 1000,
      taxIncluded: false,
      taxCountry: 'US',
    });
    assert.equal(t.totals.discount, 150);
    assert.equal(t.totals.tax, 135);
    assert.equal(t.totals.total, 1350 + 135);
  });

  test('half up on the exact fraction, no floating point', () => {
    assert.equal(divRoundHalfUp(5n, 2n), 3n);
    assert.equal(divRoundHalfUp(4n, 2n), 2n);
    assert.equal(divRoundHalfUp(999_999_999_999n * 1900n, 10_000n), 190_000_000_000n); // 189 999 999 999.81
  });
});
