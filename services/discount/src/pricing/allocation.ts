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
  if (amount === 0) return weights.map(() => 0);
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum === 0) throw new RangeError(`cannot split ${amount} over weights summing to 0`);
  // The same rule in plain numbers when every product amount × weight is exact (the usual case).
  if (Number.isSafeInteger(amount * sum)) return allocateExact(amount, weights, sum);
  const total = weights.reduce((s, w) => s + BigInt(w), 0n);
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

function allocateExact(amount: number, weights: readonly number[], total: number): number[] {
  // amount × w is exact here, and so is its remainder: the division of their difference is too.
  const shares = weights.map((w) => (amount * w - ((amount * w) % total)) / total);
  let left = amount - shares.reduce((s, x) => s + x, 0);
  if (left === 0) return shares;
  const order = weights.map((w, i) => ({ i, w, r: (amount * w) % total }));
  order.sort((x, y) => y.r - x.r || y.w - x.w || x.i - y.i);
  for (const { i } of order) {
    if (left === 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left -= 1;
  }
  return shares;
}

/** value × basisPoints / 10000, rounded half up (basis points: 10000 = 100 %). */
export function percentOf(value: number, basisPoints: number): number {
  const product = value * basisPoints;
  if (Number.isSafeInteger(product + 5000)) return Math.floor((product + 5000) / 10_000);
  return Number((BigInt(value) * BigInt(basisPoints) + 5000n) / 10000n);
}
