import type { RateBracket } from '../db.ts';

/**
 * What is wrong with a rate table, if anything: brackets strictly ascending by `upTo`, and
 * only the last may be unbounded (null). A table without an unbounded last bracket serves
 * baskets up to its last bound only.
 */
export function rateTableProblems(rates: readonly RateBracket[]): string[] {
  const out: string[] = [];
  rates.forEach((r, i) => {
    if (r.upTo === null && i !== rates.length - 1)
      out.push(`rates[${i}]: only the last bracket may have no upper bound`);
    const prev = rates[i - 1]?.upTo;
    if (i > 0 && prev != null && r.upTo !== null && r.upTo <= prev)
      out.push(`rates[${i}]: upTo ${r.upTo} must be above the previous bracket's ${prev}`);
  });
  return out;
}

/** The price of the first bracket that holds `measure`; undefined when none does. */
export function rateFor(rates: readonly RateBracket[], measure: number): number | undefined {
  return rates.find((r) => r.upTo === null || measure <= r.upTo)?.amount;
}
