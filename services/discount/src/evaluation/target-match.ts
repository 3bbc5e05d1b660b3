import type { DiscountLine } from '@mercato/contracts';
import type { Target } from '../promotions/promotion.ts';

// Which lines a promotion's target takes. Evaluation asks it of every candidate promotion
// for every line (200 automatic promotions × 10 lines is 2,000 checks a cart), so targets are
// compiled once per target object into one shape with Sets, and a line's facts are read once.

/** What a line is matched on, read once per evaluation (not once per promotion). */
export interface LineFacts {
  line: DiscountLine;
  /** Its category ids and handles. */
  categories: ReadonlySet<string>;
  /** Its brand id and handle. */
  brands: ReadonlySet<string>;
}

export function lineFacts(line: DiscountLine): LineFacts {
  const brands = new Set<string>();
  if (line.brandId) brands.add(line.brandId);
  if (line.brandHandle) brands.add(line.brandHandle);
  return { line, categories: new Set([...line.categoryIds, ...(line.categoryHandles ?? [])]), brands };
}

/** A target as matching reads it (null: the list is not given, so it does not restrict). */
interface TargetMatcher {
  productIds: ReadonlySet<string> | null;
  skus: ReadonlySet<string> | null;
  categories: readonly string[] | null;
  brands: readonly string[] | null;
}

// Keyed by the target object: the automatic promotions are cached objects, so their targets
// compile once per load of the rules.
const compiled = new WeakMap<Target, TargetMatcher>();

const setOf = (xs: readonly string[] | undefined) => (xs?.length ? new Set(xs) : null);
const listOf = (xs: readonly string[] | undefined) => (xs?.length ? xs : null);

function matcherOf(target: Target): TargetMatcher {
  let m = compiled.get(target);
  if (!m) {
    m = {
      productIds: setOf(target.productIds),
      skus: setOf(target.skus),
      categories: listOf(target.categories),
      brands: listOf(target.brands),
    };
    compiled.set(target, m);
  }
  return m;
}

function anyIn(wanted: readonly string[], has: ReadonlySet<string>): boolean {
  for (const w of wanted) if (has.has(w)) return true;
  return false;
}

/** Whether a line belongs to a target (every list given must match). */
function matches(m: TargetMatcher, f: LineFacts): boolean {
  if (m.productIds !== null && !m.productIds.has(f.line.productId)) return false;
  if (m.skus !== null && !m.skus.has(f.line.sku)) return false;
  if (m.categories !== null && !anyIn(m.categories, f.categories)) return false;
  if (m.brands !== null && !anyIn(m.brands, f.brands)) return false;
  return true;
}

/** Positions of the lines a target takes. */
export function targetedLines(target: Target, facts: readonly LineFacts[]): number[] {
  const m = matcherOf(target);
  const out: number[] = [];
  for (let i = 0; i < facts.length; i++) if (matches(m, facts[i]!)) out.push(i);
  return out;
}
