// The cart's arithmetic, in integer minor units of the cart's one currency. The rule
// (README, "Totals and rounding"):
//
// 1. A line's subtotal is unit price × quantity: exact.
// 2. Each line's discount share comes from the discount service (already allocated there,
//    by the same largest-remainder rule); the discount total is their sum.
// 3. Tax is computed once, on the cart: base = Σ (line subtotal − line discount);
//    exclusive prices: tax = round(base × rate / 10 000); inclusive prices (the tax is
//    already inside the price): tax = round(base × rate / (10 000 + rate)). `round` is half
//    up on the exact fraction (BigInt, no floating point). Rates are basis points.
// 4. That tax is split over the lines by `allocate`, so the lines' taxes sum exactly to it.
// 5. A line's total is base (+ its tax when prices exclude tax); the cart's total is the
//    sum of the lines' totals + shipping (0 until shipping exists; not taxed here).
//
// `allocate` is the largest-remainder method: each part gets the floor of its exact
// proportional share, and the units left over go one each to the largest remainders
// (ties: the earlier line). The parts always sum to the amount.

/** Splits `amount` (≥ 0) over `weights` (≥ 0) in proportion; the parts sum exactly to amount. */
export function allocate(amount: number, weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (weights.length === 0) return [];
  if (total === 0 || amount === 0) {
    // Nothing to weigh by: the first line carries it (only reachable with an all-zero cart).
    return weights.map((_, i) => (i === 0 ? amount : 0));
  }
  const a = BigInt(amount);
  const t = BigInt(total);
  const parts = weights.map((w) => (a * BigInt(w)) / t);
  const remainders = weights.map((w, i) => ({ i, r: (a * BigInt(w)) % t }));
  let left = amount - parts.reduce((s, p) => s + Number(p), 0);
  remainders.sort((x, y) => (x.r === y.r ? x.i - y.i : x.r > y.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left <= 0) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    left--;
  }
  return parts.map(Number);
}

/** numerator / denominator rounded half up (both ≥ 0). */
export function divRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

export interface TotalsInput {
  currency: string;
  /** Per line: subtotal (unit price × quantity) and its discount share. */
  lines: ReadonlyArray<{ subtotal: number; discount: number }>;
  shipping: number;
  /** Basis points: 1900 = 19 %. */
  taxRate: number;
  taxIncluded: boolean;
  taxCountry: string | null;
}

export interface LineAmounts {
  subtotal: number;
  discount: number;
  tax: number;
  total: number;
}

export interface ComputedTotals {
  lines: LineAmounts[];
  totals: {
    currency: string;
    subtotal: number;
    discount: number;
    shipping: number;
    tax: number;
    total: number;
    taxIncluded: boolean;
    taxRate: number;
    taxCountry: string | null;
  };
}

/** The cart's totals and each line's share (see the rule above). */
export function computeTotals(input: TotalsInput): ComputedTotals {
  const bases = input.lines.map((l) => Math.max(0, l.subtotal - l.discount));
  const base = bases.reduce((s, b) => s + b, 0);
  const rate = BigInt(input.taxRate);
  const tax =
    input.taxRate <= 0
      ? 0
      : Number(
          input.taxIncluded
            ? divRoundHalfUp(BigInt(base) * rate, 10_000n + rate)
            : divRoundHalfUp(BigInt(base) * rate, 10_000n),
        );
  const taxes = allocate(tax, bases);
  const lines = input.lines.map((l, i) => {
    const lineTax = taxes[i] ?? 0;
    const lineBase = bases[i] ?? 0;
    return {
      subtotal: l.subtotal,
      discount: l.discount,
      tax: lineTax,
      total: lineBase + (input.taxIncluded ? 0 : lineTax),
    };
  });
  const sum = (f: (l: LineAmounts) => number) => lines.reduce((s, l) => s + f(l), 0);
  return {
    lines,
    totals: {
      currency: input.currency,
      subtotal: sum((l) => l.subtotal),
      discount: sum((l) => l.discount),
      shipping: input.shipping,
      tax,
      total: sum((l) => l.total) + input.shipping,
      taxIncluded: input.taxIncluded,
      taxRate: input.taxRate,
      taxCountry: input.taxCountry,
    },
  };
}
