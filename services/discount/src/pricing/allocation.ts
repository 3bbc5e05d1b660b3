/**
 * The rounding rule of discounts (written down in the service README):
 *
 * 1. A discount's amount is whole minor units. A percentage is rounded half up once, on
 *    the sum it applies to (never per line), then capped.
 * 2. The amount is split over the lines it applies to in proportion to what each line
 *    still costs, by the largest-remainder rule: every line gets the floor of its exact
 *    share, and the units left over go one each to the lines with the largest fractional
 *    parts (ties: the larger weight, then the earlier line).
 *
 * So the shares always sum exactly to the amount, and no line gets more than its weight
 * when the amount does not exceed the total weight. BigInt: amount × weight may pass 2^53.
 */
export function allocateLargestRemainder(amount: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new RangeError(`amount ${amount} is not a whole non-negative number`);
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0)
      throw new RangeError(`weight ${w} is not a whole non-negative number`);
  }
  const total = weights.reduce((s, w) => s + BigInt(w), 0n);
  if (amount === 0) return weights.map(() => 0);
  if (total === 0n) throw new RangeError(`cannot split ${amount} over weights summing to 0`);
  const a = BigInt(amount);
  const shares = weights.map((w) => (a * BigInt(w)) / total);
  const remainders = weights.map((w, i) => ({ i, w, r: (a * BigInt(w)) % total }));
  let left = a - shares.reduce((s, x) => s + x, 0n);
  remainders.sort((x, y) => (x.r === y.r ? (x.w === y.w ? x.i - y.i : y.w - x.w) : x.r > y.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    shares[i] = (shares[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return shares.map(Number);
}

/** value × basisPoints / 10000, rounded half up (basis points: 10000 = 100 %). */
export function percentOf(value: number, basisPoints: number): number {
  return Number((BigInt(value) * BigInt(basisPoints) + 5000n) / 10000n);
}
