import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allocateLargestRemainder, percentOf } from './allocation.ts';

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

describe('largest-remainder allocation', () => {
  test('splits in proportion and gives the leftover units to the largest remainders', () => {
    // 100 over 1:1:1 → 33.33 each; one unit left goes to the first (equal remainders and weights).
    assert.deepEqual(allocateLargestRemainder(100, [10, 10, 10]), [34, 33, 33]);
    // 10 over 3333:3333:3334 → exact 3.333, 3.333, 3.334: the leftover unit goes to the largest remainder.
    assert.deepEqual(allocateLargestRemainder(10, [3333, 3333, 3334]), [3, 3, 4]);
    assert.deepEqual(allocateLargestRemainder(7, [1, 0, 1]), [4, 0, 3]);
  });

  test('ties in the remainder go to the larger weight first, then to the earlier line', () => {
    // 1 over 1:3 → 0.25 and 0.75: the larger remainder wins.
    assert.deepEqual(allocateLargestRemainder(1, [1, 3]), [0, 1]);
    // 3 over 2:4:2 → 0.75, 1.5, 0.75: floors 0,1,0, remainders .75,.5,.75 → the two .75s.
    assert.deepEqual(allocateLargestRemainder(3, [2, 4, 2]), [1, 1, 1]);
    // 1 over 5:5 → 0.5 each: equal weights, the earlier line.
    assert.deepEqual(allocateLargestRemainder(1, [5, 5]), [1, 0]);
  });

  test('the shares always sum exactly to the amount and never exceed a weight (random cases)', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let k = 0; k < 2000; k++) {
      const weights = Array.from({ length: 1 + rnd(20) }, () => (rnd(4) === 0 ? 0 : rnd(1_000_000)));
      const total = sum(weights);
      if (total === 0) continue;
      const amount = rnd(total + 1);
      const shares = allocateLargestRemainder(amount, weights);
      assert.equal(sum(shares), amount);
      shares.forEach((s, i) => {
        assert.ok(s >= 0 && s <= (weights[i] ?? 0), `share ${s} within weight ${weights[i]}`);
      });
    }
  });

  test('stays exact beyond 2^53 intermediate products', () => {
    const weights = [99_999_999_900, 99_999_999_900, 1];
    const shares = allocateLargestRemainder(199_999_999_801, weights);
    assert.equal(sum(shares), 199_999_999_801);
  });

  test('zero is split as zeros; a positive amount over nothing is refused', () => {
    assert.deepEqual(allocateLargestRemainder(0, [0, 0]), [0, 0]);
    assert.throws(() => allocateLargestRemainder(1, [0, 0]), RangeError);
    assert.throws(() => allocateLargestRemainder(-1, [1]), RangeError);
  });
});

describe('percentages', () => {
  test('round half up on the whole sum', () => {
    assert.equal(percentOf(1999, 1000), 200); // 199.9
    assert.equal(percentOf(1005, 1000), 101); // 100.5 → 101
    assert.equal(percentOf(1004, 1000), 100); // 100.4
    assert.equal(percentOf(3, 5000), 2); // 1.5 → 2
    assert.equal(percentOf(0, 10000), 0);
  });
});
